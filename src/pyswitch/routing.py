"""Which file a command runs here: the shims' slow path, `which` and `exec` all answer from this."""
from __future__ import annotations

import os
import sys
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

from pyswitch.backends.system import find_on_path, path_after_shims
from pyswitch.environment import Kind
from pyswitch.errors import BrokenEnvironment, CommandNotFound
from pyswitch.executables import find_in, provides
from pyswitch.health import core_commands, missing_command
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import Resolution


def find_command(ctx: Context, inv: Inventory, res: Resolution, command: str) -> Path:
    """The primary environment's own commands, then the selected environments in order, then
    the rest of PATH after the shims; else exit 127 (SPEC section 4)."""
    if not command or "/" in command or command in (".", ".."):
        raise CommandNotFound(f"{command}: command not found")
    first = res.primary
    if first.kind != Kind.SYSTEM and command in core_commands(first):
        # python and pip of the primary environment come from it or fail: never from another
        if res.broken is not None:
            raise BrokenEnvironment(res.broken.line(command))
        found = find_in(first, command)
        if found is None:
            raise BrokenEnvironment(missing_command(first, command).line(command))
        return found
    for env in res.environments:
        found = find_on_path(ctx, command) if env.kind == Kind.SYSTEM else find_in(env, command)
        if found:
            return found
    found = find_on_path(ctx, command)
    if found:
        return found
    raise CommandNotFound(not_found_message(inv, command))


def not_found_message(inv: Inventory, command: str) -> str:
    elsewhere = [e.name for e in inv.pyenv + inv.conda + inv.others if not e.shadowed and provides(e, command)]
    message = f"{command}: command not found"
    if elsewhere:
        message += f"\nit exists in: {', '.join(elsewhere)}"
    return message


def exec_environment(ctx: Context, path: Path) -> Dict[str, str]:
    """The child's environment: the command's own bin folder first on PATH, as `pyenv exec`
    does, so a script that runs `python` or `pip` again stays in the same environment. A
    command found on PATH (system), or a folder whose name holds the PATH separator, changes
    nothing."""
    env = dict(ctx.environ)
    folder = str(path.parent)
    on_path = {os.path.realpath(d) for d in path_after_shims(ctx)}
    if os.pathsep not in folder and path.parent.exists() and os.path.realpath(folder) not in on_path:
        old = env.get("PATH", "")
        env["PATH"] = os.pathsep.join([folder] + ([old] if old else []))
    return env


def exec_command(path: Path, args: Tuple[str, ...], environ: Dict[str, str], stamp: Optional[str] = None) -> None:
    """Replace this process: no wrapper left to swallow signals or exit statuses. pip, conda and
    mamba are waited for instead, so the shims are rehashed when they add commands."""
    from pyswitch import shim_wait

    if shim_wait.waits_for(path.name):
        shim_wait.run_and_rehash(str(path), args, environ, stamp)
    for stream in (sys.stdout, sys.stderr):  # block-buffered without a TTY (3.8): lost by exec
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os.execve(str(path), [str(path), *args], environ)
