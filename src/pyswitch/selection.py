"""Which environment is selected here, and why (SPEC section 2)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from pyswitch import envvars
from pyswitch.backends.venv import ProjectVenv, project_venv
from pyswitch.environment import Environment
from pyswitch.errors import NotInstalled
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.spec import parse_spec
from pyswitch.version_file import find_version_file, read_env_value, read_version_file

ORIGIN_ENV = envvars.PYSWITCH_VERSION
ORIGIN_DEFAULT = "default"


@dataclass(frozen=True)
class Selection:
    specs: Tuple[str, ...]     # usable specs, primary first; ("system",) when the source had none
    origin: str                # the file's path, PYSWITCH_VERSION or default
    source: str                # "shell", "local", "global", "pyenv-global" or "default"
    warnings: Tuple[str, ...]  # refused tokens
    empty: bool = False        # the deciding source held no usable spec

    @property
    def origin_file(self) -> Optional[Path]:
        return Path(self.origin) if self.source in ("local", "global", "pyenv-global") else None


def select(ctx: Context) -> Selection:
    value = ctx.environ.get(envvars.PYSWITCH_VERSION)
    if value and value.strip():
        res = read_env_value(value, ORIGIN_ENV)
        return _selection(res.specs, ORIGIN_ENV, "shell", res.warnings)
    local = find_version_file(ctx.cwd)
    if local is not None:
        res = read_version_file(local)
        return _selection(res.specs, str(local), "local", res.warnings)
    for path, source in ((ctx.global_file, "global"), (ctx.pyenv_global_file, "pyenv-global")):
        if path.is_file():
            res = read_version_file(path)
            return _selection(res.specs, str(path), source, res.warnings)
    return Selection(("system",), ORIGIN_DEFAULT, "default", ())


def _selection(specs, origin, source, warnings) -> Selection:
    if not specs:
        return Selection(("system",), origin, source, tuple(warnings), empty=True)
    return Selection(tuple(specs), origin, source, tuple(warnings))


@dataclass(frozen=True)
class Resolution:
    selection: Selection
    interpreter: Environment          # what the primary spec names
    environments: Tuple[Environment, ...]  # in routing order: trusted venv, primary, the others
    venv: Optional[ProjectVenv]       # the venv beside the version file, trusted or not
    warnings: Tuple[str, ...]         # skipped secondaries, ignored venvs (refused tokens: selection)

    @property
    def primary(self) -> Environment:
        return self.environments[0]


def not_installed_message(inv: Inventory, token: str, origin: Optional[str]) -> str:
    where = f" (set by {origin})" if origin else ""
    near = inv.closest(token)
    installed = ", ".join(near) if near else "none"
    spec = parse_spec(token)
    if spec.kind == "system":
        return f"version 'system' is not installed{where}: no python or python3 on PATH outside the shims"
    shown = token if token.isprintable() else repr(token)[1:-1]  # never raw unprintables on a terminal
    return f"version '{shown}' is not installed{where}; installed: {installed}; try: pyswitch install {shown}"


def resolve(ctx: Context, inv: Inventory, selection: Optional[Selection] = None) -> Resolution:
    """Environments of the selection in routing order; a missing primary raises NotInstalled."""
    sel = selection or select(ctx)
    warnings: List[str] = []
    origin = sel.origin if sel.source != "default" else None
    primary = inv.resolve(sel.specs[0])
    if primary is None:
        raise NotInstalled(not_installed_message(inv, sel.specs[0], origin))
    envs: List[Environment] = [primary]
    for token in sel.specs[1:]:
        env = inv.resolve(token)
        if env is None:
            warnings.append(f"version '{token}' is not installed (set by {sel.origin}); skipped")
        elif env not in envs:
            envs.append(env)
    pvenv = None
    if sel.source == "local" and not sel.empty and primary.kind != "venv":
        pvenv = project_venv(ctx, Path(sel.origin).parent, primary)
        if pvenv is not None:
            if pvenv.env is not None:
                envs.insert(0, pvenv.env)
            elif pvenv.status == "untrusted":
                warnings.append(f"project venv {pvenv.path} is ignored until you trust it: "
                                f"pyswitch trust {pvenv.path.parent}")
            else:
                warnings.append(f"project venv {pvenv.path} is ignored: it was made from "
                                f"{pvenv.home or 'an unknown interpreter'}, not {primary.name}")
    return Resolution(sel, primary, tuple(envs), pvenv, tuple(warnings))
