"""What may never be removed (SPEC section 7), checked before anything is touched.

`system`, conda base envs (a whole conda installation, one in pyenv's versions too), anything
whose real path is not directly inside the pyenv versions folder, a `versions/V/envs` folder or
a conda envs folder (a symlinked environment is refused, never followed), and the environment
this process runs in.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Set

from pyswitch.backends import conda as conda_backend
from pyswitch.backends import installers
from pyswitch.environment import Environment, Kind
from pyswitch.files import is_within
from pyswitch.paths import Context
from pyswitch.usage import real


def is_running_in(prefix_real: str) -> bool:
    return any(is_within(real(p), prefix_real) for p in {sys.prefix, sys.base_prefix})


def allowed_parents(ctx: Context) -> List[str]:
    """Real paths of the folders an environment may be removed from.

    The pyenv versions folder, `versions/V/envs` of each real (not symlinked) version, the
    `envs/` folder of each conda root, `~/.conda/envs`, and the folders uv, mise and asdf keep
    their Pythons in.
    """
    out: List[str] = []
    versions = ctx.pyenv_versions
    if versions.is_dir():
        out.append(real(versions))
        try:
            names = sorted(os.listdir(versions))
        except OSError:
            names = []
        for n in names:
            p = versions / n
            if not p.is_symlink() and (p / "envs").is_dir() and not (p / "envs").is_symlink():
                out.append(real(p / "envs"))
    for root in conda_backend.conda_roots(ctx):
        if (root / "envs").is_dir():
            out.append(real(root / "envs"))
    home_envs = ctx.home / ".conda" / "envs"
    if home_envs.is_dir():
        out.append(real(home_envs))
    for installer in installers.INSTALLERS:  # uv's, mise's and asdf's own folders, never outside them
        if installer.folder(ctx).is_dir():
            out.append(real(installer.folder(ctx)))
    seen: Set[str] = set()
    return [p for p in out if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def leftover_folders(ctx: Context) -> List[Path]:
    """Where interrupted removals may have left `.pyswitch-removing-*` entries."""
    folders = [Path(p) for p in allowed_parents(ctx)]
    for root in conda_backend.conda_roots(ctx):
        pkgs = root / "pkgs"
        if pkgs.is_dir() and not pkgs.is_symlink():
            folders.append(pkgs)
    return folders


def is_base(env: Environment) -> bool:
    """A conda base env, including a conda installation in pyenv's versions."""
    return env.is_conda_base or (env.kind == Kind.PYENV and (env.prefix / "conda-meta").is_dir())


def refusal(ctx: Context, env: Environment, parents: Sequence[str]) -> Optional[str]:
    """Why this environment may never be removed (one line), or None."""
    if env.kind == Kind.SYSTEM:
        return f"refusing to uninstall 'system': pyswitch never removes the system Python ({env.prefix})"
    if is_base(env):
        extra = f"; use: pyenv uninstall {env.name}" if env.kind == Kind.PYENV else ""
        return (f"refusing to uninstall '{env.name}': {env.prefix} is a conda base env "
                f"(a whole conda installation){extra}")
    prefix = os.fspath(env.prefix)
    if os.path.islink(prefix):
        return (f"refusing to uninstall '{env.name}': {prefix} is a symlink to {real(prefix)}; "
                f"pyswitch never follows it; to remove only the link: rm {prefix}")
    if not os.path.isdir(prefix):
        return f"refusing to uninstall '{env.name}': {prefix} is not a folder"
    where = real(prefix)
    if os.path.dirname(where) not in parents:
        return (f"refusing to uninstall '{env.name}': its real path {where} is outside the pyenv "
                "versions folder, the conda envs folders and uv's, mise's and asdf's folders")
    if is_running_in(where):
        return f"refusing to uninstall '{env.name}': pyswitch itself runs from it ({sys.prefix})"
    return None
