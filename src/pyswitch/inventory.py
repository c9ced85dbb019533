"""All environments from every backend, and the lookup of one spec among them."""
from __future__ import annotations

import difflib
import os
from functools import cached_property
from pathlib import Path
from typing import List, Optional

from pyswitch.backends import conda, pyenv, system, venv
from pyswitch.environment import Environment
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe
from pyswitch.spec import matches_prefix, parse_spec, release_tuple, without_python_prefix


class Inventory:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.probe = VersionProbe(ctx.cache_dir / "python-versions.json")

    @cached_property
    def pyenv(self) -> List[Environment]:
        return pyenv.discover(self.ctx, self.probe)

    @cached_property
    def conda(self) -> List[Environment]:
        return conda.discover(self.ctx, self.probe)

    @cached_property
    def system(self) -> Optional[Environment]:
        found = system.discover(self.ctx, self.probe)
        return found[0] if found else None

    @cached_property
    def venvs(self) -> List[Environment]:
        return venv.discover(self.ctx, self.probe)

    @cached_property
    def short_names(self):
        return pyenv.virtualenv_short_names(self.ctx)

    def all(self) -> List[Environment]:
        envs = self.pyenv + self.conda + self.venvs + ([self.system] if self.system else [])
        self.probe.save()
        return envs

    # --- lookup -------------------------------------------------------------------------
    def _pyenv_named(self, name: str) -> Optional[Environment]:
        for e in self.pyenv:
            if e.name == name:
                return e
        return None

    def _conda_named(self, name: str) -> Optional[Environment]:
        for e in self.conda:
            if e.name == f"conda:{name}" and not e.shadowed:
                return e
        return None

    def _conda_at(self, prefix: Path) -> Optional[Environment]:
        real = os.path.realpath(prefix)
        for e in self.conda:
            if os.path.realpath(e.prefix) == real:
                return e
        return None

    def resolve(self, token: str) -> Optional[Environment]:
        """The environment a spec names, or None when nothing installed matches."""
        spec = parse_spec(token)
        if spec.kind == "system":
            return self.system
        if spec.kind == "conda":
            return self._conda_named(spec.name) if spec.name and "/" not in spec.name else None
        if spec.kind == "envs":
            parent = self.ctx.pyenv_versions / spec.parent
            if pyenv.is_conda_installation(parent):
                return self._conda_at(parent / "envs" / spec.name)
            return self._pyenv_named(token)
        found = self._pyenv_named(spec.name) or self._short(spec.name)
        if found:
            return found
        bare = without_python_prefix(spec.name)
        if bare is not None:
            return self.resolve(bare)
        return self.latest(spec.name)

    def _short(self, name: str) -> Optional[Environment]:
        full = self.short_names.get(name)
        if full:
            return self._pyenv_named(full)
        matches = [e for e in self.pyenv if e.kind == "virtualenv" and e.name.endswith(f"/envs/{name}")]
        return matches[0] if len(matches) == 1 else None

    def latest(self, prefix: str) -> Optional[Environment]:
        """The highest installed CPython release with this prefix, compared numerically."""
        candidates = [e for e in self.pyenv if e.kind == "pyenv" and matches_prefix(prefix, e.name)]
        return max(candidates, key=lambda e: release_tuple(e.name), default=None)

    def closest(self, token: str, limit: int = 3) -> List[str]:
        """Installed names nearest to a spec that is not installed, for error messages."""
        spec = parse_spec(token)
        if spec.kind == "conda":
            names = [e.name for e in self.conda if not e.shadowed]
            return difflib.get_close_matches(token, names, n=limit, cutoff=0.0)
        wanted = release_tuple(without_python_prefix(spec.name) or spec.name)
        releases = [e.name for e in self.pyenv if e.kind == "pyenv" and release_tuple(e.name)]
        if wanted is not None and releases:
            def distance(name):
                have = release_tuple(name)
                return tuple(abs(a - b) for a, b in zip(wanted + (0, 0, 0), have + (0, 0, 0)))[:3]
            near = sorted(releases, key=distance)[:limit]
            return sorted(near, key=release_tuple)
        names = [e.name for e in self.pyenv] + [e.name for e in self.conda if not e.shadowed]
        return difflib.get_close_matches(token, names, n=limit, cutoff=0.0)
