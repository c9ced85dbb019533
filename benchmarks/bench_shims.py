"""Shim overhead (SPEC section 8): `python -c pass` through a pyswitch shim, through pyenv's own
shim, and the interpreter directly, interleaved in one run, from a project six levels deep.

Each run is timed by waiting on the child directly (posix_spawn + waitpid), not with
subprocess.run(timeout=...), whose polling rounds short runs up. Prints medians and the ratio
against running the interpreter directly. Nothing is written under the real ~/.pyenv: pyenv
and pyswitch both get a throwaway root whose versions/ symlink the real builds.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REAL_PYENV = Path(os.path.expanduser("~/.pyenv"))
VERSION = "3.8.18"
RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def timed(argv, cwd, env) -> float:
    devnull = os.open(os.devnull, os.O_RDWR)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        start = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter_ns() - start
    finally:
        os.chdir(old)
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0 if hasattr(os, "waitstatus_to_exitcode") else status != 0:
        raise SystemExit(f"benchmark command failed: {argv}")
    return elapsed / 1e6


def setup(tmp: Path):
    pyenv_root = tmp / "pyenv"
    (pyenv_root / "versions").mkdir(parents=True)
    (pyenv_root / "versions" / VERSION).symlink_to(REAL_PYENV / "versions" / VERSION)
    for part in ("bin", "libexec", "plugins", "completions", "pyenv.d"):
        if (REAL_PYENV / part).exists():
            (pyenv_root / part).symlink_to(REAL_PYENV / part)
    home = tmp / "home"
    home.mkdir()
    env = {"HOME": str(home), "PYENV_ROOT": str(pyenv_root), "PYSWITCH_ROOT": str(tmp / "root"),
           "PYSWITCH_CONFIG": str(tmp / "config.toml"), "LANG": "C.UTF-8",
           "PATH": os.pathsep.join([str(tmp / "root" / "shims"), str(Path(sys.executable).parent),
                                    "/usr/local/bin", "/usr/bin", "/bin"])}
    # a conda root with one env whose python is the same build
    croot = tmp / "miniconda"
    cenv = croot / "envs" / "bench"
    (croot / "conda-meta").mkdir(parents=True)
    (cenv / "conda-meta").mkdir(parents=True)
    (cenv / "conda-meta" / f"python-{VERSION}-h0_0.json").write_text("{}")
    (cenv / "bin").mkdir()
    (cenv / "bin" / "python").symlink_to(REAL_PYENV / "versions" / VERSION / "bin" / "python3.8")
    env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    pyswitch = str(Path(sys.executable).parent / "pyswitch")
    projects = {}
    for case, pin in (("exact", VERSION), ("prefix", "3.8"), ("conda", "conda:bench"), ("venv", "3.8")):
        top = tmp / f"proj-{case}"
        deep = top / "1" / "2" / "3" / "4" / "5" / "6"
        deep.mkdir(parents=True)
        (top / ".python-version").write_text(pin + "\n")
        projects[case] = deep
    venv = tmp / "proj-venv" / ".venv"
    subprocess.run([str(REAL_PYENV / "versions" / VERSION / "bin" / "python"), "-m", "venv", "--without-pip",
                    str(venv)], check=True)
    subprocess.run([pyswitch, "trust", str(venv.parent)], env=env, check=True, capture_output=True)
    subprocess.run([pyswitch, "rehash"], env=env, check=True, capture_output=True)
    # pyenv's own shims, in its throwaway root
    subprocess.run([str(REAL_PYENV / "libexec" / "pyenv"), "rehash"], env=env, check=True)
    direct = {"exact": pyenv_root / "versions" / VERSION / "bin" / "python",
              "prefix": pyenv_root / "versions" / VERSION / "bin" / "python",
              "conda": cenv / "bin" / "python", "venv": venv / "bin" / "python"}
    return env, projects, direct, pyenv_root


def main() -> None:
    if not (REAL_PYENV / "versions" / VERSION).exists():
        print(f"bench_shims: needs {VERSION} in ~/.pyenv; skipped")
        return
    with tempfile.TemporaryDirectory(prefix="pyswitch-bench-") as t:
        tmp = Path(t)
        env, projects, direct, pyenv_root = setup(tmp)
        shim = str(tmp / "root" / "shims" / "python")
        pyenv_shim = str(pyenv_root / "shims" / "python")
        variants = {}
        for case, deep in projects.items():
            variants[(case, "direct")] = ([str(direct[case]), "-c", "pass"], deep)
            variants[(case, "pyswitch")] = ([shim, "-c", "pass"], deep)
            if case in ("exact", "prefix"):
                variants[(case, "pyenv")] = ([pyenv_shim, "-c", "pass"], deep)
        for argv, cwd in variants.values():  # warm caches once
            timed(argv, cwd, env)
        times = {k: [] for k in variants}
        for _ in range(RUNS):
            for key, (argv, cwd) in variants.items():
                times[key].append(timed(argv, cwd, env))
        print(f"shim overhead: python -c pass, median of {RUNS} interleaved runs, project 6 levels deep")
        print(f"{'case':<8} {'direct ms':>10} {'pyswitch ms':>12} {'ratio':>6} {'pyenv ms':>9} {'ratio':>6}")
        for case in projects:
            d = statistics.median(times[(case, "direct")])
            s = statistics.median(times[(case, "pyswitch")])
            row = f"{case:<8} {d:>10.2f} {s:>12.2f} {s / d:>6.3f}"
            if (case, "pyenv") in times:
                p = statistics.median(times[(case, "pyenv")])
                row += f" {p:>9.2f} {p / d:>6.2f}"
            else:
                row += f" {'-':>9} {'-':>6}"
            print(row)
        print("SPEC bar: pyswitch ratio <= 1.15 in every case")
        pip_cost(tmp, env, projects["exact"], direct["exact"].parent / "pip")


PIP_RUNS = int(os.environ.get("BENCH_PIP_RUNS", "10"))
# a pip whose every run adds a command to its env's bin/, as `pip install black` does
ADDING_PIP = """#!/bin/sh
bin=$(dirname "$0"); n=$(ls "$bin" | wc -l)
printf '#!/bin/sh\\n' > "$bin/tool$n"; chmod +x "$bin/tool$n"
"""


def pip_cost(tmp: Path, env, deep: Path, real_pip: Path) -> None:
    """What a pip run through the shim costs over the same pip run directly: the wait, and the
    rehash when pip added a command (SPEC 4: shims never go stale)."""
    pyswitch = str(Path(sys.executable).parent / "pyswitch")
    fake = tmp / "pyenv" / "versions" / "9.9.9"
    (fake / "bin").mkdir(parents=True)
    (fake / "bin" / "python").symlink_to(REAL_PYENV / "versions" / VERSION / "bin" / "python3.8")
    (fake / "bin" / "pip").write_text(ADDING_PIP)
    (fake / "bin" / "pip").chmod(0o755)
    adding = tmp / "proj-adding" / "sub"
    adding.mkdir(parents=True)
    (adding.parent / ".python-version").write_text("9.9.9\n")
    subprocess.run([pyswitch, "rehash"], cwd=str(adding), env=env, check=True, capture_output=True)
    shim = str(tmp / "root" / "shims" / "pip")
    variants = {("pip --version", "direct"): ([str(real_pip), "--version"], deep),
                ("pip --version", "shim"): ([shim, "--version"], deep),
                ("pip adding a command", "direct"): ([str(fake / "bin" / "pip")], adding),
                ("pip adding a command", "shim"): ([shim], adding)}
    times = {k: [] for k in variants}
    for _ in range(PIP_RUNS):
        for key, (argv, cwd) in variants.items():
            times[key].append(timed(argv, cwd, env))
    print(f"\npip through the shim: median of {PIP_RUNS} interleaved runs")
    print(f"{'case':<22} {'direct ms':>10} {'shim ms':>9} {'extra ms':>9}")
    for case in ("pip --version", "pip adding a command"):
        d = statistics.median(times[(case, "direct")])
        sh = statistics.median(times[(case, "shim")])
        print(f"{case:<22} {d:>10.1f} {sh:>9.1f} {sh - d:>9.1f}")
    print("(the first waits for pip; the second also rehashes, since pip added a command)")


if __name__ == "__main__":
    main()
