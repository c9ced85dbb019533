"""Which Python version an environment holds, read from the disk where the disk says it.

Order: `pyvenv.cfg`, `conda-meta/python-X.Y.Z-*.json`, the pyenv folder name; only when none
of these answers is the interpreter run, and its answer is cached by path, size and mtime.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Dict, Optional

from pyswitch.files import atomic_write, read_regular

_CONDA_PY = re.compile(r"^python-(\d+\.\d+\.\d+)-[^-]+\.json$")
_FULL = re.compile(r"^(\d+\.\d+\.\d+)")
_PROBE = "import sys; print('.'.join(map(str, sys.version_info[:3])))"


def from_pyvenv_cfg(prefix: Path) -> Optional[str]:
    cfg = read_pyvenv_cfg(prefix)
    for key in ("version", "version_info"):
        m = _FULL.match(cfg.get(key, ""))
        if m:
            return m.group(1)
    return None


def read_pyvenv_cfg(prefix: Path) -> Dict[str, str]:
    try:
        text = read_regular(prefix / "pyvenv.cfg", 1 << 16).decode("utf-8", "replace")
    except (OSError, ValueError):
        return {}
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def from_conda_meta(prefix: Path) -> Optional[str]:
    try:
        names = os.listdir(prefix / "conda-meta")
    except OSError:
        return None
    for n in names:
        m = _CONDA_PY.match(n)
        if m:
            return m.group(1)
    return None


_PATCHLEVEL = re.compile(rb'#define\s+PY_VERSION\s+"(\d+\.\d+\.\d+)')


def from_disk(prefix: Path) -> Optional[str]:
    """What an installed CPython's own headers say: `include/pythonX.Y*/patchlevel.h`."""
    try:
        folders = sorted(n for n in os.listdir(prefix / "include") if n.startswith("python"))
    except OSError:
        return None
    for name in folders:
        try:
            m = _PATCHLEVEL.search(read_regular(prefix / "include" / name / "patchlevel.h", 1 << 16))
        except OSError:
            continue
        if m:
            return m.group(1).decode("ascii")
    return None


class VersionProbe:
    """Runs interpreters the disk cannot answer for, once per (path, size, mtime)."""

    def __init__(self, cache_file: Path):
        self.cache_file = cache_file
        self._data: Optional[Dict[str, list]] = None
        self._dirty = False

    def _load(self) -> Dict[str, list]:
        if self._data is None:
            try:
                self._data = json.loads(self.cache_file.read_text())
                if not isinstance(self._data, dict):
                    self._data = {}
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def version_of(self, python: Path) -> Optional[str]:
        try:
            real = os.path.realpath(python)
            st = os.stat(real)
        except OSError:
            return None
        key = [st.st_size, st.st_mtime_ns]
        data = self._load()
        hit = data.get(real)
        if hit and hit[:2] == key:
            return hit[2]
        try:
            out = subprocess.run([str(python), "-c", _PROBE], capture_output=True, text=True,
                                 timeout=10, stdin=subprocess.DEVNULL)
            version = out.stdout.strip() if out.returncode == 0 and _FULL.match(out.stdout.strip()) else None
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
        data[real] = key + [version]
        self._dirty = True
        return version

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.cache_file, json.dumps(self._data))
            self._dirty = False
        except OSError:
            pass  # a cache we cannot write only costs time


def python_in(bin_dir: Path) -> Optional[Path]:
    for name in ("python", "python3", "python2"):
        p = bin_dir / name
        if os.access(p, os.X_OK) and not p.is_dir():
            return p
    return None
