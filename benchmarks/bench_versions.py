"""`pyswitch versions` against `pyenv versions` on 50 fabricated environments (SPEC section 8).

25 pyenv versions (fake folders with bin/python) and 25 conda envs in one fabricated conda
root. pyswitch sees the conda root through PYSWITCH_CONDA_ROOTS; pyenv sees the same root as
`versions/miniconda3-latest` (a symlink), whose `envs/*` it lists. Both run in a throwaway
root under a temporary folder: nothing of the machine's ~/.pyenv is written. Runs are
interleaved (pyswitch, pyenv, pyswitch, ...) and medians of wall time are printed.

    python benchmarks/bench_versions.py [--runs N]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

PYENV_VERSIONS = 25
CONDA_ENVS = 25
DEFAULT_RUNS = 25


def _exe(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


def _fake_python(path: Path, version: str) -> None:
    _exe(path, f'#!/bin/sh\necho "Python {version}"\n')


def build_world(tmp: Path) -> Dict[str, Path]:
    home = tmp / "home"
    pyenv_root = tmp / "pyenv"
    versions = pyenv_root / "versions"
    conda_root = tmp / "miniconda3"
    home.mkdir(parents=True)
    versions.mkdir(parents=True)
    # 25 pyenv versions: 3.6.0 ... spread over minors and patches
    for i in range(PYENV_VERSIONS):
        name = f"3.{6 + i % 8}.{i}"
        _fake_python(versions / name / "bin" / "python", name)
    # one conda root with 25 envs, each with conda-meta's python record
    def conda_env(prefix: Path, py: str) -> None:
        meta = prefix / "conda-meta"
        meta.mkdir(parents=True, exist_ok=True)
        (meta / "history").write_text("")
        (meta / f"python-{py}-h955ad1f_0.json").write_text(json.dumps({"name": "python", "version": py}))
        _fake_python(prefix / "bin" / "python", py)
    conda_env(conda_root, "3.11.7")
    for i in range(CONDA_ENVS):
        conda_env(conda_root / "envs" / f"env{i:02d}", f"3.{8 + i % 5}.{i}")
    (versions / "miniconda3-latest").symlink_to(conda_root)
    return {"home": home, "pyenv_root": pyenv_root, "conda_root": conda_root}


def add_installer_pythons(home: Path, each: int = 3) -> None:
    """`each` Pythons of uv, mise and asdf under `home`, laid out as those tools leave them
    (docs/other-installers.md): what `pyswitch versions` also reads where they are present."""
    data = home / ".local" / "share"
    for i in range(each):
        v = f"3.{10 + i}.{i + 1}"
        minor = v.rsplit(".", 1)[0]
        uv = data / "uv" / "python" / f"cpython-{v}-linux-x86_64-gnu"
        _fake_python(uv / "bin" / f"python{minor}", v)
        (uv / "bin" / "python").symlink_to(f"python{minor}")
        for prefix in (data / "mise" / "installs" / "python" / v, home / ".asdf" / "installs" / "python" / v):
            _fake_python(prefix / "bin" / f"python{minor}", v)
            (prefix / "bin" / "python").symlink_to(f"python{minor}")
    (data / "uv" / "python" / ".lock").write_text("")
    (data / "mise" / "installs" / "python" / "latest").symlink_to(f"./{v}")


def environments(tmp: Path, w: Dict[str, Path], pyswitch: str) -> "tuple[Dict[str, str], Dict[str, str]]":
    """(pyenv's environment, pyswitch's) for the world build_world made in `tmp`."""
    base = {
        "HOME": str(w["home"]),
        "PATH": os.pathsep.join([str(Path(pyswitch).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "PYENV_ROOT": str(w["pyenv_root"]),
    }
    return base, dict(base, PYSWITCH_ROOT=str(tmp / "pyswitch-root"),
                      PYSWITCH_CONFIG=str(tmp / "no-config.toml"),
                      PYSWITCH_CONDA_ROOTS=str(w["conda_root"]))


def find_pyswitch() -> str:
    here = Path(sys.executable).parent / "pyswitch"
    if here.exists():
        return str(here)
    found = shutil.which("pyswitch")
    if not found:
        raise SystemExit("bench_versions: pyswitch is not installed in this Python (pip install .)")
    return found


def find_pyenv() -> Optional[str]:
    real_root = Path(os.environ.get("PYSWITCH_BENCH_PYENV", os.path.expanduser("~/.pyenv")))
    exe = real_root / "libexec" / "pyenv"
    return str(exe) if exe.exists() else None


def _time(cmd: List[str], env: Dict[str, str], cwd: Path) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"bench_versions: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return dt


def main(argv: Optional[List[str]] = None) -> Dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs of each (at least 20)")
    args = parser.parse_args(argv)
    runs = max(args.runs, 20)
    pyswitch = find_pyswitch()
    pyenv = find_pyenv()
    print(f"== pyswitch versions vs pyenv versions: {PYENV_VERSIONS} pyenv + {CONDA_ENVS} conda envs, "
          f"{runs} interleaved runs each")
    with tempfile.TemporaryDirectory(prefix="pyswitch-bench-versions.") as d:
        tmp = Path(d)
        w = build_world(tmp)
        project = tmp / "project"
        project.mkdir()
        py_env, sw_env = environments(tmp, w, pyswitch)
        sw_cmd = [pyswitch, "versions"]
        py_cmd = [pyenv, "versions"] if pyenv else None

        # what each lists, as a check that both see the 50 environments
        out = subprocess.run([pyswitch, "versions", "--bare"], env=sw_env, cwd=str(project),
                             capture_output=True, text=True).stdout.split()
        print(f"pyswitch lists {len(out)} entries "
              f"({sum(n.startswith('conda:') for n in out)} conda, "
              f"{sum(not n.startswith('conda:') and n != 'system' for n in out)} pyenv names)")
        if py_cmd:
            out = subprocess.run(py_cmd + ["--bare"], env=py_env, cwd=str(project),
                                 capture_output=True, text=True).stdout.split()
            print(f"pyenv lists {len(out)} entries ({sum('/envs/' in n for n in out)} under envs/)")
        else:
            print("pyenv not found (~/.pyenv/libexec/pyenv): timing pyswitch only")

        # warm-up: fill pyswitch's version cache and the OS caches for both
        _time(sw_cmd, sw_env, project)
        if py_cmd:
            _time(py_cmd, py_env, project)
        sw, py = [], []
        for _ in range(runs):
            sw.append(_time(sw_cmd, sw_env, project))
            if py_cmd:
                py.append(_time(py_cmd, py_env, project))

    result = {"pyswitch_versions_ms": statistics.median(sw) * 1000}
    print(f"pyswitch versions  median {result['pyswitch_versions_ms']:8.1f} ms  "
          f"(min {min(sw) * 1000:.1f}, max {max(sw) * 1000:.1f})")
    if py:
        result["pyenv_versions_ms"] = statistics.median(py) * 1000
        result["ratio_pyswitch_over_pyenv"] = result["pyswitch_versions_ms"] / result["pyenv_versions_ms"]
        print(f"pyenv versions     median {result['pyenv_versions_ms']:8.1f} ms  "
              f"(min {min(py) * 1000:.1f}, max {max(py) * 1000:.1f})")
        print(f"ratio pyswitch/pyenv: {result['ratio_pyswitch_over_pyenv']:.2f} "
              f"(pyenv/pyswitch: {1 / result['ratio_pyswitch_over_pyenv']:.2f}x)")
    return result


if __name__ == "__main__":
    main()
