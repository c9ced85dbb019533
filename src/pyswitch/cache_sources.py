"""Which sources the resolution cache answers for: this call's own, and those seen lately.

A source is a version file (as the walk spells its path) or a variable's value. Each engine call
answers its own (its cwd's walk, its variables, the global files, recorded projects) and keeps
answering those seen lately (`cache/seen.json`, at most MAX_FILES files and MAX_VALUES values),
so that a project the shims visited stays answered without the engine.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Tuple

from pyswitch import envvars, recorded
from pyswitch.files import read_regular
from pyswitch.paths import Context
from pyswitch.selection import VALUE_SOURCES, global_files
from pyswitch.version_file import VERSION_FILE, examine, walk_up

MAX_FILES = 128         # version files answered at once
MAX_VALUES = 32         # variable values answered at once
MAX_VALUE_BYTES = 4096  # a longer value is never cached: the engine answers it each time
AUTO_VAR = envvars.PYSWITCH_AUTO_ACTIVATE


@dataclass
class Sources:
    files: List[Tuple[str, str]] = field(default_factory=list)    # (path as walked, source)
    values: List[Tuple[str, str]] = field(default_factory=list)   # (variable, value)

    def add_file(self, path: str, source: str) -> None:
        if (path, source) not in self.files:
            self.files.append((path, source))

    def add_value(self, name: str, value: str) -> None:
        if (name, value) not in self.values and len(value.encode("utf-8", "surrogateescape")) <= MAX_VALUE_BYTES:
            self.values.append((name, value))


def names_file(ctx: Context) -> Path:
    return ctx.cache_dir / "names.json"


def seen_file(ctx: Context) -> Path:
    return ctx.cache_dir / "seen.json"


def read_seen(ctx: Context) -> Sources:
    try:
        data = json.loads(read_regular(seen_file(ctx), 1 << 20).decode("utf-8", "surrogateescape"))
        files = [(str(p), str(s)) for p, s in data.get("files", [])]
        values = [(str(n), str(v)) for n, v in data.get("values", [])]
    except (OSError, ValueError, TypeError, AttributeError):
        return Sources()
    return Sources(files, values)


def sources_here(ctx: Context, extra_values: Iterable[Tuple[str, str]] = ()) -> Sources:
    """What this call of the engine decides from: its own variables and version files."""
    here = Sources()
    for name, value in extra_values:
        here.add_value(name, value)
    for name in (*VALUE_SOURCES, AUTO_VAR):
        value = ctx.environ.get(name)
        if value:
            here.add_value(name, value)
    for path in walk_up(str(ctx.here)) if ctx.here is not None else ():
        found = examine(path)
        if found is not None:
            here.add_file(path, "local")
            if found.use:
                break
    for path, source in global_files(ctx):
        here.add_file(str(path), source)
    for project in recorded.read_paths(ctx.projects_file)[-MAX_FILES // 2:]:
        here.add_file(f"{project.rstrip('/')}/{VERSION_FILE}", "local")
    return here


def merge(first: Sources, then: Sources) -> Sources:
    out = Sources()
    for p, s in first.files + then.files:
        if len(out.files) < MAX_FILES:
            out.add_file(p, s)
    for n, v in first.values + then.values:
        if len(out.values) < MAX_VALUES:
            out.add_value(n, v)
    return out
