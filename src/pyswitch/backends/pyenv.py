"""pyenv versions and pyenv-virtualenv envs under $PYENV_ROOT/versions."""
from __future__ import annotations

import os
import re
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Dict, List

from pyswitch.environment import Environment
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe, from_conda_meta, python_in, pyvenv_cfg_version
from pyswitch.spec import release_tuple


def version_sort_key(name: str):
    """3.6.15 before 3.10.13: numbers compare as numbers, the rest as text."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", name) if p]


def _listdir(path: "str | Path") -> List[str]:
    try:
        return sorted((n for n in os.listdir(path) if not n.startswith(".")), key=version_sort_key)
    except OSError:
        return []


def is_conda_installation(prefix: "str | Path") -> bool:
    return os.path.isdir(os.path.join(prefix, "conda-meta"))


def _environment(name: str, kind: str, prefix: str, version: "str | None") -> Environment:
    return Environment(name, kind, Path(prefix), version, Path(prefix + "/bin"))


def _version(prefix: str, name: str, probe: VersionProbe, cfg_version: "str | None") -> "str | None":
    found = cfg_version or from_conda_meta(prefix)
    if found:
        return found
    rel = release_tuple(name)
    if rel is not None and len(rel) == 3:
        return name
    py = python_in(prefix + "/bin")
    return probe.version_of(py) if py else None


def virtualenv_short_names(ctx: Context) -> Dict[str, str]:
    """`web` -> `3.8.18/envs/web`, from pyenv-virtualenv's symlinks in versions/."""
    versions = str(ctx.pyenv_versions)
    real_versions = None
    out = {}
    for name in _listdir(versions):
        p = os.path.join(versions, name)
        if os.path.islink(p):
            if real_versions is None:
                real_versions = os.path.realpath(versions)
            target = os.path.realpath(p)
            parent, env = os.path.split(target)
            base_dir, envs = os.path.split(parent)
            if envs == "envs" and os.path.dirname(base_dir) == real_versions:
                out[name] = f"{os.path.basename(base_dir)}/envs/{env}"
    return out


def discover(ctx: Context, probe: VersionProbe) -> List[Environment]:
    # strings, not Paths, until an Environment is made: this runs on every command
    versions = str(ctx.pyenv_versions)
    short = virtualenv_short_names(ctx)
    envs: List[Environment] = []
    for name in _listdir(versions):
        prefix = os.path.join(versions, name)
        if name in short or not os.path.isdir(prefix):
            continue
        conda = is_conda_installation(prefix)
        cfg = pyvenv_cfg_version(prefix)
        kind = "virtualenv" if cfg is not None and not conda else "pyenv"
        envs.append(_environment(name, kind, prefix, _version(prefix, name, probe, cfg and cfg[0])))
        if conda:
            continue  # its envs/ are conda envs, found by the conda backend
        for env_name in _listdir(prefix + "/envs"):
            env_prefix = f"{prefix}/envs/{env_name}"
            if os.path.isdir(env_prefix):
                cfg = pyvenv_cfg_version(env_prefix)
                envs.append(_environment(f"{name}/envs/{env_name}", "virtualenv", env_prefix,
                                         _version(env_prefix, env_name, probe, cfg and cfg[0])))
    return envs
