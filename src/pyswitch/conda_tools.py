"""conda, mamba or micromamba: finding the tool that `install`, `uninstall` and `prune` hand work to.

Discovery never runs any of them (it reads conda-meta/); only the commands that change conda's
folders do, and they all find the tool here, in one order: CONDA_EXE, MAMBA_EXE, then PATH
after the shims.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from pyswitch import envvars
from pyswitch.backends.system import find_on_path
from pyswitch.environment import Environment
from pyswitch.paths import Context

TOOLS = ("conda", "mamba", "micromamba")


@dataclass(frozen=True)
class CondaTool:
    path: Path
    kind: str               # "conda", "mamba" or "micromamba"
    root: Optional[Path]    # the installation it manages by name, when known


def kind_of(path: Path) -> str:
    """conda, mamba or micromamba, by the executable's name (`micromamba-1.5`, `mamba.exe`)."""
    for kind in ("micromamba", "mamba", "conda"):
        if kind in path.name:
            return kind
    return "conda"


def find(ctx: Context) -> Optional[CondaTool]:
    """The first of CONDA_EXE, MAMBA_EXE, then conda, mamba, micromamba on PATH that runs."""
    candidates: List[Path] = []
    for var in (envvars.CONDA_EXE, envvars.MAMBA_EXE):
        value = ctx.environ.get(var)
        if value:
            candidates.append(Path(value))
    for name in TOOLS:
        found = find_on_path(ctx, name)
        if found is not None:
            candidates.append(found)
    for path in candidates:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        kind = kind_of(path)
        if kind == "micromamba":
            value = ctx.environ.get("MAMBA_ROOT_PREFIX")
            root = Path(value) if value else None
        else:
            root = path.parent.parent  # ROOT/bin/conda or ROOT/condabin/conda
        return CondaTool(path, kind, root)
    return None


def of_root(env: Environment) -> Optional[CondaTool]:
    """The conda of the installation an env belongs to (ROOT/envs/NAME -> ROOT/condabin/conda
    or ROOT/bin/conda), for when none is on PATH or named by CONDA_EXE: install uses it too."""
    if env.prefix.parent.name != "envs":
        return None
    root = env.prefix.parent.parent
    for path in (root / "condabin" / "conda", root / "bin" / "conda"):
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return CondaTool(path, kind_of(path), root)
    return None


def conda_remove_command(tool: CondaTool, env: Environment) -> Tuple[str, ...]:
    """`env remove -n NAME -y` for an env of the tool's own installation, else `-p PREFIX`."""
    by_name = (
        tool.root is not None
        and not env.shadowed
        and env.name.startswith("conda:")
        and os.path.realpath(env.prefix.parent) == os.path.realpath(tool.root / "envs")
    )
    if by_name:
        return (str(tool.path), "env", "remove", "-n", env.name[len("conda:"):], "-y")
    return (str(tool.path), "env", "remove", "-p", str(env.prefix), "-y")
