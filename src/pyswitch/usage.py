"""Who uses an environment: the pins, venvs and selections that would break if it went.

SPEC sections 6 and 7. Users of an environment are the specs of recorded projects' version
files, the global files (pyswitch's and pyenv's), PYSWITCH_VERSION and PYENV_VERSION, the
selection here, and venvs made from it (pyenv-virtualenv envs and recorded or trusted `.venv`s).
`uninstall` lists them as dependents; `prune` offers what nothing uses.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from pyswitch import envvars, recorded
from pyswitch.backends import installers
from pyswitch.environment import Environment, Kind
from pyswitch.errors import PyswitchError
from pyswitch.files import is_within
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.pyversion import read_pyvenv_cfg
from pyswitch.selection import resolve, select, select_value
from pyswitch.version_file import VERSION_FILE, read_version_file

# (file or variable, source, specs)
PinFile = Tuple[str, str, Tuple[str, ...]]


def real(path: "Path | str") -> str:
    return os.path.realpath(path)


@dataclass(frozen=True)
class PinUse:
    """A version file whose spec resolves to an environment that is going away."""

    file: str                 # the version file's path, or PYSWITCH_VERSION
    spec: str
    source: str               # "project", "global", "pyenv-global" or "shell"
    fallback: Optional[str]   # what the spec resolves to once it is gone; None: nothing


@dataclass(frozen=True)
class VenvUse:
    """A venv made from an environment that is going away."""

    path: Path
    name: str                 # the spec of a pyenv-virtualenv env, else the path
    inside: bool              # removed together with it (a pyenv-virtualenv env inside it)


def version_files(ctx: Context) -> List[PinFile]:
    """(file, source, specs) for recorded projects, the global files and the selecting variables."""
    out: List[PinFile] = []
    for project in recorded.read_paths(ctx.projects_file):
        f = Path(project) / VERSION_FILE
        if f.is_file():
            out.append((str(f), "project", read_version_file(f).specs))
    for f, source in ((ctx.global_file, "global"), (ctx.pyenv_global_file, "pyenv-global")):
        if f.is_file():
            out.append((str(f), source, read_version_file(f).specs))
    for name in (envvars.PYSWITCH_VERSION, envvars.PYENV_VERSION):
        sel = select_value(name, ctx.environ.get(name, ""))
        if sel is not None:
            out.append((name, "shell", sel.specs))
    return out


def project_venvs(ctx: Context) -> List[Path]:
    """Venvs of recorded projects and trusted venvs that exist, each once (by real path)."""
    found: Dict[str, Path] = {}
    for project in recorded.read_paths(ctx.projects_file):
        v = Path(project) / ctx.venv_dir
        if (v / "pyvenv.cfg").is_file():
            found.setdefault(real(v), v)
    for venv in recorded.read_paths(ctx.trust_file):
        v = Path(venv)
        if (v / "pyvenv.cfg").is_file():
            found.setdefault(real(v), v)
    return list(found.values())


def venv_home(prefix: Path) -> Optional[str]:
    """Real path of the `home` a venv's pyvenv.cfg names, or None."""
    home = read_pyvenv_cfg(prefix).get("home")
    return real(home) if home else None


def pins_of(inv: Inventory, after: Inventory, gone: str, files: List[PinFile]) -> List[PinUse]:
    """The pins that name the environment at real path `gone`, with what each falls back to."""
    uses = []
    for file, source, specs in files:
        for spec in specs:
            env = inv.resolve(spec)
            if env is None or not is_within(real(env.prefix), gone):
                continue
            fallback = after.resolve(spec)
            uses.append(PinUse(file, spec, source, fallback.name if fallback else None))
    return uses


def venvs_of(ctx: Context, inv: Inventory, gone: str) -> List[VenvUse]:
    """Venvs made from the environment at real path `gone`, or inside it."""
    out: Dict[str, VenvUse] = {}
    for e in inv.pyenv:
        r = real(e.prefix)
        if r == gone or e.kind != Kind.VIRTUALENV:
            continue
        if is_within(r, gone):
            out[r] = VenvUse(e.prefix, e.name, True)
            continue
        home = venv_home(e.prefix)
        if home and is_within(home, gone):
            out[r] = VenvUse(e.prefix, e.name, False)
    for v in project_venvs(ctx):
        home = venv_home(v)
        r = real(v)
        if r not in out and home and is_within(home, gone) and not is_within(r, gone):
            out[r] = VenvUse(v, str(v), False)
    return list(out.values())


def short_links(ctx: Context, gone: str) -> List[Path]:
    """Symlinks that name an environment and go with it: pyenv-virtualenv's `versions/NAME`,
    uv's minor-version folders and its `~/.local/bin/python3.12`, mise's and asdf's aliases."""
    folders = [ctx.pyenv_versions] + [i.folder(ctx) for i in installers.INSTALLERS] + [installers.uv_bin_dir(ctx)]
    links = []
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for n in names:
            p = folder / n
            if p.is_symlink() and _points_into(p, gone):
                links.append(p)
    return links


def _points_into(link: Path, gone: str) -> bool:
    """The link's target is in `gone`, even where the target is itself a link out of it (uv's
    `python3.12` links to an install whose own `python3.12` may link elsewhere)."""
    try:
        target = os.path.join(os.path.dirname(link), os.readlink(link))
    except OSError:
        return False
    return is_within(real(link), gone) or is_within(real(os.path.dirname(target)), gone)


def selected_environments(ctx: Context, inv: Inventory) -> Tuple[List[Environment], str]:
    """The environments the selection here uses (venv, primary, others), and what decided it."""
    sel = select(ctx)
    try:
        res = resolve(ctx, inv, sel)
        envs = list(res.environments) + [res.interpreter]
    except PyswitchError:  # a missing primary: the others may still be installed
        envs = [e for e in (inv.resolve(s) for s in sel.specs) if e is not None]
    return envs, sel.origin
