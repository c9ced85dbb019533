"""`pyswitch check`: where the selected environment differs from what the project declares.

The declaration is FILE, else the environment.yml (conda envs) or requirements.txt (others)
beside the version file that selected the environment (the current folder when no file did),
plus the project's `requires-python`. One Difference per mismatch:

    missing numpy=1.24.3
    different pandas: 2.1.0 installed, ==2.0.3 required
    extra torch 2.1.0                   (only against a file `export` wrote: every package is listed there)

pip names compare under PEP 503, conda names in lower case; pip specifiers as `packaging` reads
them, conda specs as conda does (`=1.24` is `1.24.*`, `==1.24` exact, a build must match).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Dict, List, NamedTuple, Optional

from pyswitch import declarations, legacy
from pyswitch.declarations import CondaRequirement, Declaration, PipRequirement
from pyswitch.errors import PyswitchError
from pyswitch.export import Selected, State, selected
from pyswitch.packages import Dist, canonical_name, normalized_version
from pyswitch.paths import Context
from pyswitch.pipfreeze import url_to_path

ENVIRONMENT_FILES = ("environment.yml", "environment.yaml")
REQUIREMENTS_FILES = ("requirements.txt",)


class Difference(NamedTuple):
    kind: str                 # missing, different or extra
    name: str
    source: str               # conda, pip or python
    installed: Optional[str]  # what is there (None when missing)
    required: Optional[str]   # what the declaration asks (None for an extra)
    file: Optional[str] = None
    line: Optional[int] = None
    text: Optional[str] = None  # the declaration's line, for missing
    note: str = ""              # where a requirement came from, when not from the file

    @property
    def message(self) -> str:
        if self.kind == "missing":
            return f"missing {self.text or self.name}"
        if self.kind == "extra":
            return f"extra {self.name} {self.installed}"
        return f"different {self.name}: {self.installed} installed, {self.required} required" + \
            (f" {self.note}" if self.note else "")

    def to_json(self) -> Dict[str, object]:
        return {"kind": self.kind, "name": self.name, "source": self.source, "installed": self.installed,
                "required": self.required, "file": self.file, "line": self.line, "message": self.message}


class Report(NamedTuple):
    chosen: Selected
    declaration: Declaration
    differences: List[Difference]


# --- which file ---------------------------------------------------------------------------------
def display_path(path: Path, cwd: Path) -> str:
    """A path as a user would type it here: relative when under the current folder."""
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def default_declaration(ctx: Context, chosen: Selected) -> Optional[Path]:
    """environment.yml (conda) or requirements.txt beside the deciding version file."""
    folder = _declaration_folder(ctx, chosen)
    names = ENVIRONMENT_FILES if chosen.env.kind == "conda" else REQUIREMENTS_FILES
    for name in names:
        if (folder / name).is_file():
            return folder / name
    return None


def _declaration_folder(ctx: Context, chosen: Selected) -> Path:
    origin = chosen.selection.origin_file
    return origin.parent if origin is not None else ctx.cwd


def missing_declaration(ctx: Context, chosen: Selected) -> PyswitchError:
    folder = _declaration_folder(ctx, chosen)
    names = ENVIRONMENT_FILES[0] if chosen.env.kind == "conda" else REQUIREMENTS_FILES[0]
    origin = chosen.selection.origin_file
    where = f"beside {origin}" if origin is not None else "in the current folder"
    return PyswitchError(f"nothing to check against: no {names} in {folder} ({where}); "
                         f"name one: pyswitch check FILE")


# --- comparing ----------------------------------------------------------------------------------
def check(ctx: Context, file: Optional[Path] = None, chosen: Optional[Selected] = None) -> Report:
    chosen = chosen or selected(ctx)
    if file is not None:
        path = file if file.is_absolute() else ctx.cwd / file
        shown = str(file)
    else:
        found = default_declaration(ctx, chosen)
        if found is None:
            raise missing_declaration(ctx, chosen)
        path, shown = found, display_path(found, ctx.cwd)
    decl = declarations.read(path, shown, ctx.environ)
    state = State(ctx, chosen.env)
    diffs = python_differences(ctx, chosen) + Comparison(state, decl).differences()
    return Report(chosen, decl, diffs)


def python_differences(ctx: Context, chosen: Selected) -> List[Difference]:
    """The project's requires-python against the environment's Python."""
    req = legacy.requires_python(ctx.cwd)
    version = chosen.env.python_version
    if req is None or not version or legacy.satisfies(version, req.specifier) is not False:
        return []
    shown = display_path(req.pyproject, ctx.cwd)  # JSON's `file` is the file as messages show it
    return [Difference("different", "python", "python", version, req.specifier, file=shown,
                       note=f"(requires-python in {shown})")]


def marker_environment(env) -> Dict[str, str]:
    """The marker variables that belong to the environment's Python rather than pyswitch's own
    (PEP 508): its version, and its implementation where the folder name says PyPy."""
    out: Dict[str, str] = {}
    version = env.python_version
    if not version:
        return out
    out.update(python_version=".".join(version.split(".")[:2]), python_full_version=version)
    pypy = re.match(r"pypy\d*(?:\.\d+)?-(\d+\.\d+\.\d+)", os.path.basename(str(env.prefix)))
    if pypy:
        out.update(implementation_name="pypy", platform_python_implementation="PyPy",
                   implementation_version=pypy.group(1))
    else:
        out.update(implementation_name="cpython", platform_python_implementation="CPython",
                   implementation_version=version)
    return out


class Comparison:
    def __init__(self, state: State, decl: Declaration):
        self.state = state
        self.decl = decl
        self.records_by_key = None
        self._by_key: Optional[Dict[str, Dist]] = None

    def dist(self, key: str) -> Optional[Dist]:
        """The installed distribution of a PEP 503 name (for a conda env, pip's first: they are read already)."""
        if self.state.is_conda and self._by_key is None:
            for d in self.state.pip_on_top:
                if d.key == key:
                    return d
        if self._by_key is None:
            self._by_key = {}
            for d in self.state.dists:
                self._by_key.setdefault(d.key, d)
        return self._by_key.get(key)

    def differences(self) -> List[Difference]:
        out: List[Difference] = []
        matched_conda, matched_pip = set(), set()
        for req in self.decl.conda:
            diff = self.conda(req)
            matched_conda.add(req.key)
            if diff:
                out.append(diff)
        for req in self.decl.pip:
            if not self.applies(req):
                continue
            diff, dist = self.pip(req)
            if dist is not None:
                matched_pip.add(dist.key)
            if diff:
                out.append(diff)
        if self.decl.exported:
            out += self.extras(matched_conda, matched_pip)
        return out

    # conda specs
    def conda(self, req: CondaRequirement) -> Optional[Difference]:
        installed = self._conda_installed(req.key)
        if installed is None:
            return Difference("missing", req.name, "conda", None, req.spec.constraint or None, req.file, req.line,
                              req.text)
        version, build = installed
        if req.spec.matches(version, build):
            return None
        shown = f"{version}={build}" if req.spec.build is not None and build else version
        return Difference("different", req.name, "conda", shown, req.spec.constraint or "any", req.file, req.line,
                          req.text)

    def _conda_installed(self, key: str):
        if self.state.is_conda:
            if self.records_by_key is None:
                self.records_by_key = {}
                for r in self.state.records:
                    self.records_by_key.setdefault(r.key, r)
            r = self.records_by_key.get(key)
            return (r.version, r.build) if r is not None else None
        if key == "python" and self.state.env.python_version:  # a venv checked against an environment.yml
            return self.state.env.python_version, None
        dist = self.dist(canonical_name(key))
        return (dist.version, None) if dist is not None else None

    # pip requirements
    def applies(self, req: PipRequirement) -> bool:
        if not req.marker:
            return True
        from packaging.markers import InvalidMarker, Marker, default_environment
        try:
            marker = Marker(req.marker)
        except InvalidMarker:
            raise declarations.Unreadable(req.file, req.line, req.text) from None
        env = dict(default_environment(), **marker_environment(self.state.env))
        env["extra"] = ""
        try:
            return marker.evaluate(env)
        except Exception:  # noqa: BLE001 - packaging's own errors for undefined names
            raise declarations.Unreadable(req.file, req.line, req.text) from None

    def pip(self, req: PipRequirement):
        dist = self._find(req)
        if dist is None:
            return Difference("missing", req.name or req.text, "pip", None, req.constraint or None, req.file,
                              req.line, req.text), None
        name = req.name or dist.name
        if req.url is not None:
            entry = self.state.frozen_of(dist)
            if _same_target(req, entry, dist):
                return None, dist
            installed = entry.reference if entry.reference else entry.version
            if entry.editable:
                installed = f"-e {installed}"
            return Difference("different", name, "pip", installed, req.constraint, req.file, req.line,
                              req.text), dist
        version = self.state.frozen_of(dist).version  # the version pip (and export) reports
        if not req.specifier or _satisfies(version, req.specifier):
            return None, dist
        return Difference("different", name, "pip", version, req.specifier, req.file, req.line,
                          req.text), dist

    def _find(self, req: PipRequirement) -> Optional[Dist]:
        if req.editable and req.url and _is_local(req.url):  # `-e PATH`: what is installed from there
            for d in self.state.dists:
                entry = self.state.frozen_of(d)
                if entry.editable and _same_path(req.url, _editable_path(entry)):
                    return d
        if req.key:
            return self.dist(req.key)
        for d in self.state.dists:  # a bare URL or path with no name: whatever was installed from it
            if d.direct_url is not None and _same_target(req, self.state.frozen_of(d), d):
                return d
        return None

    # extras, against an exported file
    def extras(self, matched_conda: set, matched_pip: set) -> List[Difference]:
        out: List[Difference] = []
        if self.decl.kind == "environment":
            if self.state.is_conda:
                for r in self.state.records:
                    if r.key not in matched_conda:
                        out.append(Difference("extra", r.name, "conda", r.version, None))
                from pyswitch.condameta import pip_name
                for d in self.state.pip_on_top:
                    if d.key not in matched_pip:
                        out.append(Difference("extra", pip_name(d), "pip", d.raw_version, None))
            return out
        for entry in self.state.frozen:
            if entry.dist.key not in matched_pip:
                out.append(Difference("extra", entry.name, "pip", entry.version, None))
        return out


def _satisfies(version: str, specifier: str) -> bool:
    if specifier.startswith("==") and not specifier.startswith("===") and "," not in specifier:
        wanted = normalized_version(specifier[2:])
        if wanted is not None and wanted == version:
            return True  # the common case, an exact pin that holds, without packaging's specifiers
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version
    try:
        spec = SpecifierSet(specifier)
    except InvalidSpecifier:
        return False
    try:
        return spec.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return all(s.operator == "===" and s.version == version for s in spec)


def _editable_path(entry) -> str:
    """The project folder of an editable entry."""
    return entry.location or entry.requirement


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0].rstrip("/")


def _same_target(req: PipRequirement, entry, dist: Dist) -> bool:
    """Whether an installed distribution came from the URL, path or VCS revision a requirement names."""
    wanted = req.url or ""
    direct = dist.direct_url
    if req.editable:
        if not entry.editable:
            return False
        if _is_local(wanted):
            return _same_path(wanted, _editable_path(entry))
        return _same_vcs(wanted, entry.requirement) or (
            wanted.startswith("file:") and _same_path(url_to_path(_strip_fragment(wanted)), _editable_path(entry)))
    if direct is None or entry.editable:
        return False
    vcs = direct.get("vcs_info")
    if vcs is not None:
        installed = f"{vcs['vcs']}+{direct['url']}@{vcs['commit_id']}"
        return _same_vcs(wanted, installed, vcs.get("requested_revision"))
    installed_url = direct["url"]
    if _is_local(wanted):
        return installed_url.startswith("file:") and _same_path(wanted, url_to_path(installed_url))
    if wanted.startswith("file:") and installed_url.startswith("file:"):
        return _same_path(url_to_path(_strip_fragment(wanted)), url_to_path(installed_url))
    return _strip_fragment(wanted) == _strip_fragment(installed_url)


def _is_local(url: str) -> bool:
    return "://" not in url and not url.lower().startswith(("git+", "hg+", "svn+", "bzr+", "file:"))


def _same_path(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _split_vcs(url: str):
    """`git+https://host/repo.git@rev#egg=x` -> ('git+https://host/repo.git', 'rev')."""
    base = _strip_fragment(url)
    scheme_end = base.find("://")
    path_start = base.find("/", scheme_end + 3) if scheme_end >= 0 else 0
    at = base.rfind("@")
    if at > path_start >= 0:
        return base[:at].rstrip("/"), base[at + 1:]
    return base, None


def _same_vcs(wanted: str, installed: str, requested: Optional[str] = None) -> bool:
    w_url, w_rev = _split_vcs(wanted)
    i_url, i_rev = _split_vcs(installed)
    if w_url != i_url:
        return False
    return w_rev is None or w_rev == i_rev or (requested is not None and w_rev == requested)


# --- after `pyswitch install` -------------------------------------------------------------------
def install_report(ctx: Context, say: Callable[[str], None]) -> None:
    """What `check` would say, for `pyswitch install` with no spec; never fails the install."""
    try:
        chosen = selected(ctx)
        if default_declaration(ctx, chosen) is None:
            return
        report = check(ctx, None, chosen)
    except PyswitchError as e:
        say(f"check: {e}")
        return
    what = f"{report.chosen.env.name} against {report.declaration.shown}"
    if not report.differences:
        say(f"check: {what}: everything matches")
        return
    count = len(report.differences)
    say(f"check: {what}: {count} difference{'s' if count != 1 else ''}")
    for d in report.differences:
        say(d.message)
