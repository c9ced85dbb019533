"""The value every backend produces: one environment that can run `python`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

KINDS = ("pyenv", "virtualenv", "conda", "venv", "system")


@dataclass(frozen=True)
class Environment:
    name: str                 # the spec that selects it: 3.8.18, 3.8.18/envs/web, conda:ml, system, or a venv path
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
