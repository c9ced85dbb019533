"""`pyswitch export` and `pyswitch check` on environments of 200 packages (SPEC section 8).

Two fabricated environments, laid out as pip and conda leave them:
- a venv-style pyenv version with 200 `.dist-info` folders (METADATA with a long description,
  RECORD, INSTALLER; a few with PEP 610 direct_url.json), checked against its own export;
- a conda env with 200 `conda-meta` records (files and paths_data lists as conda writes them,
  a few of them thousands of files long), 150 of them Python packages with their dist-info,
  and 20 packages pip installed on top, checked against its own environment.yml.

Each command is timed as a whole process, interleaved in one run with `pyswitch version`:
starting pyswitch and finding the selected environment, the step every command that acts on
an environment begins with. "Own work" is the difference of the medians, which SPEC 8 wants
under 0.1 s; `pyswitch --version` (the interpreter and click alone) is shown too. The library
calls are also timed in this process, and `pip freeze --path` of the same site-packages is
timed beside them for scale. Nothing outside a temporary folder is written.

    python benchmarks/bench_export.py [--runs N]
"""
from __future__ import annotations

import argparse
import hashlib
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

PACKAGES = 200
DEFAULT_RUNS = 21
LIMIT_MS = 100.0
DESCRIPTION = "A paragraph of the long description that METADATA carries after its headers.\n" * 120


def _dist_info(site: Path, name: str, version: str, installer: str = "pip", direct: Optional[dict] = None) -> str:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    headers = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", "Summary: a package",
               "Home-page: https://example.com", "License: MIT"]
    headers += [f"Classifier: Programming Language :: Python :: 3.{m}" for m in range(8, 14)]
    headers += [f"Requires-Dist: dep{i} >=1.0" for i in range(5)]
    (info / "METADATA").write_text("\n".join(headers) + "\n\n" + DESCRIPTION)
    (info / "INSTALLER").write_text(f"{installer}\n")
    (info / "RECORD").write_text("".join(f"{name}/mod{i}.py,sha256=abc,100\n" for i in range(30)))
    if direct is not None:
        (info / "direct_url.json").write_text(json.dumps(direct))
    return info.name


def build_venv_like(root: Path) -> Path:
    """pyenv/versions/3.11.7 with bin/python and 200 distributions."""
    prefix = root / "pyenv" / "versions" / "3.11.7"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "python").write_text('#!/bin/sh\necho "Python 3.11.7"\n')
    (prefix / "bin" / "python").chmod(0o755)
    site = prefix / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    _dist_info(site, "pip", "23.2.1")
    for i in range(PACKAGES - 1):
        direct = {"url": f"https://example.com/pkg{i}-1.0.tar.gz", "archive_info": {}} if i % 40 == 0 else None
        _dist_info(site, f"Package_{i:03d}", f"1.{i}.0", direct=direct)
    return prefix


def _record(meta: Path, name: str, version: str, build: str, files: List[str]) -> None:
    channel = "https://conda.anaconda.org/conda-forge/linux-64"
    fn = f"{name}-{version}-{build}.conda"
    record = {
        "build": build, "build_number": 0, "channel": channel, "constrains": [], "depends": ["python >=3.11"],
        "extracted_package_dir": f"/opt/conda/pkgs/{name}-{version}-{build}", "files": files, "fn": fn,
        "license": "BSD-3-Clause", "link": {"source": f"/opt/conda/pkgs/{name}-{version}-{build}", "type": 1},
        "md5": hashlib.md5(fn.encode()).hexdigest(), "name": name,
        "package_tarball_full_path": f"/opt/conda/pkgs/{fn}",
        "paths_data": {"paths": [{"_path": f, "path_type": "hardlink", "sha256": "0" * 64, "size_in_bytes": 100}
                                 for f in files], "paths_version": 1},
        "requested_spec": "", "sha256": hashlib.sha256(fn.encode()).hexdigest(), "size": 1000,
        "subdir": "linux-64", "timestamp": 1700000000000, "url": f"{channel}/{fn}", "version": version,
    }
    (meta / f"{name}-{version}-{build}.json").write_text(json.dumps(record, indent=2, sort_keys=True))


def build_conda_env(root: Path) -> Path:
    """miniforge3/envs/bench: 200 records, 150 of them Python packages, 20 pip packages on top."""
    conda_root = root / "miniforge3"
    (conda_root / "conda-meta").mkdir(parents=True)
    (conda_root / "conda-meta" / "history").write_text("")
    prefix = conda_root / "envs" / "bench"
    meta = prefix / "conda-meta"
    meta.mkdir(parents=True)
    (meta / "history").write_text("==> 2026-01-01 00:00:00 <==\n# cmd: conda create -n bench python\n")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python").write_text('#!/bin/sh\necho "Python 3.11.7"\n')
    (prefix / "bin" / "python").chmod(0o755)
    sp_rel = "lib/python3.11/site-packages"
    site = prefix / sp_rel
    site.mkdir(parents=True)
    _record(meta, "python", "3.11.7", "hab00c5b_0_cpython", [f"lib/python3.11/file{i}.py" for i in range(5000)])
    for i in range(PACKAGES - 1):
        name, version = f"pkg-{i:03d}", f"2.{i}.1"
        if i < 150:
            info = _dist_info(site, name, version, installer="conda")
            files = [f"{sp_rel}/{info}/{f}" for f in ("INSTALLER", "METADATA", "RECORD")]
            files += [f"{sp_rel}/pkg_{i:03d}/mod{j}.py" for j in range(3000 if i % 50 == 0 else 40)]
        else:
            files = [f"lib/libthing{i}.so.{j}" for j in range(20)]
        _record(meta, name, version, f"py311h{i:06x}_0", files)
    for i in range(20):
        _dist_info(site, f"pipped-{i:02d}", f"0.{i}")
    return prefix


def find_pyswitch() -> str:
    here = Path(sys.executable).parent / "pyswitch"
    if here.exists():
        return str(here)
    found = shutil.which("pyswitch")
    if not found:
        raise SystemExit("bench_export: pyswitch is not installed in this Python (pip install .)")
    return found


def _time(cmd: List[str], env: Dict[str, str], cwd: Path, ok=(0,)) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if r.returncode not in ok:
        raise SystemExit(f"bench_export: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return dt * 1000


def _in_process(environ: Dict[str, str], cwd: Path, runs: int) -> Dict[str, float]:
    """The library's work alone, in this process (modules already imported after the first run)."""
    from pyswitch import check, export
    from pyswitch.paths import Context

    ctx = Context.from_env(environ, cwd)
    ex, ch = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        export.export_text(ctx)
        t1 = time.perf_counter()
        report = check.check(ctx)
        t2 = time.perf_counter()
        assert not report.differences, [d.message for d in report.differences]
        ex.append((t1 - t0) * 1000)
        ch.append((t2 - t1) * 1000)
    return {"export": statistics.median(ex), "check": statistics.median(ch)}


def main(argv: Optional[List[str]] = None) -> Dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs of each (at least 11)")
    args = parser.parse_args(argv)
    runs = max(args.runs, 11)
    pyswitch = find_pyswitch()
    print(f"== pyswitch export / check on {PACKAGES}-package environments, {runs} interleaved runs each")
    results: Dict[str, float] = {}
    failed = []
    with tempfile.TemporaryDirectory(prefix="pyswitch-bench-export.") as d:
        tmp = Path(d)
        home = tmp / "home"
        home.mkdir()
        prefix = build_venv_like(tmp)
        conda_prefix = build_conda_env(tmp)
        base = {"HOME": str(home), "PYENV_ROOT": str(tmp / "pyenv"), "PYSWITCH_ROOT": str(tmp / "root"),
                "PYSWITCH_CONFIG": str(tmp / "no-config.toml"), "LANG": os.environ.get("LANG", "C.UTF-8"),
                "PYSWITCH_CONDA_ROOTS": str(conda_prefix.parent.parent),
                "PATH": os.pathsep.join([str(Path(pyswitch).parent), "/usr/local/bin", "/usr/bin", "/bin"])}
        projects = {}
        for label, spec, out in (("pip", "3.11.7", "requirements.txt"), ("conda", "conda:bench", "environment.yml")):
            project = tmp / f"project-{label}"
            project.mkdir()
            (project / ".python-version").write_text(f"{spec}\n")
            subprocess.run([pyswitch, "export", "-o", out], env=base, cwd=str(project), check=True)
            projects[label] = project
        import yaml

        lines = (projects["pip"] / "requirements.txt").read_text().splitlines()
        deps = yaml.safe_load((projects["conda"] / "environment.yml").read_text())["dependencies"]
        pip = [d for d in deps if isinstance(d, dict)]
        print(f"venv-like 3.11.7: {len(lines) - 1} lines exported; conda:bench: {len(deps) - len(pip)} conda "
              f"and {len(pip[0]['pip']) if pip else 0} pip entries")

        samples: Dict[str, List[float]] = {k: [] for k in ("bare", "start-pip", "start-conda", "pip-export",
                                                           "pip-check", "conda-export", "conda-check", "pip-freeze")}
        version_cmd = [pyswitch, "--version"]  # click and the interpreter alone
        freeze_cmd = [sys.executable, "-m", "pip", "freeze", "--disable-pip-version-check", "--path",
                      str(prefix / "lib" / "python3.11" / "site-packages")]
        have_pip = subprocess.run(freeze_cmd, capture_output=True).returncode == 0
        for _ in range(2):  # warm-up: OS caches, pyswitch's version cache
            _time([pyswitch, "export"], base, projects["pip"])
            _time([pyswitch, "export"], base, projects["conda"])
        for _ in range(runs):
            samples["bare"].append(_time(version_cmd, base, projects["pip"]))
            samples["start-pip"].append(_time([pyswitch, "version"], base, projects["pip"]))
            samples["start-conda"].append(_time([pyswitch, "version"], base, projects["conda"]))
            samples["pip-export"].append(_time([pyswitch, "export"], base, projects["pip"]))
            samples["pip-check"].append(_time([pyswitch, "check"], base, projects["pip"]))
            samples["conda-export"].append(_time([pyswitch, "export"], base, projects["conda"]))
            samples["conda-check"].append(_time([pyswitch, "check"], base, projects["conda"]))
            if have_pip:
                samples["pip-freeze"].append(_time(freeze_cmd, base, tmp))
        inproc = {label: _in_process(base, projects[label], runs) for label in projects}

    med = {k: statistics.median(v) for k, v in samples.items() if v}
    print(f"{'pyswitch --version':<34} median {med['bare']:7.1f} ms")
    print(f"{'pyswitch version (venv-like)':<34} median {med['start-pip']:7.1f} ms")
    print(f"{'pyswitch version (conda)':<34} median {med['start-conda']:7.1f} ms")
    for key, label in (("pip-export", "export  (venv-like, 200)"), ("pip-check", "check   (venv-like, 200)"),
                       ("conda-export", "export  (conda, 200 + 20 pip)"), ("conda-check", "check   (conda, 200 + 20 pip)")):
        kind, action = key.split("-")
        own = med[key] - med[f"start-{kind}"]
        lib = inproc[kind][action]
        results[f"{key}_ms"] = med[key]
        results[f"{key}_own_ms"] = own
        results[f"{key}_library_ms"] = lib
        verdict = "ok" if own < LIMIT_MS else "OVER"
        if own >= LIMIT_MS:
            failed.append(key)
        print(f"pyswitch {label:<30} median {med[key]:7.1f} ms   own work {own:6.1f} ms "
              f"(library alone {lib:5.1f} ms)  [{verdict}: < {LIMIT_MS:.0f} ms]")
    if "pip-freeze" in med:
        results["pip_freeze_ms"] = med["pip-freeze"]
        print(f"{'pip freeze --path (same 200)':<34} median {med['pip-freeze']:7.1f} ms   "
              f"(pyswitch export / pip freeze: {med['pip-export'] / med['pip-freeze']:.2f})")
    if failed:
        print(f"bench_export: over {LIMIT_MS:.0f} ms of own work: {', '.join(failed)}", file=sys.stderr)
        raise SystemExit(1)
    return results


if __name__ == "__main__":
    main()
