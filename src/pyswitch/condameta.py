"""A conda env's packages, read from `conda-meta/` as conda and micromamba write it.

Each installed package has a record `conda-meta/<name>-<version>-<build>.json`. Records can be
large (a `files` list and `paths_data` for every file the package put down), so only what is
needed is read: a small record is parsed whole; a large one gives name, version and build from
its file name and its channel from the top-level keys near its start.

Python packages that pip or uv installed on top are the distributions in the env's
`site-packages` that no conda record owns and whose `INSTALLER` is not conda; this is what
`conda env export` lists under `pip:`.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Dict, List, Mapping, NamedTuple, Optional

from pyswitch.environment import Environment
from pyswitch.packages import Dist, dists_in, installer_of, read_dist, scan_folder, site_packages

_HEAD = 8 * 1024
_JSON_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"')
KNOWN_SUBDIRS = frozenset({
    "emscripten-wasm32", "wasi-wasm32", "freebsd-64", "linux-32", "linux-64", "linux-aarch64",
    "linux-armv6l", "linux-armv7l", "linux-ppc64", "linux-ppc64le", "linux-riscv64", "linux-s390x",
    "osx-64", "osx-arm64", "win-32", "win-64", "win-arm64", "zos-z", "noarch",
})
DEFAULTS_NAMES = frozenset({"pkgs/main", "pkgs/r", "pkgs/msys2", "pkgs/free", "pkgs/pro"})
CHANNEL_ALIAS_HOSTS = frozenset({"conda.anaconda.org", "conda.binstar.org", "binstar.org"})


class CondaRecord(NamedTuple):
    name: str
    version: str
    build: str
    channel: Optional[str]      # the canonical channel name (conda-forge, defaults, or a URL)
    path: Path
    head: bytes = b""           # the record's first bytes, which often hold its whole `files` list

    @property
    def key(self) -> str:
        return self.name.lower()


def records(prefix: Path) -> List[CondaRecord]:
    """Every package record of the env, sorted by name as `conda env export` lists them."""
    meta = prefix / "conda-meta"
    try:
        names = sorted(n for n in os.listdir(meta) if n.endswith(".json"))
    except OSError:
        return []
    out = [r for r in (read_record(meta / n) for n in names) if r is not None]
    out.sort(key=lambda r: r.name)
    return out


def read_record(path: Path) -> Optional[CondaRecord]:
    """One record. conda names the file `<name>-<version>-<build>.json`; only the channel is read
    from inside it, near the top, when conda's own layout (indented by two) makes that safe."""
    parts = path.name[: -len(".json")].rsplit("-", 2)
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            head = os.read(fd, _HEAD)
            fields = _channel_fields(head) if len(parts) == 3 and head.startswith(b'{\n  "') else None
            if fields is None:  # another layout, or a name that does not say it all: parse it whole
                chunks = [head]
                while len(chunks[-1]):
                    chunks.append(os.read(fd, 1 << 20))
                fields = _all_fields(b"".join(chunks))
                fields.update({k: v for k, v in zip(("name", "version", "build"), parts) if not fields.get(k)}
                              if len(parts) == 3 else {})
            else:
                fields.update(zip(("name", "version", "build"), parts))
        finally:
            os.close(fd)
    except OSError:
        return None
    name, version = fields.get("name"), fields.get("version")
    if not name or not version:
        return None
    channel = channel_name(fields.get("channel") or fields.get("schannel") or "") or \
        channel_name(fields.get("url") or "")
    return CondaRecord(name, version, fields.get("build") or "", channel, path, head)


def _channel_fields(head: bytes) -> Optional[Dict[str, str]]:
    """channel (or schannel, or url) among a record's top-level keys in its first bytes; None when not there."""
    for key in (b"channel", b"schannel", b"url"):
        at = head.find(b'\n  "' + key + b'": "')
        if at >= 0:
            m = _JSON_STRING.match(head, at + len(key) + 7)
            if m:
                raw = m.group(0)
                value = json.loads(raw) if b"\\" in raw else raw[1:-1].decode("utf-8", "replace")
                return {key.decode(): value}
    return None


def _all_fields(data: bytes) -> Dict[str, str]:
    try:
        whole = json.loads(data)
    except ValueError:
        return {}
    return {k: v for k, v in whole.items() if isinstance(v, str)} if isinstance(whole, dict) else {}


def channel_name(value: str) -> Optional[str]:
    """A record's channel as `conda env export` names it: conda-forge, defaults, or a URL."""
    value = value.strip()
    if not value or value in ("<unknown>", "<develop>", "pypi", "@"):
        return None
    if "://" not in value:
        name = value.strip("/")
        parts = name.split("/")
        if parts[-1] in KNOWN_SUBDIRS:
            name = "/".join(parts[:-1])
        return "defaults" if name in DEFAULTS_NAMES or name == "defaults" else name or None
    scheme, _, rest = value.partition("://")
    netloc, _, path = rest.partition("/")
    netloc = netloc.rsplit("@", 1)[-1]            # never a user:password of a private channel
    host = netloc.split(":", 1)[0].lower()
    segments = [s for s in path.split("?", 1)[0].split("/") if s]
    if segments and segments[-1].endswith((".conda", ".tar.bz2")):
        segments = segments[:-1]            # a package URL: its folder is the channel's subdir
    if segments and segments[-1] in KNOWN_SUBDIRS:
        segments = segments[:-1]
    if len(segments) >= 2 and segments[0] == "t":
        segments = segments[2:]             # an anaconda.org token: /t/<token>/channel
    name = "/".join(segments)
    if name in DEFAULTS_NAMES:
        return "defaults"
    if host in CHANNEL_ALIAS_HOSTS and name:
        return name
    return f"{scheme}://{netloc}/{name}" if name else f"{scheme}://{netloc}"


# --- channels as conda's context would list them ------------------------------------------------
def condarc_files(env: Environment, environ: Mapping[str, str], home: Path) -> List[Path]:
    """conda's search path for configuration, lowest precedence first."""
    files = [Path("/etc/conda/.condarc"), Path("/etc/conda/condarc")]
    root = env.conda_root or (env.prefix.parent.parent if env.prefix.parent.name == "envs" else env.prefix)
    files += [root / ".condarc", root / "condarc"]
    xdg = environ.get("XDG_CONFIG_HOME")
    if xdg:
        files += [Path(xdg) / "conda" / ".condarc", Path(xdg) / "conda" / "condarc"]
    files += [home / ".config" / "conda" / ".condarc", home / ".config" / "conda" / "condarc",
              home / ".conda" / ".condarc", home / ".conda" / "condarc", home / ".condarc",
              env.prefix / ".condarc"]
    if environ.get("CONDARC"):
        files.append(Path(environ["CONDARC"]))
    return files


def configured_channels(env: Environment, environ: Mapping[str, str], home: Path) -> List[str]:
    """`channels` merged from every .condarc, highest precedence first; ["defaults"] when none sets it."""
    lists = []
    for path in condarc_files(env, environ, home):
        if not path.is_file():
            continue
        try:
            import yaml

            data = yaml.safe_load(path.read_bytes()[:1 << 20])
        except Exception:  # noqa: BLE001 - a broken .condarc is conda's to report, not ours
            continue
        channels = data.get("channels") if isinstance(data, dict) else None
        if isinstance(channels, list):
            lists.append([str(c) for c in channels if isinstance(c, (str, int, float))])
    merged: List[str] = []
    for channels in reversed(lists):
        merged.extend(c for c in channels if c not in merged)
    return merged or ["defaults"]


def export_channels(recs: List[CondaRecord], configured: List[str]) -> List[str]:
    """As `conda env export`: each record's channel not yet listed goes in front."""
    channels = list(configured)
    for rec in recs:
        if rec.channel and rec.channel not in channels:
            channels.insert(0, rec.channel)
    return channels


def environment_variables(prefix: Path) -> Dict[str, str]:
    """`conda env config vars` of the env (conda-meta/state), as export writes them under `variables`."""
    try:
        data = json.loads((prefix / "conda-meta" / "state").read_bytes()[:1 << 20])
    except (OSError, ValueError):
        return {}
    env_vars = data.get("env_vars") if isinstance(data, dict) else None
    if not isinstance(env_vars, dict):
        return {}
    return {str(k): str(v) for k, v in env_vars.items()}


# --- pip on top -------------------------------------------------------------------------------
def conda_site_packages(env: Environment, recs: List[CondaRecord]) -> Optional[Path]:
    python = next((r for r in recs if r.name == "python"), None)
    version = python.version if python is not None else env.python_version
    found = site_packages(env.prefix, version)
    return found[0] if found else None


def site_dists(env: Environment, recs: List[CondaRecord]) -> List[Dist]:
    """Every Python distribution in the env's own site-packages (conda's and pip's)."""
    sp = conda_site_packages(env, recs)
    return dists_in([sp]) if sp is not None else []


def pip_on_top(env: Environment, recs: List[CondaRecord]) -> List[Dist]:
    """Distributions pip or uv put there: not conda's by INSTALLER, and owned by no record.

    INSTALLER is read first, so conda's own packages (most of a conda env) cost one small
    read each and their METADATA is never opened. Egg-links are not followed, as conda does not."""
    sp = conda_site_packages(env, recs)
    if sp is None:
        return []
    candidates = []
    for info, folder_name, _ in scan_folder(str(sp), follow_links=False):
        installer = installer_of(info)
        if (installer or "").lower() == "conda":
            continue
        dist = read_dist(info, str(sp), folder_name)
        if dist is not None:
            dist.__dict__["installer"] = installer
            candidates.append(dist)
    if not candidates:
        return []
    owned = _owned_info_folders(recs, [d.folder_name for d in candidates])
    return [d for d in candidates if d.folder_name not in owned]


def _owned_info_folders(recs: List[CondaRecord], folders: List[str]) -> set:
    """The info folders among `folders` that some record's file list names."""
    wanted = set(folders)
    owned: set = set()
    for rec in recs:
        data = _files_list(rec)
        if data is None:
            continue
        owned |= info_folders_in(data) & wanted
        if owned == wanted:
            break
    return owned


def _files_list(rec: CondaRecord) -> Optional[bytes]:
    """The record's `files` list, from its head when it is all there, else from the whole file."""
    head = rec.head
    start = head.find(b'\n  "files": [')
    if start >= 0 and head.find(b'\n  ]', start) >= 0:
        return head[start:head.find(b'\n  ]', start)]
    try:
        with open(rec.path, "rb") as f:
            if start < 0:
                return f.read()  # not conda's layout: search it all
            data = bytearray(head)
            f.seek(len(head))
            while True:  # read on until the list ends: paths_data, after it, repeats it
                chunk = f.read(1 << 18)
                data += chunk
                end = data.find(b'\n  ]', max(start, len(data) - len(chunk) - 4))
                if end >= 0 or not chunk:
                    return bytes(data[start:end if end >= 0 else len(data)])
    except OSError:
        return None


def info_folders_in(data: bytes) -> set:
    """`x.dist-info`, `x.egg-info` and `x.egg` folders under site-packages/ that a record lists.

    Only its `files` list is searched (paths_data repeats it), and by the folders' suffixes,
    which few paths carry, rather than by `site-packages/`, which every Python file carries."""
    start = data.find(b'\n  "files": [')
    if start >= 0:
        end = data.find(b'\n  "', start + 14)
        data = data[start:end if end >= 0 else len(data)]
    out = set()
    for needle, back in ((b"-info", (b".dist", b".egg")), (b".egg/", (b"",))):
        i = data.find(needle)
        while i >= 0:
            end = i + len(needle) if needle == b"-info" else i + 4
            suffix = next((b for b in back if data[i - len(b):i] == b), None)
            if suffix is not None and data[end:end + 1] in (b"/", b'"'):
                begin = data.rfind(b"/", 0, i) + 1
                if data[begin - 14:begin] == b"site-packages/" and b'"' not in data[begin:end]:
                    out.add(data[begin:end].decode("utf-8", "surrogateescape"))
            i = data.find(needle, i + 1)
    return out


def pip_name(dist: Dist) -> str:
    """The name conda gives a pip-installed package: lower case, `.` and `_` as `-`."""
    return dist.name.replace(".", "-").replace("_", "-").lower()
