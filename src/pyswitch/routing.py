"""Which file a command runs here: the shims, `which` and `exec` all answer from this."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, List, Tuple

from pyswitch.backends.system import find_on_path
from pyswitch.commands import find_in, provides
from pyswitch.errors import CommandNotFound
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import Resolution


def find_command(ctx: Context, inv: Inventory, res: Resolution, command: str) -> Path:
    """Selected environments in order, then the rest of PATH after the shims; else exit 127."""
    if not command or "/" in command or command in (".", ".."):
        raise CommandNotFound(f"{command}: command not found")
    for env in res.environments:
        found = find_on_path(ctx, command) if env.kind == "system" else find_in(env, command)
        if found:
            return found
    found = find_on_path(ctx, command)
    if found:
        return found
    elsewhere = [e.name for e in inv.pyenv + inv.conda if not e.shadowed and provides(e, command)]
    message = f"{command}: command not found"
    if elsewhere:
        message += f"\nit exists in: {', '.join(elsewhere)}"
    raise CommandNotFound(message)


def exec_environment(ctx: Context, path: Path) -> Dict[str, str]:
    """The child's environment: the command's own bin folder first on PATH, as `pyenv exec`
    does, so a script that runs `python` or `pip` again stays in the same environment. A
    command found on PATH (system) changes nothing."""
    env = dict(ctx.environ)
    if path.parent.exists() and os.path.realpath(path.parent) not in _path_dirs_real(ctx):
        old = env.get("PATH", "")
        env["PATH"] = os.pathsep.join([str(path.parent)] + ([old] if old else []))
    return env


def _path_dirs_real(ctx: Context) -> List[str]:
    from pyswitch.backends.system import path_after_shims
    return [os.path.realpath(d) for d in path_after_shims(ctx)]


def exec_command(path: Path, args: Tuple[str, ...], environ: Dict[str, str]) -> None:
    """Replace this process: no wrapper left to swallow signals or exit statuses."""
    for stream in (sys.stdout, sys.stderr):  # block-buffered without a TTY (3.8): lost by exec
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os.execve(str(path), [str(path), *args], environ)
