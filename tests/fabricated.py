"""What export and check read, made on disk: conda envs as conda lays them out, dist-info folders,
and real venvs with packages installed from a wheel cache that all tests share.

The wheel cache is downloaded once (`pip download`, from PyPI) into PYSWITCH_TEST_WHEELS or
~/.cache/pyswitch-test-wheels; every install after that is `--no-index --find-links` it.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Dict, Iterable, Optional, Sequence

import pytest

from conftest import Roots, fake_python

# small pure-Python wheels that install on 3.8 to 3.13: mixed name spellings on purpose
WHEELS = {
    "six": "six==1.16.0",                         # plain
    "PySocks": "PySocks==1.7.1",                  # upper case Name
    "typing_extensions": "typing_extensions==4.7.1",  # underscore Name
    "more-itertools": "more-itertools==10.1.0",   # dash Name, underscore folder
    "jaraco.functools": "jaraco.functools==3.9.0",  # dotted Name
    "iniconfig": "iniconfig==2.0.0",
    "wheel": "wheel==0.42.0",                     # a build backend pip freeze may hide
    "flit_core": "flit_core==3.9.0",              # the build backend of the local projects below
}
CONDA_FORGE = "https://conda.anaconda.org/conda-forge/linux-64"
DEFAULTS = "https://repo.anaconda.com/pkgs/main/linux-64"


# --- the shared wheel cache ------------------------------------------------------------------------
def _wheel_cache() -> Path:
    return Path(os.environ.get("PYSWITCH_TEST_WHEELS") or Path.home() / ".cache" / "pyswitch-test-wheels")


def _have(folder: Path, requirement: str) -> bool:
    name, version = requirement.split("==")
    for p in folder.glob("*.whl"):
        parts = p.name.split("-")
        if len(parts) >= 2 and canonical(parts[0]) == canonical(name) and parts[1] == version:
            return True
    return False


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="session")
def wheels() -> Path:
    """A folder of the WHEELS, downloaded once."""
    folder = _wheel_cache()
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [r for r in WHEELS.values() if not _have(folder, r)]
    if wanted:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                               "-d", str(folder), *wanted], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            if os.environ.get("CI") == "true":
                pytest.fail(f"cannot download the test wheels: {done.stderr[-800:]}")
            pytest.skip(f"cannot download the test wheels (offline?): {done.stderr.strip()[-300:]}")
    return folder


def fast_venv(python: Path, dest: Path) -> Path:
    """A venv as `python -m venv` makes it, with the pip (and setuptools) ensurepip would put in,
    unpacked from the interpreter's own bundled wheels rather than installed (seconds faster)."""
    done = subprocess.run([str(python), "-m", "venv", "--without-pip", str(dest)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    probe = subprocess.run([str(python), "-c", "import ensurepip, os, sys; print(ensurepip.version()); "
                            "print(os.path.dirname(ensurepip.__file__)); print(sys.version_info >= (3, 12))"],
                           capture_output=True, text=True, timeout=60)
    pip_version, folder, modern = probe.stdout.split()
    site = next(dest.glob("lib/python*/site-packages"))
    bundled = Path(folder) / "_bundled"
    wanted = [f"pip-{pip_version}-"] + ([] if modern == "True" else ["setuptools-"])
    for whl in sorted(bundled.glob("*.whl")):
        if any(whl.name.startswith(w) for w in wanted):
            with zipfile.ZipFile(whl) as z:
                z.extractall(site)
            info = next(site.glob(f"{whl.name.split('-')[0]}-{whl.name.split('-')[1]}.dist-info"))
            (info / "INSTALLER").write_text("pip\n")
    return dest / "bin" / "python"


def pip_install(python: Path, wheels: Path, *args: str) -> None:
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile",
                           "--no-index", "--find-links", str(wheels), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def pip_freeze(python: Path, cwd: Path, env: Dict[str, str]) -> str:
    """The real `pip freeze` of that interpreter's environment (`cwd` must hold no distributions)."""
    done = subprocess.run([str(python), "-m", "pip", "freeze", "--disable-pip-version-check"],
                          capture_output=True, text=True, timeout=120, cwd=str(cwd), env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def flit_project(folder: Path, name: str, module: str, version: str = "0.1.0") -> Path:
    """A tiny project that pip builds with flit_core (from the wheel cache, no network)."""
    (folder / module).mkdir(parents=True, exist_ok=True)
    (folder / module / "__init__.py").write_text('"""A test project."""\n')
    (folder / "pyproject.toml").write_text(f"""[build-system]
requires = ["flit_core>=3.4"]
build-backend = "flit_core.buildapi"

[project]
name = "{name}"
version = "{version}"
description = "a test project"

[tool.flit.module]
name = "{module}"
""")
    return folder


def git(folder: Path, *args: str) -> str:
    if shutil.which("git") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("git is not installed; CI must have it")
        pytest.skip("git is not installed")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_NOSYSTEM="1", HOME=str(folder))
    done = subprocess.run(["git", *args], cwd=str(folder), capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def git_repo(folder: Path, remote: Optional[str]) -> str:
    """Make `folder` a git work tree with one commit (and `origin`); returns the commit."""
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "init")
    if remote:
        git(folder, "remote", "add", "origin", remote)
    return git(folder, "rev-parse", "HEAD")


def handmade_wheel(folder: Path, name: str, version: str, module: str) -> Path:
    """A minimal valid wheel, built with zipfile (a local file install gives PEP 610 archive_info)."""
    dist = f"{name.replace('-', '_')}-{version}"
    path = folder / f"{dist}-py3-none-any.whl"
    files = {
        f"{module}.py": b"VALUE = 1\n",
        f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for arc, data in files.items():
        digest = hashlib.sha256(data).digest()
        import base64
        record.append(f"{arc},sha256={base64.urlsafe_b64encode(digest).rstrip(b'=').decode()},{len(data)}")
    record.append(f"{dist}.dist-info/RECORD,,")
    with zipfile.ZipFile(path, "w") as z:
        for arc, data in files.items():
            z.writestr(arc, data)
        z.writestr(f"{dist}.dist-info/RECORD", "\n".join(record) + "\n")
    return path


# --- dist-info folders, made by hand -------------------------------------------------------------
def dist_info(site: Path, name: str, version: str, installer: Optional[str] = "pip",
              direct_url: Optional[dict] = None, folder: Optional[str] = None) -> Path:
    """A `.dist-info` as pip writes it: METADATA, INSTALLER, RECORD (and direct_url.json)."""
    info = site / (folder or f"{name.replace('-', '_')}-{version}.dist-info")
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: x\n\nBody\n")
    if installer is not None:
        (info / "INSTALLER").write_text(f"{installer}\n")
    (info / "RECORD").write_text(f"{info.name}/METADATA,,\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return info


def fake_interpreter(roots: Roots, name: str, dists: Iterable[Sequence[str]] = ()) -> Path:
    """A fabricated pyenv version `name` with these (Name, Version) distributions installed."""
    prefix = roots.fake_version(name)
    site = prefix / "lib" / f"python{'.'.join(name.split('.')[:2])}" / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    for n, v in dists:
        dist_info(site, n, v)
    return site


# --- conda envs, as conda writes them ---------------------------------------------------------------
def conda_record(prefix: Path, name: str, version: str, build: str, channel: str = CONDA_FORGE,
                 files: Sequence[str] = (), requested_spec: str = "", noarch: Optional[str] = None) -> Path:
    """conda-meta/<name>-<version>-<build>.json with the keys conda writes, sorted and indented as it does."""
    fn = f"{name}-{version}-{build}.conda"
    pkgs = prefix.parent.parent / "pkgs" if prefix.parent.name == "envs" else prefix / "pkgs"
    number = build.rsplit("_", 1)[-1]
    digest = hashlib.md5(fn.encode()).hexdigest()
    record = {
        "build": build,
        "build_number": int(number) if number.isdigit() else 0,
        "channel": channel,
        "constrains": [],
        "depends": [],
        "extracted_package_dir": str(pkgs / f"{name}-{version}-{build}"),
        "files": list(files),
        "fn": fn,
        "license": "BSD-3-Clause",
        "link": {"source": str(pkgs / f"{name}-{version}-{build}"), "type": 1},
        "md5": digest,
        "name": name,
        "package_tarball_full_path": str(pkgs / fn),
        "paths_data": {"paths": [{"_path": f, "path_type": "hardlink", "sha256": hashlib.sha256(f.encode()).hexdigest(),
                                  "size_in_bytes": 10} for f in files], "paths_version": 1},
        "requested_spec": requested_spec,
        "sha256": hashlib.sha256(fn.encode()).hexdigest(),
        "size": 12345,
        "subdir": channel.rstrip("/").rsplit("/", 1)[-1],
        "timestamp": 1700000000000,
        "url": f"{channel}/{fn}",
        "version": version,
    }
    if noarch:
        record["noarch"] = noarch
        record["package_type"] = f"noarch_{noarch}"
    meta = prefix / "conda-meta"
    meta.mkdir(parents=True, exist_ok=True)
    path = meta / f"{name}-{version}-{build}.json"
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return path


class CondaEnv:
    """A conda env folder: conda-meta/history and records, bin/python, lib/pythonX.Y/site-packages."""

    def __init__(self, prefix: Path, python: str = "3.11.7"):
        self.prefix = prefix
        self.python = python
        self.site_rel = f"lib/python{'.'.join(python.split('.')[:2])}/site-packages"
        self.site = prefix / self.site_rel
        self.site.mkdir(parents=True, exist_ok=True)
        meta = prefix / "conda-meta"
        meta.mkdir(parents=True, exist_ok=True)
        (meta / "history").write_text(f"==> 2026-01-01 00:00:00 <==\n# cmd: conda create -n {prefix.name} python\n"
                                      f"# conda version: 24.1.2\n+conda-forge/linux-64::python-{python}-hab00c5b_0_cpython\n"
                                      "# update specs: ['python']\n")
        fake_python(prefix / "bin" / "python", python, label=f"conda:{prefix.name}")
        self.record("python", python, "hab00c5b_0_cpython", files=["bin/python", f"lib/libpython{python[:4]}.so"])

    def record(self, name: str, version: str, build: str, channel: str = CONDA_FORGE, files: Sequence[str] = (),
               **kw) -> Path:
        return conda_record(self.prefix, name, version, build, channel, files, **kw)

    def python_package(self, name: str, version: str, build: str, channel: str = CONDA_FORGE) -> Path:
        """A conda package holding a Python distribution: its dist-info says INSTALLER conda, its record owns it."""
        info = dist_info(self.site, name, version, installer="conda")
        files = [f"{self.site_rel}/{info.name}/{f}" for f in ("INSTALLER", "METADATA", "RECORD")]
        return self.record(name.lower(), version, build, channel, files=files, noarch="python")

    def pip_package(self, name: str, version: str, installer: str = "pip", **kw) -> Path:
        """What `pip install` (or uv) puts on top: a dist-info no record owns."""
        return dist_info(self.site, name, version, installer=installer, **kw)

    def remove(self, name: str) -> None:
        for p in (self.prefix / "conda-meta").glob(f"{name}-*.json"):
            if json.loads(p.read_text())["name"] == name:
                p.unlink()


def conda_world(roots: Roots, env_name: str = "ml", python: str = "3.11.7") -> CondaEnv:
    """~/miniforge3 with envs/<env_name>, pinned in the project by `conda:<env_name>`."""
    root = roots.conda_root(roots.home / "miniforge3")
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(root)
    env = CondaEnv(root / "envs" / env_name, python)
    roots.pin(roots.project, f"conda:{env_name}\n")
    return env
