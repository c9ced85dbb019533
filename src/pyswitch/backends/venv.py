"""Project venvs beside a `.python-version` (SPEC section 3), used only once trusted."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from pyswitch import records
from pyswitch.environment import Environment
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe, from_pyvenv_cfg, read_pyvenv_cfg


@dataclass(frozen=True)
class ProjectVenv:
    path: Path
    status: str            # "trusted", "untrusted" or "other-interpreter"
    home: Optional[str]    # pyvenv.cfg's home, as written
    env: Optional[Environment] = None


def venv_environment(path: Path) -> Environment:
    return Environment(str(path), "venv", path, from_pyvenv_cfg(path), path / "bin")


def is_trusted(ctx: Context, venv: Path) -> bool:
    return os.path.realpath(venv) in records.read_paths(ctx.trust_file)


def made_from(venv: Path, interpreter: Environment) -> bool:
    home = read_pyvenv_cfg(venv).get("home")
    if not home:
        return False
    return os.path.realpath(home) == os.path.realpath(interpreter.bin_dir)


def project_venv(ctx: Context, project_dir: Path, interpreter: Environment) -> Optional[ProjectVenv]:
    """The venv beside a version file, and whether it may be used."""
    path = project_dir / ctx.venv_dir
    if not (path / "pyvenv.cfg").is_file():
        return None
    home = read_pyvenv_cfg(path).get("home")
    if not made_from(path, interpreter):
        return ProjectVenv(path, "other-interpreter", home)
    if not is_trusted(ctx, path):
        return ProjectVenv(path, "untrusted", home)
    return ProjectVenv(path, "trusted", home, venv_environment(path))


def discover(ctx: Context, probe: VersionProbe) -> List[Environment]:
    """Trusted project venvs that still exist: they are environments too (for versions, prune)."""
    out = []
    for real in records.read_paths(ctx.trust_file):
        p = Path(real)
        if (p / "pyvenv.cfg").is_file():
            out.append(venv_environment(p))
    return out
