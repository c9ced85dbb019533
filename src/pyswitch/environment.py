"""The value every backend produces: one environment that can run `python`."""
from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Any, Dict, Optional
from pyswitch.values import value


class Kind:
    """Environment kinds, as `--json` spells them."""

    PYENV = "pyenv"            # a version in $PYENV_ROOT/versions (a conda installation there too)
    VIRTUALENV = "virtualenv"  # a pyenv-virtualenv env
    CONDA = "conda"            # a conda env (a root is `base`)
    VENV = "venv"              # a trusted project venv
    SYSTEM = "system"          # the first python on PATH that is not a shim
    UV = "uv"                  # interpreters other installers manage
    MISE = "mise"
    ASDF = "asdf"


KINDS = (Kind.PYENV, Kind.VIRTUALENV, Kind.CONDA, Kind.VENV, Kind.SYSTEM, Kind.UV, Kind.MISE, Kind.ASDF)
INSTALLER_KINDS = (Kind.UV, Kind.MISE, Kind.ASDF)


@value
class Environment:
    name: str                 # the spec that selects it: 3.8.18, 3.8.18/envs/web, conda:ml, uv:3.12.4, system, or a venv path
    kind: str                 # one of KINDS
    prefix: Path
    python_version: Optional[str]
    bin_dir: Path
    shadowed: bool = False
    conda_root: Optional[Path] = None      # for conda envs: the root they belong to, when known
    is_conda_base: bool = False

    def to_json(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "python_version": self.python_version,
            "prefix": str(self.prefix),
        }
