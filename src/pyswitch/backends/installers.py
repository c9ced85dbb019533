"""Pythons that other installers manage: uv, mise and asdf, read from their folders (SPEC 1).

One small interface for the three: each `Installer` says where its Pythons live, how a folder's
name becomes a version name (what follows `uv:`, `mise:`, `asdf:` in a spec), where its shims
are, and how its own tool removes one. Discovery reads the disk only, never runs the tools.
docs/other-installers.md shows each layout and the tool versions it was read from.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Callable, List, Optional, Sequence, Tuple

from pyswitch.environment import Environment, Kind
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe, from_disk, python_in
from pyswitch.spec import release_tuple
from pyswitch.values import value

# uv: <implementation>-<version><pre><+variant>-<os>-<arch>-<libc>, five `-`-separated parts
_UV_KEY = r"^(?P<impl>[a-z]+)-(?P<version>\d+\.\d+\.\d+[a-z0-9]*)(?P<variant>(\+[a-z]+)*)-[^-]+-[^-]+-[^-]+$"
_UV_IMPLEMENTATIONS = {"cpython": "", "pypy": "pypy", "graalpy": "graalpy"}


@value
class Installer:
    kind: str                                    # Kind.UV, Kind.MISE, Kind.ASDF: also the spec prefix
    tool: str                                    # its executable
    folder: Callable[[Context], Path]            # where its Pythons are, one folder each
    name_of: Callable[[str], Optional[str]]      # a folder's name -> the version name, None to skip it
    shims: Callable[[Context], Optional[Path]]   # its shims folder, if it has one
    remove: Callable[[str, Environment], Tuple[str, ...]]  # its own command that removes one

    def spec(self, version_name: str) -> str:
        return f"{self.kind}:{version_name}"


def _data_home(ctx: Context) -> Path:
    xdg = ctx.environ.get("XDG_DATA_HOME")
    return Path(xdg) if xdg else ctx.home / ".local" / "share"


def _uv_folder(ctx: Context) -> Path:
    value = ctx.environ.get("UV_PYTHON_INSTALL_DIR")
    return Path(value).expanduser() if value else _data_home(ctx) / "uv" / "python"


def uv_name(folder: str) -> Optional[str]:
    """`cpython-3.12.4-linux-x86_64-gnu` -> `3.12.4`; free-threaded `3.13.1t`, debug `3.13.1d`,
    PyPy `pypy3.11.13` (uv names PyPy by its Python version); anything else is not uv's."""
    m = re.match(_UV_KEY, folder)
    if not m or m.group("impl") not in _UV_IMPLEMENTATIONS:
        return None
    variant = m.group("variant")
    suffix = ("t" if "+freethreaded" in variant else "") + ("d" if "+debug" in variant else "")
    return f"{_UV_IMPLEMENTATIONS[m.group('impl')]}{m.group('version')}{suffix}"


def uv_bin_dir(ctx: Context) -> Path:
    """Where uv links `python3.12` to its installs (uv 0.8+): its own order of variables."""
    for var in ("UV_PYTHON_BIN_DIR", "XDG_BIN_HOME"):
        if ctx.environ.get(var):
            return Path(ctx.environ[var]).expanduser()
    if ctx.environ.get("XDG_DATA_HOME"):
        return Path(ctx.environ["XDG_DATA_HOME"]).parent / "bin"
    return ctx.home / ".local" / "bin"


def _installs(ctx: Context, data_var: str, default: Path, installs_var: str = "") -> Path:
    if installs_var and ctx.environ.get(installs_var):
        return Path(ctx.environ[installs_var]).expanduser() / "python"
    value = ctx.environ.get(data_var)
    return (Path(value).expanduser() if value else default) / "installs" / "python"


def _plain_name(folder: str) -> Optional[str]:
    return None if folder.startswith(".") else folder


UV = Installer(
    Kind.UV, "uv", _uv_folder, uv_name, lambda ctx: None,
    lambda tool, env: (tool, "python", "uninstall", env.prefix.name),
)
MISE = Installer(
    Kind.MISE, "mise",
    lambda ctx: _installs(ctx, "MISE_DATA_DIR", _data_home(ctx) / "mise", "MISE_INSTALLS_DIR"),
    _plain_name,
    lambda ctx: Path(ctx.environ.get("MISE_DATA_DIR") or _data_home(ctx) / "mise") / "shims",
    lambda tool, env: (tool, "uninstall", f"python@{env.prefix.name}"),
)
ASDF = Installer(
    Kind.ASDF, "asdf",
    lambda ctx: _installs(ctx, "ASDF_DATA_DIR", ctx.home / ".asdf"),
    _plain_name,
    lambda ctx: Path(ctx.environ.get("ASDF_DATA_DIR") or ctx.home / ".asdf") / "shims",
    lambda tool, env: (tool, "uninstall", "python", env.prefix.name),
)
INSTALLERS: Sequence[Installer] = (UV, MISE, ASDF)  # the order a bare spec falls back through
BY_KIND = {i.kind: i for i in INSTALLERS}
# the variables that move these folders: a change makes the shims' cache stale
VARIABLES = ("UV_PYTHON_INSTALL_DIR", "MISE_DATA_DIR", "MISE_INSTALLS_DIR", "ASDF_DATA_DIR", "XDG_DATA_HOME")


def discover_one(ctx: Context, probe: VersionProbe, installer: Installer) -> List[Environment]:
    """One installer's Pythons: real folders only (uv's minor-version links, mise's `3.11` and
    `latest` aliases, asdf's partial-version links are symlinks, and name the same install)."""
    folder = installer.folder(ctx)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    out: List[Environment] = []
    seen = set()
    for entry in names:
        prefix = folder / entry
        version = installer.name_of(entry)
        if version is None or prefix.is_symlink() or not prefix.is_dir() or (prefix / "incomplete").exists():
            continue  # mise marks an install it has not finished with `incomplete`
        bin_dir = prefix / "bin"
        python_version = ".".join(map(str, release_tuple(version))) if release_tuple(version) else None
        if python_version is None or len(release_tuple(version) or ()) != 3:
            python_version = from_disk(prefix) or _probe(probe, bin_dir)
        name = installer.spec(version)
        out.append(Environment(name, installer.kind, prefix, python_version, bin_dir, shadowed=name in seen))
        seen.add(name)
    return out


def _probe(probe: VersionProbe, bin_dir: Path) -> Optional[str]:
    py = python_in(bin_dir)
    return probe.version_of(py) if py else None


def discover(ctx: Context, probe: VersionProbe) -> List[Environment]:
    return [e for installer in INSTALLERS for e in discover_one(ctx, probe, installer)]


def shim_folders(ctx: Context) -> List[Path]:
    return [p for p in (i.shims(ctx) for i in INSTALLERS) if p is not None]
