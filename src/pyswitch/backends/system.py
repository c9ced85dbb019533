"""The system Python: the first `python`/`python3` on PATH that is not a shim (SPEC section 1).

PATH entries are compared with the shim folders by identity (device and inode, as `test -ef`),
so `.../shims/`, `//`, `/./` or a symlink to the folder are all recognised; relative entries
(`.`, an empty entry, `bin`) are never searched (SPEC section 4).
"""
from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import List, Optional, Set, Tuple

    _Id = Tuple[int, int]

from pyswitch import envvars
from pyswitch.backends import installers
from pyswitch.environment import Environment, Kind
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe



def shim_dirs(ctx: Context) -> List[Path]:
    """Folders of shims, ours and other tools', which never count as the system."""
    dirs = [ctx.shims_dir, ctx.pyenv_root / "shims", ctx.home / ".pyenv" / "shims"]
    try:
        dirs += [ctx.pyenv_root / "plugins" / p / "shims" for p in sorted(os.listdir(ctx.pyenv_root / "plugins"))]
    except OSError:
        pass
    dirs += installers.shim_folders(ctx)  # mise's and asdf's shims choose a Python of their own
    dirs += [Path(d) for d in path_entries(ctx) if is_pyenv_shims(Path(d))]
    out: List[Path] = []
    for d in dirs:
        if d not in out:
            out.append(d)
    return out


def is_pyenv_shims(folder: Path) -> bool:
    """A pyenv shims folder on PATH that is not $PYENV_ROOT's (another root, another user's)."""
    if folder.name != "shims":
        return False
    root = folder.parent
    return any(os.path.exists(root / p) for p in ("libexec/pyenv", "bin/pyenv", "pyenv.d"))


def path_entries(ctx: Context) -> List[str]:
    """PATH's absolute entries, in order; relative ones are never searched."""
    return [d for d in ctx.environ.get(envvars.PATH, "").split(os.pathsep) if d.startswith("/")]


def _identity(path) -> Optional[_Id]:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def shim_identities(ctx: Context) -> Set[_Id]:
    return {i for i in (_identity(d) for d in shim_dirs(ctx)) if i is not None}


def path_after_shims(ctx: Context) -> List[str]:
    """PATH without the shim folders and without relative entries."""
    skip = shim_identities(ctx)
    return [d for d in path_entries(ctx) if _identity(d) not in skip]


def find_on_path(ctx: Context, command: str) -> Optional[Path]:
    """`command` on PATH after the shims: what a shim runs when no environment has it."""
    for d in path_after_shims(ctx):
        p = os.path.join(d, command)
        if os.access(p, os.X_OK) and not os.path.isdir(p):
            return Path(p)
    return None


def discover(ctx: Context, probe: VersionProbe) -> List[Environment]:
    for d in path_after_shims(ctx):
        for name in ("python", "python3"):
            p = os.path.join(d, name)
            if os.access(p, os.X_OK) and not os.path.isdir(p):
                bin_dir = Path(d)
                prefix = bin_dir.parent if bin_dir.name == "bin" else bin_dir
                return [Environment("system", Kind.SYSTEM, prefix, probe.version_of(Path(p)), bin_dir)]
    return []
