"""`pyswitch trust`: allow (or stop allowing) a project's venv to be used (SPEC section 3).

A venv that came with a cloned project can run anything, so pyswitch uses one only once it is
trusted, by its real path. Trusting a venv that still will not be used (no pin beside it, or
made from another interpreter than the pin's) says so, with the fix, instead of a bare
"trusted".
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from pyswitch import recorded, resolve_cache
from pyswitch.backends.venv import made_from
from pyswitch.errors import PyswitchError
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.pyversion import read_pyvenv_cfg
from pyswitch.selection import select_file
from pyswitch.version_file import VERSION_FILE, examine, find_version_file


def venv_of(ctx: Context, project: Path) -> Path:
    return project / ctx.venv_dir


def project_here(ctx: Context) -> Path:
    """The folder `trust` means without DIR: here where a venv is here, else the project whose
    .python-version decides here, where a venv is beside it (as `direnv allow` finds the
    .envrc above), so the hook's "run 'pyswitch trust'" works from any subfolder."""
    if not (venv_of(ctx, ctx.cwd) / "pyvenv.cfg").is_file():
        pin = find_version_file(ctx.cwd)
        if pin is not None and (venv_of(ctx, pin.parent) / "pyvenv.cfg").is_file():
            return pin.parent
    return ctx.cwd


def trust(ctx: Context, project: Path) -> Optional[str]:
    """Trust the venv of `project`; returns why it will still not be used, or None."""
    venv = venv_of(ctx, project)
    if not project.is_dir():
        raise PyswitchError(f"{project} is not a folder: name the project folder that holds {ctx.venv_dir}")
    if not (venv / "pyvenv.cfg").is_file():
        raise PyswitchError(f"no venv in {project} (looked for {venv}/pyvenv.cfg)")
    recorded.add_path(ctx.trust_file, venv)
    resolve_cache.refresh(ctx)
    return unused_because(ctx, project)


def revoke(ctx: Context, project: Path) -> None:
    venv = venv_of(ctx, project)
    if not recorded.remove_path(ctx.trust_file, venv):
        raise PyswitchError(f"{venv} is not trusted")
    resolve_cache.refresh(ctx)


def unused_because(ctx: Context, project: Path) -> Optional[str]:
    """Why a trusted venv is still not the project venv (SPEC section 3), with the fix."""
    venv = venv_of(ctx, project)
    pin = project / VERSION_FILE
    cfg = read_pyvenv_cfg(venv)
    found = examine(str(pin))
    if found is None or not found.use:
        if cfg.get("version"):
            return f"it is not used until {pin} pins the interpreter it was made from: pyswitch local {cfg['version']}"
        return (f"it is not used until {pin} pins the interpreter it was made from "
                f"({cfg.get('home') or 'pyvenv.cfg does not say'}): pin that version with pyswitch local")
    sel = select_file(pin, "local")
    primary = Inventory(ctx).resolve(sel.specs[0])
    if primary is None:
        return f"it is not used: the pinned '{sel.specs[0]}' is not installed; try: pyswitch install"
    if not made_from(venv, primary):
        home = read_pyvenv_cfg(venv).get("home") or "an unknown interpreter"
        return (f"it is not used: it was made from {home}, not {primary.name} (pinned in {pin}); "
                "fix: pyswitch local --venv --force")
    return None
