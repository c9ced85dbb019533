"""Project venvs beside a `.python-version` (SPEC section 3), used only once trusted."""
from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import List, Optional

from pyswitch import recorded
from pyswitch.environment import Environment, Kind
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe, from_pyvenv_cfg, read_pyvenv_cfg
from pyswitch.values import value

TRUSTED, UNTRUSTED, OTHER_INTERPRETER = "trusted", "untrusted", "other-interpreter"


@value
class ProjectVenv:
    path: Path
    status: str                      # TRUSTED, UNTRUSTED or OTHER_INTERPRETER
    home: Optional[str]              # pyvenv.cfg's home, as written
    interpreter: Optional[str] = None  # the name of the pinned interpreter it was compared with
    env: Optional[Environment] = None

    def message(self) -> str:
        """Why `version` ignores it, and the fix."""
        if self.status == UNTRUSTED:
            return f"project venv {self.path} is ignored until you trust it: pyswitch trust {self.path.parent}"
        return (f"project venv {self.path} is ignored: it was made from {self.home or 'an unknown interpreter'}, "
                f"not {self.interpreter}; recreate it: cd {self.path.parent} && pyswitch local --venv --force")

    def notice(self, shown_path: str) -> str:
        """The line the shell hook prints once on entering its folder (SPEC section 5)."""
        if self.status == UNTRUSTED:
            return f"ignoring {shown_path} (not trusted); run 'pyswitch trust' to use it"
        return (f"ignoring {shown_path} (made from {self.home or 'an unknown interpreter'}, not "
                f"{self.interpreter}); run 'cd {self.path.parent} && pyswitch local --venv --force' to recreate it")


def venv_environment(path: Path) -> Environment:
    return Environment(str(path), Kind.VENV, path, from_pyvenv_cfg(path), path / "bin")


def is_trusted(ctx: Context, venv: Path) -> bool:
    """Trust names a venv by its real path (SPEC section 3)."""
    try:
        return os.path.realpath(venv) in recorded.read_paths(ctx.trust_file)
    except (OSError, ValueError):
        return False


def made_from(venv: Path, interpreter: Environment) -> bool:
    """pyvenv.cfg's home and the interpreter's bin are one folder once symlinks are resolved."""
    home = read_pyvenv_cfg(venv).get("home")
    if not home:
        return False
    try:
        return os.path.realpath(home) == os.path.realpath(interpreter.bin_dir)
    except (OSError, ValueError):
        return False


def project_venv(ctx: Context, project_dir: Path, interpreter: Environment) -> Optional[ProjectVenv]:
    """The venv beside a version file, and whether it may be used."""
    path = project_dir / ctx.venv_dir
    try:
        if not (path / "pyvenv.cfg").is_file():
            return None
    except OSError:
        return None
    home = read_pyvenv_cfg(path).get("home")
    if not made_from(path, interpreter):
        return ProjectVenv(path, OTHER_INTERPRETER, home, interpreter.name)
    if not is_trusted(ctx, path):
        return ProjectVenv(path, UNTRUSTED, home, interpreter.name)
    return ProjectVenv(path, TRUSTED, home, interpreter.name, venv_environment(path))


def discover(ctx: Context, probe: VersionProbe) -> List[Environment]:
    """Trusted project venvs that still exist: they are environments too (for versions, prune)."""
    out = []
    for real in recorded.read_paths(ctx.trust_file):
        p = Path(real)
        try:
            if (p / "pyvenv.cfg").is_file():
                out.append(venv_environment(p))
        except OSError:
            continue
    return out
