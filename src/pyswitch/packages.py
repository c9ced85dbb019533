"""What Python distributions an environment holds, read from its disk (no pip, no interpreter).

The search path is rebuilt the way `site` builds it for that environment: the user site where
the interpreter would enable it, the environment's `site-packages`, and the folders its `.pth`
files add. Each entry is scanned for `*.dist-info`, `*.egg-info`, `*.egg` and `*.egg-link`
in that order, and the first distribution of a name wins, as it does for importlib.metadata
and for pip. Only what a command asks for is read: METADATA's headers up front,
`direct_url.json` (PEP 610) and `INSTALLER` on demand.
"""
from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

from pyswitch.environment import Environment
from pyswitch.pyversion import read_pyvenv_cfg

_SEPARATORS = r"[-_.]+"
_VALID_NAME = r"(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$"
_CANONICAL_VERSION = r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$"
_HEADER = r"^(From |[\041-\071\073-\176]*:|[\t ])"
_MAX_METADATA = 1 << 20


def canonical_name(name: str) -> str:
    """PEP 503 normalisation: runs of `-`, `_` and `.` become one `-`, lower case."""
    return re.sub(_SEPARATORS, "-", name).lower()


def normalized_version(raw: str) -> Optional[str]:
    """The PEP 440 normal form pip shows ('1.0.0-rc1' -> '1.0.0rc1'); None when not PEP 440."""
    if re.match(_CANONICAL_VERSION, raw):
        return raw
    from packaging.version import InvalidVersion, Version
    try:
        return str(Version(raw))
    except InvalidVersion:
        return None


class Dist:
    """One installed distribution, as pip and importlib.metadata see it."""

    def __init__(self, info: str, location: str, folder_name: str, headers: Mapping[str, str]):
        self.info = info                  # the .dist-info / .egg-info folder (or file), or an egg's EGG-INFO
        self.location = location          # the search-path entry it was found in
        self.folder_name = folder_name    # the info folder's own name, as listed
        self.headers = headers            # METADATA's first value of each header, lower-case keys

    def __repr__(self) -> str:
        return f"Dist({self.folder_name!r} in {self.location!r})"

    @property
    def name(self) -> str:
        """The Name header as written (pip's `raw_name`), else the folder's name."""
        return self.headers.get("name") or self.folder_project or self.key

    @property
    def folder_project(self) -> str:
        stem = _strip_suffix(self.folder_name)
        return stem.split("-", 1)[0]

    @property
    def key(self) -> str:
        """PEP 503 name, from the folder's name first (as pip does), else from METADATA."""
        return canonical_name(self.folder_project or self.headers.get("name", ""))

    @property
    def raw_version(self) -> str:
        return self.headers.get("version", "")

    @property
    def folder_version(self) -> Optional[str]:
        """The version in a `.dist-info` folder's name (`six-1.16.0.dist-info`)."""
        if not self.folder_name.lower().endswith(".dist-info"):
            return None
        _, sep, version = _strip_suffix(self.folder_name).partition("-")
        return version if sep else None

    @property
    def version(self) -> str:
        """METADATA's version in PEP 440 normal form (as written when it is not PEP 440)."""
        return normalized_version(self.raw_version) or self.raw_version

    @property
    def is_dist_info(self) -> bool:
        return self.folder_name.lower().endswith(".dist-info")

    def read_text(self, name: str) -> Optional[str]:
        """A file of the info folder, or None when it is missing or unreadable."""
        try:
            fd = os.open(os.path.join(self.info, name), os.O_RDONLY)
        except OSError:  # missing, or info is an .egg-info file
            return None
        try:
            return os.read(fd, _MAX_METADATA).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        finally:
            os.close(fd)

    @cached_property
    def installer(self) -> Optional[str]:
        """`INSTALLER`'s first line: pip, uv, conda, ... (None when absent)."""
        return installer_of(self.info)

    @cached_property
    def direct_url(self) -> Optional[Dict]:
        """`direct_url.json` when it is valid PEP 610 (pip ignores an invalid one, so do we)."""
        text = self.read_text("direct_url.json")
        if text is None:
            return None
        import json

        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if valid_direct_url(data) else None


def installer_of(info: str) -> Optional[str]:
    """The first line of an info folder's `INSTALLER`, None when it has none."""
    try:
        fd = os.open(os.path.join(info, "INSTALLER"), os.O_RDONLY)
    except OSError:
        return None
    try:
        text = os.read(fd, 4096).decode("utf-8", "replace").strip()
    except OSError:
        return None
    finally:
        os.close(fd)
    return text.splitlines()[0].strip() if text else ""


def _strip_suffix(name: str) -> str:
    low = name.lower()
    for suffix in (".dist-info", ".egg-info", ".egg"):
        if low.endswith(suffix):
            return name[: -len(suffix)]
    return name


def valid_direct_url(data) -> bool:
    """PEP 610's shape: a `url` string and exactly one valid info object."""
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return False
    if "subdirectory" in data and not isinstance(data["subdirectory"], str):
        return False
    infos = [k for k in ("archive_info", "dir_info", "vcs_info") if data.get(k) is not None]
    if len(infos) != 1 or not isinstance(data[infos[0]], dict):
        return False
    info = data[infos[0]]
    if infos[0] == "vcs_info":
        return isinstance(info.get("vcs"), str) and isinstance(info.get("commit_id"), str)
    if infos[0] == "dir_info":
        return isinstance(info.get("editable", False), bool)
    if "hash" in info and (not isinstance(info["hash"], str) or "=" not in info["hash"]):
        return False
    return "hashes" not in info or isinstance(info["hashes"], dict)


# --- reading METADATA ---------------------------------------------------------------------
def read_headers(path: str) -> Optional[Dict[str, str]]:
    """The first value of each header of an RFC 822 metadata file (as email's parser reads it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        data = os.read(fd, 8192)
        if len(data) == 8192:  # Name and Version come first: the rest is rarely needed
            headers = _parse_headers(data, final=False)
            if headers is not None:
                return headers
            while len(data) < _MAX_METADATA:
                more = os.read(fd, 1 << 16)
                if not more:
                    break
                data += more
        return _parse_headers(data, final=True)
    except OSError:
        return None
    finally:
        os.close(fd)


def _parse_headers(data: bytes, final: bool) -> Optional[Dict[str, str]]:
    """The headers; None when `data` is not `final` and ends before they do."""
    lines = data.decode("utf-8", "surrogateescape").split("\n")
    if not final:
        lines.pop()  # the last piece may be a line cut in two
    headers: Dict[str, str] = {}
    for line in lines:
        line = line.rstrip("\r")
        if not line or not re.match(_HEADER, line):
            return headers  # a blank line (or a non-header) ends the headers
        if line[0] in " \t":
            continue  # a folded continuation: names and versions are never folded
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key not in headers:
            headers[key] = value.lstrip(" \t")
        if "name" in headers and "version" in headers:
            return headers  # all that is ever needed here
    return headers if final else None


def _metadata_file(info: str, folder_name: str) -> str:
    low = folder_name.lower()
    if low.endswith(".dist-info"):
        return os.path.join(info, "METADATA")
    if low.endswith(".egg"):
        return os.path.join(info, "PKG-INFO")          # info is the egg's EGG-INFO folder
    return os.path.join(info, "PKG-INFO") if os.path.isdir(info) else info  # an .egg-info file is the metadata


# --- the search path ----------------------------------------------------------------------
def site_packages(prefix: Path, python_version: Optional[str]) -> List[Path]:
    """The environment's own `site-packages` folders (lib/pythonX.Y/site-packages and kin)."""
    lib = prefix / "lib"
    found: List[Path] = []
    m = re.match(r"^(\d+)\.(\d+)", python_version or "")
    if m:
        for name in (f"python{m.group(1)}.{m.group(2)}", f"python{m.group(1)}.{m.group(2)}t"):
            candidate = lib / name / "site-packages"
            if candidate.is_dir():
                found.append(candidate)
    if not found:  # an unknown version, PyPy, or a layout of its own: whatever lib/ holds
        try:
            names = sorted(os.listdir(lib))
        except OSError:
            names = []
        for name in names:
            if name.startswith(("python", "pypy")) and (lib / name / "site-packages").is_dir():
                found.append(lib / name / "site-packages")
        if (prefix / "site-packages").is_dir():  # old PyPy
            found.append(prefix / "site-packages")
    return found


def user_site(environ: Mapping[str, str], home: Path, python_version: Optional[str]) -> Optional[Path]:
    """`site.USER_SITE` for a POSIX interpreter of that version, when the user site is on."""
    if environ.get("PYTHONNOUSERSITE"):
        return None
    m = re.match(r"^(\d+)\.(\d+)", python_version or "")
    if not m:
        return None
    base = Path(environ.get("PYTHONUSERBASE") or home / ".local")
    return base / "lib" / f"python{m.group(1)}.{m.group(2)}" / "site-packages"


def search_path(env: Environment, environ: Mapping[str, str], home: Path) -> List[Path]:
    """The folders `sys.path` would scan for distributions in `env`, in order."""
    if env.kind == "system":
        return _probed_path(env)
    cfg = read_pyvenv_cfg(env.prefix)
    dirs: List[Path] = []
    if cfg:  # a venv: its own site-packages, and the base's only with system site packages
        own = site_packages(env.prefix, env.python_version)
        if cfg.get("include-system-site-packages", "").lower() == "true":
            usite = user_site(environ, home, env.python_version)
            home_bin = cfg.get("home")
            base = site_packages(Path(home_bin).parent, env.python_version) if home_bin else []
            dirs = ([usite] if usite else []) + own + base
        else:
            dirs = own
    else:
        usite = user_site(environ, home, env.python_version)
        dirs = ([usite] if usite else []) + site_packages(env.prefix, env.python_version)
    return _with_pth_dirs(dirs)


def _with_pth_dirs(site_dirs: List[Path]) -> List[Path]:
    """Each site folder followed by the folders its `.pth` files add, as site.addsitedir does."""
    out: List[Path] = []
    seen = set()

    def add(p: Path) -> bool:
        key = os.path.normcase(os.path.abspath(p))
        if key in seen or not os.path.isdir(p):
            return False
        seen.add(key)
        out.append(p)
        return True

    for sitedir in site_dirs:
        if not add(sitedir):
            continue
        try:
            names = sorted(n for n in os.listdir(sitedir) if n.endswith(".pth") and not n.startswith("."))
        except OSError:
            continue
        for name in names:
            try:
                with open(sitedir / name, "rb") as f:
                    text = f.read(_MAX_METADATA).decode("utf-8", "surrogateescape")
            except OSError:
                continue
            for line in text.splitlines():
                if not line.strip() or line.startswith("#") or line.startswith(("import ", "import\t")):
                    continue
                add(Path(os.path.join(str(sitedir), line.rstrip())))
    return out


def _probed_path(env: Environment) -> List[Path]:
    """For `system`, whose layout is its distributor's: ask the interpreter once for sys.path."""
    import json
    import subprocess

    from pyswitch.pyversion import python_in

    py = python_in(env.bin_dir)
    if py is None:
        return []
    try:
        out = subprocess.run([str(py), "-c", "import sys, json; print(json.dumps(sys.path))"],
                             capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL, cwd="/")
        entries = json.loads(out.stdout) if out.returncode == 0 else []
    except (OSError, subprocess.SubprocessError, ValueError):
        entries = []
    return [Path(p) for p in entries if isinstance(p, str) and p and os.path.isdir(p)]


# --- scanning -----------------------------------------------------------------------------
def scan_folder(location: str, follow_links: bool = True) -> List[Tuple[str, str, str]]:
    """(info path, folder name, location) of every distribution in one folder, egg-links
    followed: a distribution found through an `.egg-link` is located at its target, as pip
    locates it (its `-e` line names the project folder, not site-packages)."""
    try:
        names = sorted(os.listdir(location))
    except OSError:
        return []
    infos, eggs, links = [], [], []
    for name in names:
        low = name.lower()
        if low.endswith((".dist-info", ".egg-info")):
            infos.append((os.path.join(location, name), name, location))
        elif low.endswith(".egg") and os.path.isdir(os.path.join(location, name, "EGG-INFO")):
            eggs.append((os.path.join(location, name, "EGG-INFO"), name, location))
        elif low.endswith(".egg-link"):
            links.append(os.path.join(location, name))
    found = infos + eggs
    for link in links if follow_links else ():
        target = _egg_link_target(link)
        if target is not None:
            found.extend(scan_folder(target))
    return found


def _egg_link_target(link: str) -> Optional[str]:
    try:
        with open(link, "rb") as f:
            text = f.read(65536).decode("utf-8", "surrogateescape")
    except OSError:
        return None
    folder = os.path.dirname(link)
    for line in text.splitlines():
        if line.strip():
            target = os.path.normpath(os.path.join(folder, line.strip()))
            return target if os.path.isdir(target) and target != os.path.normpath(folder) else None
    return None


def egg_links(paths: List[Path]) -> FrozenSet[str]:
    """The `.egg-link` file names on the search path (legacy `setup.py develop` installs)."""
    names = set()
    for location in paths:
        try:
            names.update(n for n in os.listdir(location) if n.endswith(".egg-link"))
        except OSError:
            pass
    return frozenset(names)


def read_dist(info: str, location: str, folder_name: str) -> Optional[Dist]:
    headers = read_headers(_metadata_file(info, folder_name))
    return Dist(info, location, folder_name, headers) if headers is not None else None


def dists_in(paths: List[Path]) -> List[Dist]:
    """Every valid distribution on these search-path entries; the first of each name wins."""
    out: List[Dist] = []
    seen = set()
    for location in map(str, paths):
        for info, folder_name, found_in in scan_folder(location):
            dist = read_dist(info, found_in, folder_name)
            if dist is None:
                continue
            key = dist.key
            if not key or key in seen or not re.match(_VALID_NAME, key):
                continue  # pip skips leftovers such as ~umpy-1.0.dist-info
            seen.add(key)
            out.append(dist)
    return out
