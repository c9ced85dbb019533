"""Which Python version an environment holds, read from the disk where the disk says it.

Order: `pyvenv.cfg`, `conda-meta/python-X.Y.Z-*.json`, the pyenv folder name; only when none
of these answers is the interpreter run, and its answer is cached by path, size and mtime.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

from pyswitch.files import atomic_write, read_regular

_CONDA_PY = r"^python-(\d+\.\d+\.\d+)-[^-]+\.json$"
_FULL = r"^(\d+\.\d+\.\d+)"
_PROBE = "import sys; print('.'.join(map(str, sys.version_info[:3])))"


def from_pyvenv_cfg(prefix: "str | Path") -> Optional[str]:
    return _cfg_version(read_pyvenv_cfg(prefix))


def pyvenv_cfg_version(prefix: str) -> "Optional[Tuple[Optional[str]]]":
    """None where `prefix` has no pyvenv.cfg file, else (the version it names, or None,): one
    read answers both "is it a venv" and "which version", which discovery asks of every folder."""
    path = prefix + "/pyvenv.cfg"
    try:
        text = read_regular(path, 1 << 16)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return (None,) if os.path.isfile(path) else None
    return (_cfg_version(_parse_cfg(text)),)


def _cfg_version(cfg: Dict[str, str]) -> Optional[str]:
    for key in ("version", "version_info"):
        m = re.match(_FULL, cfg.get(key, ""))
        if m:
            return m.group(1)
    return None


def read_pyvenv_cfg(prefix: "str | Path") -> Dict[str, str]:
    try:
        data = read_regular(os.path.join(prefix, "pyvenv.cfg"), 1 << 16)
    except (OSError, ValueError):
        return {}
    return _parse_cfg(data)


def _parse_cfg(data: bytes) -> Dict[str, str]:
    out = {}
    for line in data.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def from_conda_meta(prefix: "str | Path") -> Optional[str]:
    try:
        names = os.listdir(os.path.join(prefix, "conda-meta"))
    except OSError:
        return None
    for n in names:
        m = re.match(_CONDA_PY, n)
        if m:
            return m.group(1)
    return None


_PATCHLEVEL = rb'#define\s+PY_VERSION\s+"(\d+\.\d+\.\d+)'


def from_disk(prefix: Path) -> Optional[str]:
    """What an installed CPython's own headers say: `include/pythonX.Y*/patchlevel.h`."""
    try:
        folders = sorted(n for n in os.listdir(prefix / "include") if n.startswith("python"))
    except OSError:
        return None
    for name in folders:
        try:
            m = re.search(_PATCHLEVEL, read_regular(prefix / "include" / name / "patchlevel.h", 1 << 16))
        except OSError:
            continue
        if m:
            return m.group(1).decode("ascii")
    return None


class VersionProbe:
    """The version of an interpreter the folders do not name: read from its install where it
    can be (pyvenv.cfg beside its bin/, patchlevel.h), else asked of it once, and remembered in
    the root by (path, size, mtime), so it runs once per interpreter, not once per command."""

    def __init__(self, cache_file: Path):
        self.cache_file = cache_file
        self._data: Optional[Dict[str, Tuple[int, int, Optional[str]]]] = None

    def _load(self) -> Dict[str, Tuple[int, int, Optional[str]]]:
        if self._data is None:
            self._data = {}
            try:
                text = read_regular(self.cache_file, 1 << 20).decode("utf-8", "surrogateescape")
            except OSError:
                text = ""
            for line in text.split("\n"):
                parts = line.split("\t", 3)  # size, mtime, version, path (last: it may hold a tab)
                if len(parts) == 4 and parts[0].isdigit() and parts[1].isdigit():
                    self._data[parts[3]] = (int(parts[0]), int(parts[1]), parts[2] or None)
        return self._data

    def version_of(self, python: Path) -> Optional[str]:
        try:
            real = os.path.realpath(python)
            st = os.stat(real)
        except OSError:
            return None
        found = from_install(Path(python)) or from_install(Path(real))
        if found:
            return found
        data = self._load()
        hit = data.get(real)
        if hit and hit[:2] == (st.st_size, st.st_mtime_ns):
            return hit[2]
        version = _ask(python)
        data[real] = (st.st_size, st.st_mtime_ns, version)
        self._save()
        return version

    def _save(self) -> None:
        lines = [f"{size}\t{mtime}\t{version or ''}\t{path}" for path, (size, mtime, version) in self._load().items()
                 if "\n" not in path]
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.cache_file, "".join(f"{line}\n" for line in lines))
        except OSError:
            pass  # a cache we cannot write only costs time

    def save(self) -> None:
        """Kept for callers that save once at the end: answers are already saved as they come."""


_EXECUTABLE = r"^python(\d+\.\d+)"


def from_install(python: Path) -> Optional[str]:
    """An interpreter's version from its own install: the venv's pyvenv.cfg, or the headers of
    the prefix its bin/ belongs to (`/usr/bin/python3.11` -> `/usr/include/python3.11/patchlevel.h`)."""
    prefix = python.parent.parent
    found = from_pyvenv_cfg(prefix)
    if found:
        return found
    m = re.match(_EXECUTABLE, python.name)
    if not m:
        return None
    try:
        text = read_regular(prefix / "include" / f"python{m.group(1)}" / "patchlevel.h", 1 << 16)
    except OSError:
        return None
    hit = re.search(_PATCHLEVEL, text)
    return hit.group(1).decode("ascii") if hit else None


def _ask(python: Path) -> Optional[str]:
    """Run the interpreter: the disk could not say."""
    import subprocess

    try:
        out = subprocess.run([str(python), "-c", _PROBE], capture_output=True, text=True,
                             timeout=10, stdin=subprocess.DEVNULL)
        version = out.stdout.strip() if out.returncode == 0 and re.match(_FULL, out.stdout.strip()) else None
    except (OSError, subprocess.SubprocessError):
        version = None
    if version is None:  # Python 2 prints sys.version_info differently through print()
        try:
            out = subprocess.run([str(python), "-V"], capture_output=True, text=True, timeout=10,
                                 stdin=subprocess.DEVNULL)
            m = re.search(r"(\d+\.\d+\.\d+)", out.stdout + out.stderr)
            version = m.group(1) if m else None
        except (OSError, subprocess.SubprocessError):
            version = None
    return version


def python_in(bin_dir: "str | Path") -> Optional[Path]:
    for name in ("python", "python3", "python2"):
        p = os.path.join(bin_dir, name)
        if os.access(p, os.X_OK) and not os.path.isdir(p):
            return Path(p)
    return None
