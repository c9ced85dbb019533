"""pyenv versions and pyenv-virtualenv envs under $PYENV_ROOT/versions."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, List

from pyswitch.environment import Environment
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe, from_conda_meta, from_pyvenv_cfg, python_in
from pyswitch.spec import release_tuple


def version_sort_key(name: str):
    """3.6.15 before 3.10.13: numbers compare as numbers, the rest as text."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", name) if p]


def _listdir(path: Path) -> List[str]:
    try:
        return sorted((n for n in os.listdir(path) if not n.startswith(".")), key=version_sort_key)
    except OSError:
        return []


def is_conda_installation(prefix: Path) -> bool:
    return (prefix / "conda-meta").is_dir()


def _version(prefix: Path, name: str, probe: VersionProbe) -> "str | None":
    found = from_pyvenv_cfg(prefix) or from_conda_meta(prefix)
    if found:
        return found
    rel = release_tuple(name)
    if rel is not None and len(rel) == 3:
        return name
    py = python_in(prefix / "bin")
    return probe.version_of(py) if py else None


def virtualenv_short_names(ctx: Context) -> Dict[str, str]:
    """`web` -> `3.8.18/envs/web`, from pyenv-virtualenv's symlinks in versions/."""
    versions = ctx.pyenv_versions
    out = {}
    for name in _listdir(versions):
        p = versions / name
        if p.is_symlink():
            target = Path(os.path.realpath(p))
            parent = target.parent
            if parent.name == "envs" and parent.parent.parent == Path(os.path.realpath(versions)):
                out[name] = f"{parent.parent.name}/envs/{target.name}"
    return out


def discover(ctx: Context, probe: VersionProbe) -> List[Environment]:
    versions = ctx.pyenv_versions
    short = virtualenv_short_names(ctx)
    envs: List[Environment] = []
    for name in _listdir(versions):
        prefix = versions / name
        if name in short or not prefix.is_dir():
            continue
        conda = is_conda_installation(prefix)
        kind = "virtualenv" if (prefix / "pyvenv.cfg").is_file() and not conda else "pyenv"
        envs.append(Environment(name, kind, prefix, _version(prefix, name, probe), prefix / "bin"))
        if conda:
            continue  # its envs/ are conda envs, found by the conda backend
        for env_name in _listdir(prefix / "envs"):
            env_prefix = prefix / "envs" / env_name
            if env_prefix.is_dir():
                envs.append(Environment(f"{name}/envs/{env_name}", "virtualenv", env_prefix,
                                        _version(env_prefix, env_name, probe), env_prefix / "bin"))
    return envs
