"""Which environment is selected here, and why (SPEC section 2), and what it resolves to.

`select` decides which source speaks (PYSWITCH_VERSION, PYENV_VERSION, the nearest
`.python-version`, the global files, the default) and `resolve` turns its specs into
environments in routing order. Each source is also resolvable on its own (`select_value`,
`select_file`): the resolution cache records their answers for the shims and hooks.
"""
from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Callable, List, Optional, Tuple

from pyswitch import envvars
from pyswitch.backends.venv import ProjectVenv, project_venv
from pyswitch.environment import Environment, Kind
from pyswitch.errors import NotInstalled
from pyswitch.health import Broken, problem
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.spec import parse_spec, shown
from pyswitch.version_file import (examine, find_version_file, is_blank, read_pyenv_version,
                                   read_pyswitch_version, read_version_file)
from pyswitch.values import value

ORIGIN_DEFAULT = "default"
# variable -> (source, reader)
VALUE_SOURCES = {
    envvars.PYSWITCH_VERSION: ("shell", read_pyswitch_version),
    envvars.PYENV_VERSION: ("pyenv-shell", read_pyenv_version),
}
FILE_SOURCES = ("local", "global", "pyenv-global")


@value
class Selection:
    specs: Tuple[str, ...]     # usable specs, primary first; ("system",) when the source had none
    origin: str                # the file's path, PYSWITCH_VERSION, PYENV_VERSION or default
    source: str                # "shell", "pyenv-shell", "local", "global", "pyenv-global" or "default"
    warnings: Tuple[str, ...]  # refused tokens, skipped version files
    empty: bool = False        # the deciding source held no usable spec

    @property
    def origin_file(self) -> Optional[Path]:
        return Path(self.origin) if self.source in FILE_SOURCES else None

    def decided_by(self) -> str:
        if self.source == "default":
            return "default: no .python-version here or above, and no global version file"
        if self.source == "shell":
            return "set by PYSWITCH_VERSION (pyswitch shell)"
        if self.source == "pyenv-shell":
            return "set by PYENV_VERSION"
        return f"set by {self.origin}"


def select_value(name: str, value: str) -> Optional[Selection]:
    """The selection a variable makes, or None when it counts as unset (blank)."""
    if is_blank(value):
        return None
    source, reader = VALUE_SOURCES[name]
    res = reader(value, name)
    return _selection(res.specs, name, source, res.warnings)


def select_file(path: Path, source: str, skipped: Tuple[str, ...] = ()) -> Selection:
    res = read_version_file(path)
    return _selection(res.specs, str(path), source, skipped + res.warnings)


def default_selection(skipped: Tuple[str, ...] = ()) -> Selection:
    return Selection(("system",), ORIGIN_DEFAULT, "default", skipped)


def select(ctx: Context) -> Selection:
    for name in VALUE_SOURCES:
        sel = select_value(name, ctx.environ.get(name, ""))
        if sel is not None:
            return sel
    skipped: List[str] = []
    local = find_version_file(ctx.here, skipped) if ctx.here is not None else None
    if local is not None:
        return select_file(local, "local", tuple(skipped))
    for path, source in global_files(ctx):
        found = examine(str(path), global_file=True)
        if found is None:
            continue
        if found.use:
            return select_file(path, source, tuple(skipped))
        skipped.append(found.warning or f"ignoring {path}")
    return default_selection(tuple(skipped))


def global_files(ctx: Context) -> Tuple[Tuple[Path, str], ...]:
    """pyswitch's global file, then pyenv's (read-only), in the order they are tried."""
    return ((ctx.global_file, "global"), (ctx.pyenv_global_file, "pyenv-global"))


def _selection(specs, origin, source, warnings) -> Selection:
    if not specs:
        return Selection(("system",), origin, source, tuple(warnings), empty=True)
    return Selection(tuple(specs), origin, source, tuple(warnings))


@value
class Resolution:
    selection: Selection
    interpreter: Environment               # what the primary spec names
    environments: Tuple[Environment, ...]  # in routing order: trusted venv, primary, the others
    venv: Optional[ProjectVenv]            # the venv beside the version file, trusted or not
    warnings: Tuple[str, ...]              # skipped secondaries, ignored venvs (refused tokens: selection)
    broken: Optional[Broken] = None        # why the primary environment cannot run python

    @property
    def primary(self) -> Environment:
        return self.environments[0]


def not_installed_message(inv: Inventory, token: str, origin: Optional[str]) -> str:
    where = f" (set by {origin})" if origin else ""
    spec = parse_spec(token)
    if spec.kind == "system":
        return f"version 'system' is not installed{where}: no python or python3 on PATH outside the shims"
    near = inv.closest(token)
    installed = ", ".join(near) if near else "none"
    return f"version '{shown(token)}' is not installed{where}; installed: {installed}; {inv.install_hint(token)}"


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
            warnings.append(f"version '{shown(token)}' is not installed (set by {sel.origin}); skipped")
        elif env not in envs:
            envs.append(env)
    pvenv = None
    if sel.source == "local" and not sel.empty and primary.kind != Kind.VENV:
        pvenv = project_venv(ctx, Path(sel.origin).parent, primary)
        if pvenv is not None:
            if pvenv.env is not None:
                envs.insert(0, pvenv.env)
            else:
                warnings.append(pvenv.message())
    return Resolution(sel, primary, tuple(envs), pvenv, tuple(warnings), problem(envs[0]))


def resolve_here(ctx: Context, inv: Inventory, on_warning: Callable[[str], None]) -> Resolution:
    """`select` then `resolve`, telling the selection's warnings first: a refused token may be
    why the primary is missing."""
    sel = select(ctx)
    for w in sel.warnings:
        on_warning(w)
    return resolve(ctx, inv, sel)
