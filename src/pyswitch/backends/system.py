"""The system Python: the first `python`/`python3` on PATH that is not a shim."""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

from pyswitch.environment import Environment
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe


def shim_dirs(ctx: Context) -> List[str]:
    """Folders of shims (ours and pyenv's), which never count as the system."""
    dirs = [ctx.shims_dir, ctx.pyenv_root / "shims"]
    try:
        dirs += [ctx.pyenv_root / "plugins" / p / "shims" for p in os.listdir(ctx.pyenv_root / "plugins")]
    except OSError:
        pass
    # both spellings: the shims compare PATH entries as written, without resolving links
    return sorted({str(d) for d in dirs} | {os.path.realpath(d) for d in dirs})


def path_after_shims(ctx: Context) -> List[str]:
    skip = set(shim_dirs(ctx))
    return [d for d in ctx.environ.get("PATH", "").split(os.pathsep)
            if d and os.path.realpath(d) not in skip]


def find_on_path(ctx: Context, command: str) -> Optional[Path]:
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
                return [Environment("system", "system", prefix, probe.version_of(Path(p)), bin_dir)]
    return []
