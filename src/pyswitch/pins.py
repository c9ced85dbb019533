"""Writing pins: `local` and `global` check every spec, then write the version file."""
from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

from pyswitch import recorded
from pyswitch.errors import BrokenEnvironment, NotInstalled, PyswitchError
from pyswitch.files import printable, short_path
from pyswitch.health import problem
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import not_installed_message
from pyswitch.spec import check_token
from pyswitch.version_file import write_version_file
from pyswitch.environment import Environment


def check_specs(inv: Inventory, tokens: Sequence[str], force: bool) -> List[Environment]:
    """Each token must be safe and (unless forced) installed and able to run python; return
    what they resolve to."""
    resolved = []
    for token in tokens:
        check_token(token)
        env = inv.resolve(token)
        if env is None and not force:
            raise NotInstalled(not_installed_message(inv, token, None))
        if env is None:
            continue
        broken = problem(env)
        if broken is not None and not force:
            raise BrokenEnvironment(f"{broken.line(token)}; or pin it anyway with --force; nothing was written")
        resolved.append(env)
    return resolved


def write_pin(path: Path, tokens: Sequence[str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_version_file(path, list(tokens))
    except OSError as e:
        raise PyswitchError(f"cannot write {short_path(printable(path))}: {e.strerror}") from None


def record_project(ctx: Context, project: Path) -> None:
    try:
        recorded.add_path(ctx.projects_file, project)
    except PyswitchError:
        pass  # the pin works without the record; only uninstall's report would miss it


def unset_pin(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as e:
        raise PyswitchError(f"cannot remove {short_path(printable(path))}: {e.strerror}") from None
