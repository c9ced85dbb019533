"""All environments from every backend, and the lookup of one spec among them."""
from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Iterable, List, Optional, Set

from pyswitch.backends import conda, installers, pyenv, system, venv
from pyswitch.environment import Environment, Kind
from pyswitch.files import is_within
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe
from pyswitch.spec import latest, parse_spec, release_tuple, shown, without_python_prefix


# names python-build (or conda, uv) can install: versions and python-build's families
_INSTALLABLE = (r"^(\d|pypy|miniconda|anaconda|miniforge|mambaforge|graalpy|jython|ironpython|"
              r"micropython|pyston|stackless|activepython|cinder|nogil)")


class Inventory:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.probe = VersionProbe(ctx.cache_dir / "python-versions.tsv")

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
    def others(self) -> List[Environment]:
        """Interpreters other installers manage (uv, mise, asdf)."""
        return installers.discover(self.ctx, self.probe)

    def installer_names(self, kind: str) -> List[str]:
        prefix = f"{kind}:"
        return [e.name[len(prefix):] for e in self.others if e.kind == kind and not e.shadowed]

    def _installer_latest(self, kind: str, name: str) -> Optional[Environment]:
        found = latest(name, self.installer_names(kind))
        if found is None:
            return None
        return next(e for e in self.others if e.name == f"{kind}:{found}" and not e.shadowed)

    @cached_property
    def short_names(self):
        return pyenv.virtualenv_short_names(self.ctx)

    def without(self, gone: Iterable[str]) -> "Inventory":
        """The inventory as it will be once the environments at these real prefixes are gone;
        a conda env that a removed one shadowed becomes the one its name resolves to."""
        gone = list(gone)

        def keep(e: Environment) -> bool:
            return not any(is_within(os.path.realpath(e.prefix), g) for g in gone)

        after = Inventory(self.ctx)
        after.probe = self.probe
        names: Set[str] = set()
        conda_envs = []
        for e in self.conda:
            if keep(e):
                conda_envs.append(e._replace(shadowed=e.name in names))
                names.add(e.name)
        # a cached_property is an instance attribute once computed: these are those values
        after.__dict__.update(pyenv=[e for e in self.pyenv if keep(e)], conda=conda_envs,
                              venvs=[e for e in self.venvs if keep(e)], others=[e for e in self.others if keep(e)],
                              system=self.system, short_names=self.short_names)
        return after

    def spec_names(self, removable_only: bool = False) -> List[str]:
        """The names completion offers for a SPEC: every pyenv name and short name, conda envs,
        other installers' Pythons, system; for uninstall neither system nor a conda base env."""
        names = [e.name for e in self.pyenv]
        names += [short for short in self.short_names if short not in names]
        names += [e.name for e in self.conda if not e.shadowed and not (removable_only and e.is_conda_base)]
        names += [e.name for e in self.others if not e.shadowed]
        if not removable_only:
            names.append("system")
        return names

    def all(self) -> List[Environment]:
        envs = self.pyenv + self.conda + self.others + self.venvs + ([self.system] if self.system else [])
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

    @cached_property
    def version_names(self) -> List[str]:
        """Every name in $PYENV_ROOT/versions that `pyenv latest` chooses among (aliases and
        pyenv-virtualenv's short-name links included, as `pyenv versions --skip-envs` lists them)."""
        return [e.name for e in self.pyenv if "/" not in e.name] + list(self.short_names)

    def _named(self, name: str) -> Optional[Environment]:
        full = self.short_names.get(name)
        return self._pyenv_named(full if full else name)

    def resolve(self, token: str) -> Optional[Environment]:
        """The environment a spec names, or None when nothing installed matches (SPEC section 3)."""
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
        if spec.kind in installers.BY_KIND:
            return self._installer_latest(spec.kind, spec.name) if spec.name else None
        if spec.kind != "name":
            return None
        # pyenv's own order (pyenv-version-name): the name, without `python-`, then `pyenv latest`
        bare = without_python_prefix(token)
        for name in (token, bare):
            if name and self._named(name):
                return self._named(name)
        for name in (token, bare):
            found = latest(name, self.version_names) if name else None
            if found:
                return self._named(found)
        found = self._unique_short(token)
        if found:
            return found
        # where pyenv has no match: the highest of uv's, then mise's, then asdf's (SPEC 1)
        for installer in installers.INSTALLERS:
            for name in (token, bare):
                found = self._installer_latest(installer.kind, name) if name else None
                if found:
                    return found
        return None

    def _unique_short(self, name: str) -> Optional[Environment]:
        """A pyenv-virtualenv env by its short name where pyenv-virtualenv's link is missing."""
        matches = [e for e in self.pyenv if e.kind == Kind.VIRTUALENV and e.name.endswith(f"/envs/{name}")]
        return matches[0] if len(matches) == 1 else None

    def install_hint(self, token: str) -> str:
        """`try: pyswitch install X` only where X is something install can make."""
        spec = parse_spec(token)
        name = without_python_prefix(spec.name) or spec.name
        if spec.kind == Kind.MISE:
            return f"try: mise install python@{shown(spec.name)}"
        if spec.kind == Kind.ASDF:
            return f"try: asdf install python {shown(spec.name)}"
        if spec.kind in ("conda", Kind.UV) or re.match(_INSTALLABLE, name):
            return f"try: pyswitch install {shown(token)}"
        return "see what is installed: pyswitch versions"

    def closest(self, token: str, limit: int = 3) -> List[str]:
        """Installed names nearest to a spec that is not installed, for error messages."""
        import difflib  # only for this message
        spec = parse_spec(token)
        if spec.kind == "conda":
            names = [e.name for e in self.conda if not e.shadowed]
            return difflib.get_close_matches(token, names, n=limit, cutoff=0.0)
        if spec.kind in installers.BY_KIND:
            names = [e.name for e in self.others if e.kind == spec.kind and not e.shadowed]
            return difflib.get_close_matches(token, names, n=limit, cutoff=0.0)
        wanted = release_tuple(without_python_prefix(spec.name) or spec.name)
        releases = [e.name for e in self.pyenv if e.kind == "pyenv" and release_tuple(e.name)]
        if wanted is not None and releases:
            def distance(name):
                have = release_tuple(name)
                return tuple(abs(a - b) for a, b in zip(wanted + (0, 0, 0), have + (0, 0, 0)))[:3]
            near = sorted(releases, key=distance)[:limit]
            return sorted(near, key=release_tuple)
        names = [e.name for e in self.pyenv] + [e.name for e in self.conda + self.others if not e.shadowed]
        return difflib.get_close_matches(token, names, n=limit, cutoff=0.0)
