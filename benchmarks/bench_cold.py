"""The cold commands a person waits for at a prompt (SPEC section 9), side by side in one run.

Four ratios, each from medians of runs interleaved in one loop (so a busy moment hits all alike):
- `pyswitch versions` with 25 pyenv versions and 25 conda envs, over `pyenv versions` in the
  same world (SPEC: at most 0.8); and again with 3 Pythons each of uv, mise and asdf beside
  them (which pyenv does not see), the same budget;
- `pyswitch version`, `pyswitch which python` and the completion of `pyswitch local 3.<TAB>`
  (bash's protocol, as the completion script asks), each over a bare `python -c pass` of the
  interpreter pyswitch runs on (SPEC: at most 4).

The world is fabricated in a temporary folder (bench_versions.build_world). Both `versions`
run in a folder with no pin, the stricter comparison: pyenv pays for resolving a pin's prefix
(`3.8`), pyswitch mostly not; the other three run in a project pinned to `3.8`. Nothing under
the machine's ~/.pyenv is written. Run it with the pyswitch you
want to measure installed in the Python that runs it (a regular install: an editable one adds
its import hook to every start):

    python benchmarks/bench_cold.py [--runs N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from bench_shims import timed
from bench_versions import add_installer_pythons, build_world, environments, find_pyenv, find_pyswitch

DEFAULT_RUNS = 25
LIMITS = {"versions": 0.8, "versions_installers": 0.8, "version": 4.0, "which": 4.0, "complete": 4.0}


def interpreter_of(script: str) -> str:
    """The Python a console script runs on: its `#!` line (pip writes an absolute path)."""
    with open(script, "rb") as f:
        first = f.readline().decode("utf-8", "replace").strip()
    if first.startswith("#!") and os.path.isabs(first[2:].split()[0]):
        return first[2:].split()[0]
    return sys.executable


def main(argv: Optional[List[str]] = None) -> Dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs of each (at least 15)")
    runs = max(parser.parse_args(argv).runs, 15)
    pyswitch = find_pyswitch()
    pyenv = find_pyenv()
    python = interpreter_of(pyswitch)
    print(f"== cold commands: {runs} interleaved runs each, pyswitch on {python}")
    with tempfile.TemporaryDirectory(prefix="pyswitch-bench-cold.") as d:
        tmp = Path(d)
        w = build_world(tmp)
        project = tmp / "project"
        project.mkdir()
        (project / ".python-version").write_text("3.8\n")
        unpinned = tmp / "unpinned"
        unpinned.mkdir()
        base, sw_env = environments(tmp, w, pyswitch)
        installers_home = tmp / "home-with-installers"
        add_installer_pythons(installers_home)
        installers_env = dict(sw_env, HOME=str(installers_home))
        complete_env = dict(sw_env, _PYSWITCH_COMPLETE="bash_complete",
                            COMP_WORDS="pyswitch local 3.", COMP_CWORD="2")
        commands = {  # name: (argv, environment, folder)
            "python -c pass": ([python, "-c", "pass"], base, project),
            "pyswitch versions": ([pyswitch, "versions"], sw_env, unpinned),
            "versions +uv/mise/asdf": ([pyswitch, "versions"], installers_env, unpinned),
            "pyswitch version": ([pyswitch, "version"], sw_env, project),
            "pyswitch which python": ([pyswitch, "which", "python"], sw_env, project),
            "complete local 3.<TAB>": ([pyswitch], complete_env, project),
        }
        if pyenv:
            commands["pyenv versions"] = ([pyenv, "versions"], base, unpinned)
        else:
            print("pyenv not found (~/.pyenv/libexec/pyenv): no versions ratio")

        # warm-up: the resolution cache (which completion reads), the version cache, OS caches
        subprocess.run([pyswitch, "rehash"], env=sw_env, cwd=str(project), check=True,
                       stdout=subprocess.DEVNULL)
        offered = subprocess.run([pyswitch], env=complete_env, cwd=str(project), check=True,
                                 capture_output=True, text=True).stdout.split()
        listed = subprocess.run([pyswitch, "versions", "--bare"], env=installers_env, cwd=str(unpinned),
                                check=True, capture_output=True, text=True).stdout.split()
        print(f"versions lists {len(listed)} with uv/mise/asdf present; "
              f"completion offers {len(offered)} names for `3.`; "
              f"which python -> {subprocess.run([pyswitch, 'which', 'python'], env=sw_env, cwd=str(project), capture_output=True, text=True).stdout.strip()}")
        times: Dict[str, List[float]] = {name: [] for name in commands}
        for cmd, env, folder in commands.values():
            timed(cmd, str(folder), env)
        for _ in range(runs):
            for name, (cmd, env, folder) in commands.items():
                times[name].append(timed(cmd, str(folder), env))

    med = {name: statistics.median(t) for name, t in times.items()}
    ratios = {}
    if pyenv:
        ratios["versions"] = med["pyswitch versions"] / med["pyenv versions"]
        ratios["versions_installers"] = med["versions +uv/mise/asdf"] / med["pyenv versions"]
    ratios["version"] = med["pyswitch version"] / med["python -c pass"]
    ratios["which"] = med["pyswitch which python"] / med["python -c pass"]
    ratios["complete"] = med["complete local 3.<TAB>"] / med["python -c pass"]
    against = {"versions": "pyenv versions", "versions_installers": "pyenv versions", "version": "python -c pass", "which": "python -c pass",
               "complete": "python -c pass"}
    shown = {"versions": "pyswitch versions", "versions_installers": "versions +uv/mise/asdf", "version": "pyswitch version",
             "which": "pyswitch which python", "complete": "complete local 3.<TAB>"}
    print(f"{'command':<26}{'median':>9}  {'against':<16}{'median':>9}  {'ratio':>6}  SPEC 9")
    for key, ratio in ratios.items():
        mine, theirs = shown[key], against[key]
        verdict = "ok" if ratio <= LIMITS[key] else "OVER"
        print(f"{mine:<26}{med[mine]:>7.1f}ms  {theirs:<16}{med[theirs]:>7.1f}ms  {ratio:>5.2f}x  "
              f"<= {LIMITS[key]:g}x {verdict}")
    return {f"ratio_{k}": v for k, v in ratios.items()}


if __name__ == "__main__":
    main()
