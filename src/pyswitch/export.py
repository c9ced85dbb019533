"""`pyswitch export`: the selected environment's exact state, in the format its ecosystem uses.

- a conda env: an environment.yml as `conda env export` writes it (`name`, `channels`,
  `dependencies` as `name=version=build`, a `pip:` list for what pip or uv put on top,
  `variables` when set, `prefix`);
- anything else: the lines `pip freeze` prints for it, headed by `# python X.Y.Z (spec)`;
- `--json`: {"name", "kind", "python_version", "packages": [{"name", "version", "source"}]}.

A pure library: it returns text; the CLI prints or writes it. Nothing is run: the disk is read.
"""
from __future__ import annotations

import json
import os
import re
from functools import cached_property
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

from pyswitch import condameta, packages, pipfreeze
from pyswitch.environment import Environment
from pyswitch.errors import PyswitchError
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import Resolution, Selection, resolve, select


class Selected(NamedTuple):
    selection: Selection
    resolution: Resolution

    @property
    def env(self) -> Environment:
        return self.resolution.primary

    @property
    def spec(self) -> str:
        return self.selection.specs[0]

    @property
    def warnings(self) -> Tuple[str, ...]:
        return self.selection.warnings + self.resolution.warnings


def selected(ctx: Context) -> Selected:
    sel = select(ctx)
    return Selected(sel, resolve(ctx, Inventory(ctx), sel))


class State:
    """What is installed in one environment, read from its disk once and on demand."""

    def __init__(self, ctx: Context, env: Environment):
        self.ctx = ctx
        self.env = env
        self.is_conda = env.kind == "conda"

    @cached_property
    def records(self) -> List[condameta.CondaRecord]:
        return condameta.records(self.env.prefix) if self.is_conda else []

    @cached_property
    def search(self) -> List[Path]:
        return packages.search_path(self.env, self.ctx.environ, self.ctx.home)

    @cached_property
    def dists(self) -> List[packages.Dist]:
        """The Python distributions pip would see (for a conda env: its own site-packages)."""
        if self.is_conda:
            return condameta.site_dists(self.env, self.records)
        return packages.dists_in(self.search)

    @cached_property
    def egg_links(self):
        return packages.egg_links(self.search)

    @cached_property
    def rules(self) -> pipfreeze.PipRules:
        return pipfreeze.rules_for(self.dists, self.env.python_version)

    @cached_property
    def frozen(self) -> List[pipfreeze.Frozen]:
        """pip freeze's entries, in its order, without what it hides."""
        return pipfreeze.freeze(self.dists, self.env.python_version, self.egg_links)

    @cached_property
    def find_links(self) -> List[str]:
        """What a pip older than 21.2 echoes first: `-f` for each configured find-links."""
        if not self.rules.legacy:
            return []
        in_venv = (self.env.prefix / "pyvenv.cfg").is_file()
        return pipfreeze.configured_find_links(self.ctx.environ, str(self.ctx.home), str(self.env.prefix), in_venv)

    def frozen_of(self, dist: packages.Dist) -> pipfreeze.Frozen:
        """pip freeze's entry for any distribution, hidden ones too."""
        cache = self.__dict__.setdefault("_frozen_of", {})
        if id(dist) not in cache:
            cache[id(dist)] = pipfreeze.frozen(dist, self.rules, self.egg_links)
        return cache[id(dist)]

    @cached_property
    def pip_on_top(self) -> List[packages.Dist]:
        """For a conda env: what pip or uv installed there, sorted by the name conda gives it."""
        if not self.is_conda:
            return []
        extra = condameta.pip_on_top(self.env, self.records)
        return sorted(extra, key=condameta.pip_name)

    def packages(self) -> List[Dict[str, str]]:
        """--json's package list: conda's records, then pip's (for others: pip freeze's)."""
        if self.is_conda:
            out = [{"name": r.name, "version": r.version, "source": "conda"} for r in self.records]
            out += [{"name": condameta.pip_name(d), "version": d.raw_version, "source": "pip"}
                    for d in self.pip_on_top]
            return out
        return [{"name": e.name, "version": e.version, "source": "pip"} for e in self.frozen]


# --- rendering ---------------------------------------------------------------------------------
def conda_env_name(env: Environment) -> str:
    """The name `conda env export` writes: base, the folder name under envs/, else the prefix."""
    if env.is_conda_base:
        return "base"
    if env.prefix.parent.name == "envs":
        return env.prefix.name
    return str(env.prefix)


def environment_yml(state: State) -> str:
    """conda env export's layout: two-space keys, lists indented under them (`  - `, `      - `)."""
    env = state.env
    recs = state.records
    out = [f"name: {yaml_scalar(conda_env_name(env))}"]
    channels = condameta.export_channels(recs, condameta.configured_channels(env, state.ctx.environ,
                                                                             state.ctx.home))
    if channels:
        out.append("channels:")
        out += [f"  - {yaml_scalar(c)}" for c in channels]
    deps = [f"{r.name}={r.version}={r.build}" for r in recs]
    if deps or state.pip_on_top:
        out.append("dependencies:")
        out += [f"  - {yaml_scalar(d)}" for d in deps]
        if state.pip_on_top:
            out.append("  - pip:")
            out += [f"      - {yaml_scalar(f'{condameta.pip_name(d)}=={d.raw_version}')}" for d in state.pip_on_top]
    variables = condameta.environment_variables(env.prefix)
    if variables:
        out.append("variables:")
        out += [f"  {yaml_scalar(k)}: {yaml_scalar(v)}" for k, v in variables.items()]
    out.append(f"prefix: {yaml_scalar(str(env.prefix))}")
    return "\n".join(out) + "\n"


_PLAIN = r"^[A-Za-z0-9_/.][^\x00-\x1f\x7f#'\"]*$"
# what a YAML reader would take for a number, a bool or null (YAML 1.1, as PyYAML reads it)
_NOT_STRINGS = (r"(?i)^(?:[-+.]?[0-9][0-9a-fA-FxXoObB_.:eE+-]*|[-+]?\.(?:inf|nan)|~|null|true|false|yes|no|on|off"
                r"|y|n)$")


def yaml_scalar(value: str) -> str:
    """A string as a YAML emitter writes it: plain when it reads back as the same string, else quoted."""
    if (re.match(_PLAIN, value) and not re.match(_NOT_STRINGS, value) and ": " not in value and " #" not in value
            and not value.endswith((":", " ")) and not value.startswith(("- ", "? "))):
        return value
    if value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value)  # a double-quoted YAML scalar, escapes included


def header(state: State, spec: str) -> str:
    return f"# python {state.env.python_version or 'unknown'} ({spec})"


def requirements_txt(state: State, spec: str) -> str:
    lines = [header(state, spec)] + pipfreeze.freeze_lines(state.frozen, state.find_links)
    return "\n".join(lines) + "\n"


def as_json(state: State) -> str:
    env = state.env
    out = {"name": env.name, "kind": env.kind, "python_version": env.python_version,
           "packages": state.packages()}
    return json.dumps(out, indent=2) + "\n"


def export_text(ctx: Context, json_output: bool = False, chosen: Optional[Selected] = None) -> Tuple[Selected, str]:
    """The selected environment's export, as text."""
    chosen = chosen or selected(ctx)
    state = State(ctx, chosen.env)
    if json_output:
        return chosen, as_json(state)
    if state.is_conda:
        return chosen, environment_yml(state)
    return chosen, requirements_txt(state, chosen.spec)


# --- writing -----------------------------------------------------------------------------------
def write_atomic(path: Path, text: str, shown: Optional[str] = None) -> None:
    """Write `text` to `path` through a temp file in the same folder and a rename: all or nothing."""
    shown = shown or str(path)
    real = Path(os.path.realpath(path))
    folder = real.parent
    if not folder.is_dir():
        raise PyswitchError(f"cannot write {shown}: no folder {path.parent} (make it first)")
    if real.is_dir():
        raise PyswitchError(f"cannot write {shown}: it is a folder; name a file")
    try:
        mode = os.stat(real).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(dir=str(folder), prefix=f".{real.name}.", suffix=".tmp")
    except OSError as e:
        raise PyswitchError(f"cannot write {shown}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise PyswitchError(f"cannot write {shown}: {e.strerror}") from None
        raise
