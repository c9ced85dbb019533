"""Every test gets its own HOME, PYENV_ROOT, PYSWITCH_ROOT and conda roots under tmp_path.

The machine's real interpreters are only ever *symlinked* in; anything a test deletes is
fabricated. Nothing here writes under the real ~/.pyenv.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import pytest

REAL_PYENV = Path(os.path.expanduser("~/.pyenv")).resolve() if not os.environ.get("PYSWITCH_TEST_REAL_PYENV") \
    else Path(os.environ["PYSWITCH_TEST_REAL_PYENV"])
REAL_VERSIONS = REAL_PYENV / "versions"
# the pyswitch console script of the environment running the tests
BIN = Path(sys.executable).parent


def real_version(name: str) -> Path:
    path = REAL_VERSIONS / name
    if not (path / "bin" / "python").exists():
        pytest.skip(f"real interpreter {name} not on this machine")
    return path


def du(*paths: Path) -> int:
    """What deleting exactly these paths frees, as ``du`` counts it: the blocks the file system
    allocated (``st_blocks * 512``, not the length), each inode once however many of the paths
    are hard links to it; a symlink counts itself."""
    seen = set()
    total = 0
    for p in paths:
        st = os.lstat(p)
        if (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_blocks * 512
    return total


def write_exe(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


class Roots:
    """A private world: HOME, PYENV_ROOT, PYSWITCH_ROOT, a project folder, and their env vars."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.home = tmp / "home"
        self.pyenv_root = tmp / "pyenv"
        self.versions = self.pyenv_root / "versions"
        self.root = tmp / "pyswitch-root"
        self.project = tmp / "project"
        self.sysbin = tmp / "sysbin"  # stands in for /usr/bin where a test needs a known "system"
        for d in (self.home, self.versions, self.project):
            d.mkdir(parents=True, exist_ok=True)
        self.env: Dict[str, str] = {
            "HOME": str(self.home),
            "PYENV_ROOT": str(self.pyenv_root),
            "PYSWITCH_ROOT": str(self.root),
            "PYSWITCH_CONFIG": str(tmp / "config.toml"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local/share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "PATH": os.pathsep.join([str(self.root / "shims"), str(BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "COLUMNS": "80",
        }

    # --- pyenv ---------------------------------------------------------------------------
    def link_version(self, name: str, as_name: Optional[str] = None) -> Path:
        """A real interpreter, symlinked in (never copied, never written to)."""
        dest = self.versions / (as_name or name)
        dest.symlink_to(real_version(name))
        return dest

    def fake_version(self, name: str, python_version: Optional[str] = None, commands=("python",)) -> Path:
        """A fabricated pyenv version whose commands print who they are."""
        prefix = self.versions / name
        for cmd in commands:
            fake_python(prefix / "bin" / cmd, python_version or name, label=f"{name}:{cmd}")
        return prefix

    def virtualenv(self, base: str, name: str, python_version: Optional[str] = None, short: bool = True) -> Path:
        """A pyenv-virtualenv env inside a (fabricated or linked) version, with the short-name symlink."""
        base_prefix = self.versions / base
        prefix = base_prefix / "envs" / name if not base_prefix.is_symlink() else None
        if prefix is None:  # never write into a real interpreter: make a fake base instead
            raise ValueError("virtualenv() needs a fabricated base version")
        fake_python(prefix / "bin" / "python", python_version or base, label=f"{base}/envs/{name}")
        (prefix / "pyvenv.cfg").write_text(f"home = {base_prefix / 'bin'}\nversion = {python_version or base}\n")
        if short:
            (self.versions / name).symlink_to(prefix)
        return prefix

    # --- conda ---------------------------------------------------------------------------
    def conda_env(self, prefix: Path, python_version: str = "3.10.13", python_target: Optional[Path] = None,
                  extra_bin=()) -> Path:
        """A conda env as conda lays it out: conda-meta/ with history and python's record, bin/."""
        meta = prefix / "conda-meta"
        meta.mkdir(parents=True, exist_ok=True)
        (meta / "history").write_text("==> 2026-01-01 00:00:00 <==\n# cmd: conda create -n x python\n")
        record = {"name": "python", "version": python_version, "build": "h955ad1f_0"}
        (meta / f"python-{python_version}-h955ad1f_0.json").write_text(json.dumps(record))
        py = prefix / "bin" / "python"
        if python_target is not None:
            py.parent.mkdir(parents=True, exist_ok=True)
            py.symlink_to(python_target)
        else:
            fake_python(py, python_version, label=f"conda:{prefix}")
        (prefix / "bin" / f"python{python_version.rsplit('.', 1)[0]}").symlink_to("python")
        for name in extra_bin:
            write_exe(prefix / "bin" / name, "#!/bin/sh\necho system-tool\n")
        return prefix

    def conda_root(self, path: Path, python_version: str = "3.11.7") -> Path:
        self.conda_env(path, python_version)
        (path / "envs").mkdir(exist_ok=True)
        return path

    # --- projects ------------------------------------------------------------------------
    def pin(self, folder: Path, text: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        f = folder / ".python-version"
        f.write_text(text)
        return f


def fake_python(path: Path, version: str, label: str = "") -> Path:
    """A tiny stand-in interpreter: answers version probes and says which file ran."""
    return write_exe(path, f"""#!/bin/sh
case "$1" in
  -V|--version) echo "Python {version}"; exit 0 ;;
  -c) case "$2" in *version_info*) echo "{version}"; exit 0 ;; esac ;;
esac
echo "ran {label or path} $0 $*"
""")


@pytest.fixture
def roots(tmp_path) -> Roots:
    return Roots(tmp_path)


@pytest.fixture
def pyswitch(roots):
    """Run the installed `pyswitch` command as a user would, in the private world."""
    def run(*args, cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None, input: Optional[str] = None,
            timeout: float = 60):
        full_env = dict(roots.env)
        full_env.update(env or {})
        return subprocess.run([str(BIN / "pyswitch"), *map(str, args)], cwd=str(cwd or roots.project),
                              env=full_env, capture_output=True, text=True, input=input, timeout=timeout)
    return run
