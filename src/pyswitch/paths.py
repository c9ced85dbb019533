"""Where things live: the one place that turns the environment and config into paths.

Tests override everything through environment variables (HOME, PYENV_ROOT, PYSWITCH_ROOT,
PYSWITCH_CONFIG, PYSWITCH_CONDA_ROOTS), never by patching.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Mapping, Optional, Tuple


from pyswitch import envvars
from pyswitch.config import Config, load_config
from pyswitch.errors import PyswitchError
from pyswitch.values import value

VERSION_FILE = ".python-version"
USUAL_CONDA_ROOTS = ("miniconda3", "anaconda3", "miniforge3", "mambaforge", "micromamba")


@value
class Context:
    """Everything a command needs to know about the outside world, read once."""

    environ: Mapping[str, str]
    here: Optional[Path]  # where the user stands; None where that folder was deleted
    home: Path
    root: Path
    pyenv_root: Path
    config_path: Path
    config: Config = Config()
    born_ns: int = 0  # when reading began (before the config): a cache written from this is that old
    config_seen: bool = False  # the config file existed when it was read

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, cwd: Optional[Path] = None) -> "Context":
        born = time.time_ns()
        env = dict(os.environ if environ is None else environ)
        home = Path(env.get(envvars.HOME) or os.path.expanduser("~"))
        config_path = Path(env.get(envvars.PYSWITCH_CONFIG) or _user_config_dir(env) / "config.toml")
        config_seen = os.path.exists(config_path)
        config = load_config(config_path)
        root = Path(env.get(envvars.PYSWITCH_ROOT) or _user_data_dir(env))
        pyenv_root = Path(env.get(envvars.PYENV_ROOT) or config.pyenv_root or home / ".pyenv")
        here = _current_dir(env.get("PWD")) if cwd is None else Path(cwd)
        return cls(environ=env, here=here, home=home, root=root.expanduser(),
                   pyenv_root=pyenv_root.expanduser(), config_path=config_path, config=config, born_ns=born,
                   config_seen=config_seen)

    @property
    def cwd(self) -> Path:
        """The current folder, for commands that read or write in it; selection uses `here`."""
        if self.here is None:
            raise PyswitchError("the current folder no longer exists; cd to one that does")
        return self.here

    # pyswitch's own files
    @property
    def shims_dir(self) -> Path:
        return self.root / "shims"

    @property
    def global_file(self) -> Path:
        return self.root / "version"

    @property
    def projects_file(self) -> Path:
        return self.root / "projects"

    @property
    def trust_file(self) -> Path:
        return self.root / "trusted"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    # pyenv's
    @property
    def pyenv_versions(self) -> Path:
        return self.pyenv_root / "versions"

    @property
    def pyenv_global_file(self) -> Path:
        return self.pyenv_root / "version"

    # conda's
    @property
    def conda_environments_txt(self) -> Path:
        return self.home / ".conda" / "environments.txt"

    def configured_conda_roots(self) -> Tuple[Path, ...]:
        """CONDA_EXE's root, then PYSWITCH_CONDA_ROOTS (or the config); see SPEC section 1."""
        roots = []
        exe = self.environ.get(envvars.CONDA_EXE)
        if exe:
            roots.append(Path(exe).parent.parent)
        listed = self.environ.get(envvars.PYSWITCH_CONDA_ROOTS)
        if listed is not None:
            roots.extend(Path(p).expanduser() for p in listed.split(os.pathsep) if p)
        elif self.config.conda_roots:
            roots.extend(Path(p).expanduser() for p in self.config.conda_roots)
        return tuple(roots)

    def usual_conda_roots(self) -> Tuple[Path, ...]:
        return tuple(self.home / name for name in USUAL_CONDA_ROOTS) + (Path("/opt/conda"),)

    @property
    def venv_dir(self) -> str:
        return self.config.venv_dir

    @property
    def auto_activate(self) -> bool:
        value = self.environ.get(envvars.PYSWITCH_AUTO_ACTIVATE)
        if value is not None:
            return value.strip().lower() not in ("0", "false", "no", "off")
        return self.config.auto_activate


def _current_dir(pwd: Optional[str]) -> Optional[Path]:
    """$PWD where it is this folder (it keeps the user's symlinks), else the real one.

    $PWD may be stale when a parent process changed directory without updating it. A deleted
    folder gives None: selection then reads no local version file, as the shims do (SPEC 4;
    /bin/sh empties $PWD there, so a shim cannot know where the folder was)."""
    try:
        if pwd and os.path.isabs(pwd) and os.path.samefile(pwd, "."):
            return Path(pwd)
        return Path(os.getcwd())
    except OSError:
        return None


def _user_config_dir(env: Mapping[str, str]) -> Path:
    return Path(envvars.user_dir(env, envvars.XDG_CONFIG_HOME))


def _user_data_dir(env: Mapping[str, str]) -> Path:
    return Path(envvars.user_dir(env, envvars.XDG_DATA_HOME))
