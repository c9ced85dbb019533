"""Writing pins: `local` and `global` check every spec, then write the version file."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, List, Optional, Sequence

from pyswitch import legacy, recorded, resolve_cache, venv_create
from pyswitch.errors import BrokenEnvironment, NotInstalled, PyswitchError
from pyswitch.files import printable, short_path
from pyswitch.health import problem
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import not_installed_message
from pyswitch.spec import check_token, shown
from pyswitch.version_file import VERSION_FILE, read_version_file, write_version_file
from pyswitch.environment import Environment


Say = Callable[[str], None]


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


def record_project(ctx: Context, project: Path) -> Optional[str]:
    """Record a pinned project (uninstall and prune count it as a user); a warning when the
    record cannot be written: the pin works without it, but the user must know what it means."""
    try:
        recorded.add_path(ctx.projects_file, project)
    except PyswitchError as e:
        return (f"the pin is written, but the project is not recorded ({e}), so `pyswitch uninstall` "
                "and `pyswitch prune` will not count it as a user of what it pins")
    return None


def pin_local(ctx: Context, specs: Sequence[str], force: bool, with_venv: bool, say: Say, warn: Say) -> None:
    """`pyswitch local SPEC... [--venv]`: check, refuse before writing, write, record, make the venv."""
    inv = Inventory(ctx)
    check_specs(inv, specs, force)
    plan = _plan_venv(ctx, inv, specs[0], force) if with_venv else None  # refuse before writing
    write_pin(ctx.cwd / VERSION_FILE, specs)
    _after_pin(ctx, warn)
    line = legacy.eol_warning((t, legacy.pinned_version(t, inv.resolve(t))) for t in specs)
    if line:  # once: legacy projects need the pin, but should know what they are running
        warn(line)
    if plan is not None:
        venv_create.make_venv(ctx, plan, say, warn)


def venv_for_existing_pin(ctx: Context, force: bool, say: Say, warn: Say) -> None:
    """`pyswitch local --venv`: the venv for the pin already in ./.python-version."""
    res = read_version_file(ctx.cwd / VERSION_FILE)
    for w in res.warnings:
        warn(w)
    if not res.specs:
        raise PyswitchError(f"--venv needs a SPEC, or a {VERSION_FILE} in this folder: pyswitch local 3.12 --venv")
    plan = _plan_venv(ctx, Inventory(ctx), res.specs[0], force)
    _after_pin(ctx, warn)
    venv_create.make_venv(ctx, plan, say, warn)


def pin_global(ctx: Context, specs: Sequence[str], force: bool) -> None:
    check_specs(Inventory(ctx), specs, force)
    write_pin(ctx.global_file, specs)
    resolve_cache.refresh(ctx)


def _after_pin(ctx: Context, warn: Say) -> None:
    problem = record_project(ctx, ctx.cwd)
    if problem:
        warn(problem)
    resolve_cache.refresh(ctx)


def _plan_venv(ctx: Context, inv: Inventory, token: str, force: bool) -> "venv_create.VenvPlan":
    primary = inv.resolve(token)
    if primary is None:
        raise PyswitchError(f"cannot make a venv: '{shown(token)}' is not installed; nothing was written; "
                            f"{inv.install_hint(token)}")
    return venv_create.plan_venv(ctx, ctx.cwd, primary, force)


def unset_pin(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as e:
        raise PyswitchError(f"cannot remove {short_path(printable(path))}: {e.strerror}") from None
