"""The executables an environment provides to the shims (SPEC section 4)."""
from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import List, Optional

from pyswitch.environment import Environment


def _is_entry_point(path: Path, prefix: Path) -> bool:
    """A script whose first lines run this env's own python (conda writes the `#!/bin/sh` form
    for long prefixes)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError:
        return False
    if not head.startswith(b"#!"):
        return False
    want = os.fsencode(os.path.join(str(prefix), "bin", "python"))
    return want in head or os.fsencode(os.path.join(os.path.realpath(prefix), "bin", "python")) in head


def provides(env: Environment, command: str) -> bool:
    path = env.bin_dir / command
    if not os.access(path, os.X_OK) or path.is_dir():
        return False
    if env.kind != "conda":
        return True
    # conda envs also ship curl, clear, openssl...: only Python's own commands get routed
    return command.startswith(("python", "pip")) or _is_entry_point(path, env.prefix)


def commands_of(env: Environment) -> List[str]:
    try:
        names = sorted(os.listdir(env.bin_dir))
    except OSError:
        return []
    return [n for n in names if not n.startswith(".") and provides(env, n)]


def find_in(env: Environment, command: str) -> Optional[Path]:
    return env.bin_dir / command if provides(env, command) else None
