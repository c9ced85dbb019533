"""Shell hook cost: pyswitch's bash, zsh and fish hooks beside pyenv-virtualenv's (SPEC section 8).

Two numbers per shell and tool, each measured inside one shell process with the shell's own
clock (bash and zsh: $EPOCHREALTIME; fish: `date` before and after a loop), median of a few
rounds:
- a prompt where nothing changed: the hook function called N times in a loop;
- a `cd` that switches environments: cd between a venv project and a conda (pyswitch) or
  second virtualenv (pyenv-virtualenv) project, with the prompt hook after each cd.
Then "no process" is checked for the unchanged prompt: with strace, the processes started by
the loop of hook calls, per call (zero for pyswitch; pyenv-virtualenv's shows what it counts).

Everything runs in a throwaway world under a temporary folder: pyswitch's root, a PYENV_ROOT
view whose versions are symlinks to the machine's real interpreters, venvs made from them,
a fabricated conda env. Nothing under ~/.pyenv is written; pyenv itself is run from
~/.pyenv/bin with PYENV_ROOT pointing at the view.

    python benchmarks/bench_hooks.py [--rounds 7] [--calls 200]
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
from pathlib import Path
from typing import Dict, List, Optional, Tuple

REAL_PYENV = Path(os.environ.get("PYSWITCH_BENCH_PYENV", os.path.expanduser("~/.pyenv")))
SHELLS = ("bash", "zsh", "fish")
TARGETS = {"bash": (0.5, 3.0), "zsh": (0.5, 3.0), "fish": (1.0, None)}  # ms: unchanged prompt, switching cd
PYSWITCH = shutil.which("pyswitch", path=str(Path(sys.executable).parent)) or shutil.which("pyswitch")


# --- the world ----------------------------------------------------------------------------
def _real_interpreter() -> Optional[Path]:
    versions = REAL_PYENV / "versions"
    for name in ("3.13.0", "3.12.1", "3.11.7", "3.10.13", "3.9.18", "3.8.18"):
        if (versions / name / "bin" / "python").exists():
            return versions / name
    return None


def _venv(python: Path, where: Path) -> Path:
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(where)], check=True)
    return where


def build_world(tmp: Path, real: Path) -> Dict[str, str]:
    home = tmp / "home"
    home.mkdir()
    # pyswitch: its root, a PYENV_ROOT view, a conda root with one env, two projects
    view = tmp / "pyenv"
    (view / "versions").mkdir(parents=True)
    (view / "versions" / real.name).symlink_to(real)
    conda = tmp / "conda"
    env_prefix = conda / "envs" / "ml"
    for prefix in (conda, env_prefix):
        (prefix / "conda-meta").mkdir(parents=True)
        (prefix / "conda-meta" / "history").write_text("")
        (prefix / "conda-meta" / "python-3.11.7-h0_0.json").write_text(json.dumps({"name": "python", "version": "3.11.7"}))
        (prefix / "bin").mkdir()
        (prefix / "bin" / "python").write_text("#!/bin/sh\necho conda python\n")
        (prefix / "bin" / "python").chmod(0o755)
    for kind, sh, fish in (("activate", "export BENCH_MARK=1", "set -gx BENCH_MARK 1"),
                           ("deactivate", "unset BENCH_MARK", "set -e BENCH_MARK")):
        d = env_prefix / "etc" / "conda" / f"{kind}.d"
        d.mkdir(parents=True)
        (d / "mark.sh").write_text(sh + "\n")
        (d / "mark.fish").write_text(fish + "\n")
    venv_project = tmp / "projects" / "venv-app"
    venv_project.mkdir(parents=True)
    (venv_project / ".python-version").write_text(real.name + "\n")
    _venv(view / "versions" / real.name / "bin" / "python", venv_project / ".venv")
    conda_project = tmp / "projects" / "conda-app"
    conda_project.mkdir()
    (conda_project / ".python-version").write_text("conda:ml\n")
    base_path = os.pathsep.join([str(Path(PYSWITCH).parent), "/usr/local/bin", "/usr/bin", "/bin"])
    env = {
        "HOME": str(home), "PATH": base_path, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "dumb",
        "PYENV_ROOT": str(view), "PYSWITCH_ROOT": str(tmp / "pyswitch-root"),
        "PYSWITCH_CONFIG": str(tmp / "config.toml"), "PYSWITCH_CONDA_ROOTS": str(conda),
        "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "A": str(venv_project), "B": str(conda_project),
    }
    subprocess.run([PYSWITCH, "trust", str(venv_project)], env=env, check=True, capture_output=True)
    subprocess.run([PYSWITCH, "rehash"], env=env, check=True, capture_output=True)

    # pyenv-virtualenv: its own PYENV_ROOT view, with two virtualenvs to switch between
    pview = tmp / "pyenv-view"
    (pview / "versions").mkdir(parents=True)
    (pview / "versions" / real.name).symlink_to(real)
    for name in ("bench-a", "bench-b"):
        _venv(pview / "versions" / real.name / "bin" / "python", pview / "versions" / name)
        project = tmp / "pyenv-projects" / name
        project.mkdir(parents=True)
        (project / ".python-version").write_text(name + "\n")
    env.update({
        "PV_ROOT": str(pview), "PV_PATH": os.pathsep.join([str(REAL_PYENV / "bin"), base_path]),
        "PA": str(tmp / "pyenv-projects" / "bench-a"), "PB": str(tmp / "pyenv-projects" / "bench-b"),
    })
    return env


# --- the scripts, one per shell and tool --------------------------------------------------
def script(shell: str, tool: str, rounds: int, calls: int, switches: int) -> str:
    if tool == "pyswitch":
        hook, a, b = "_pyswitch_hook", "$A", "$B"
        init = {"bash": 'eval "$(pyswitch init bash)"', "zsh": 'eval "$(pyswitch init zsh)"',
                "fish": "pyswitch init fish | source"}[shell]
        check = "$VIRTUAL_ENV"
    else:
        hook, a, b = "_pyenv_virtualenv_hook", "$PA", "$PB"
        pre = 'export PYENV_ROOT="$PV_ROOT" PATH="$PV_PATH"' if shell != "fish" else \
            'set -gx PYENV_ROOT $PV_ROOT; set -gx PATH (string split : -- $PV_PATH)'
        # as pyenv-virtualenv's README says: pyenv's own init first (without its rehash)
        init = pre + "; " + {"bash": 'eval "$(pyenv init - --no-rehash bash)"; eval "$(pyenv virtualenv-init - bash)"',
                             "zsh": 'eval "$(pyenv init - --no-rehash zsh)"; eval "$(pyenv virtualenv-init - zsh)"',
                             "fish": "pyenv init - --no-rehash fish | source; pyenv virtualenv-init - fish | source"}[shell]
        check = "$VIRTUAL_ENV"
    if shell in ("bash", "zsh"):
        clock = "zmodload zsh/datetime\n" if shell == "zsh" else ""
        return f"""{clock}{init}
cd "{a}"; {hook}; cd "{b}"; {hook}; cd "{a}"; {hook}; {hook}
echo "active {check}"
for ((r = 0; r < {rounds}; r++)); do
  t0=$EPOCHREALTIME; for ((i = 0; i < {calls}; i++)); do {hook}; done; t1=$EPOCHREALTIME
  echo "nochange $t0 $t1 {calls}"
done
for ((r = 0; r < {rounds}; r++)); do
  t0=$EPOCHREALTIME
  for ((i = 0; i < {switches}; i++)); do cd "{b}"; {hook}; cd "{a}"; {hook}; done
  t1=$EPOCHREALTIME
  echo "switch $t0 $t1 {2 * switches}"
done
echo "active {check}"
"""
    return f"""{init}
cd "{a}"; {hook}; cd "{b}"; {hook}; cd "{a}"; {hook}; {hook}
echo "active {check}"
set -l calls (string split '' -- (string repeat -n {calls} x))
set -l switches (string split '' -- (string repeat -n {switches} x))
for r in (string split '' -- (string repeat -n {rounds} x))
    set -l t0 (date +%s%N)
    for i in $calls; {hook}; end
    set -l t1 (date +%s%N)
    echo "nochange $t0 $t1 {calls}"
end
for r in (string split '' -- (string repeat -n {rounds} x))
    set -l t0 (date +%s%N)
    for i in $switches; cd "{b}"; {hook}; cd "{a}"; {hook}; end
    set -l t1 (date +%s%N)
    echo "switch $t0 $t1 {2 * switches}"
end
echo "active {check}"
"""


ARGV = {"bash": ["bash", "--norc", "--noprofile"], "zsh": ["zsh", "-f"], "fish": ["fish", "--no-config"]}


def run(shell: str, text: str, env: Dict[str, str], cwd: str, prefix: List[str] = ()) -> subprocess.CompletedProcess:
    path = Path(cwd) / f"bench.{shell}"
    path.write_text(text)
    return subprocess.run([*prefix, *ARGV[shell], str(path)], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=900)


def parse(shell: str, out: str) -> Tuple[List[float], List[float]]:
    """Per-call milliseconds of each round: (unchanged prompt, switching cd)."""
    scale = 1e-6 if shell == "fish" else 1e3  # fish: nanoseconds; bash/zsh: seconds
    found: Dict[str, List[float]] = {"nochange": [], "switch": []}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] in found:
            t0, t1, n = float(parts[1]), float(parts[2]), int(parts[3])
            found[parts[0]].append((t1 - t0) * scale / n)
    return found["nochange"], found["switch"]


MARK = "/pyswitch-bench-no-such-file"


def processes_per_prompt(shell: str, tool: str, env: Dict[str, str], cwd: str, calls: int) -> Optional[float]:
    """Processes started by one unchanged prompt, counted with strace between two markers (a
    failing open of a file that does not exist) around the loop of hook calls."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    mark = {"fish": 'begin; read -l x <{0}; end 2>/dev/null', "bash": "{{ : <{0}; }} 2>/dev/null",
            "zsh": "{{ : <{0}; }} 2>/dev/null"}[shell]
    text = script(shell, tool, 1, calls, 0)
    hook = "_pyswitch_hook" if tool == "pyswitch" else "_pyenv_virtualenv_hook"
    loop = f"for ((i = 0; i < {calls}; i++)); do {hook}; done" if shell != "fish" else \
        f"for i in $calls; {hook}; end"
    assert loop in text
    text = text.replace(loop, f"{mark.format(MARK + '-begin')}; {loop}; {mark.format(MARK + '-end')}", 1)
    log = Path(cwd) / f"strace-{shell}-{tool}"
    run(shell, text, env, cwd, [strace, "-f", "-qq", "-e", "trace=fork,vfork,clone,clone3,execve,open,openat",
                                "-o", str(log)])
    inside, started = False, 0
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        if MARK + "-begin" in line:
            inside = True
        elif MARK + "-end" in line:
            return started / calls if inside else None
        elif inside and any(f"{call}(" in line for call in ("fork", "vfork", "clone", "clone3", "execve")):
            started += 1
    return None


def fmt(value: Optional[float], digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200, help="hook calls per round (pyswitch)")
    args = parser.parse_args(argv)
    real = _real_interpreter()
    if PYSWITCH is None or real is None:
        print("bench_hooks: needs the pyswitch command and a real pyenv interpreter; skipped")
        return 0
    have_pyenv = (REAL_PYENV / "bin" / "pyenv").exists() and (REAL_PYENV / "plugins" / "pyenv-virtualenv").is_dir()
    rows = []
    with tempfile.TemporaryDirectory(prefix="pyswitch-bench-hooks-") as tmp:
        env = build_world(Path(tmp), real)
        for shell in SHELLS:
            if shutil.which(shell) is None:
                print(f"{shell}: not installed, skipped")
                continue
            tools = ["pyswitch"] + (["pyenv-virtualenv"] if have_pyenv else [])
            for tool in tools:
                fast = tool == "pyswitch"
                calls = args.calls if fast else 10
                switches = 50 if fast else 5
                rounds = args.rounds if fast else max(3, args.rounds // 2)
                done = run(shell, script(shell, tool, rounds, calls, switches), env, tmp)
                nochange, switch = parse(shell, done.stdout)
                active = [line for line in done.stdout.splitlines() if line.startswith("active ")]
                ok = done.returncode == 0 and nochange and switch and all(line.strip() != "active" for line in active)
                if not ok:
                    print(f"{shell}/{tool}: the run failed (exit {done.returncode})\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
                    continue
                procs = processes_per_prompt(shell, tool, env, tmp, calls)
                rows.append((shell, tool, statistics.median(nochange), statistics.median(switch), procs))
    print("\nshell hook cost, median per call in ms (pyswitch: %d calls x %d rounds)" % (args.calls, args.rounds))
    print(f"{'shell':6} {'hook':18} {'unchanged prompt':>17} {'switching cd':>13} {'processes/prompt':>17}  target")
    for shell, tool, nochange, switch, procs in rows:
        target = ""
        if tool == "pyswitch":
            max_prompt, max_cd = TARGETS[shell]
            met = nochange <= max_prompt and (max_cd is None or switch <= max_cd) and procs in (None, 0)
            target = (f"<= {max_prompt} ms" + (f", cd <= {max_cd} ms" if max_cd else "") + ", 0 processes: "
                      + ("met" if met else "MISSED"))
        print(f"{shell:6} {tool:18} {nochange:17.3f} {switch:13.3f} {fmt(procs, 2):>17}  {target}")
    for shell in SHELLS:
        mine = [r for r in rows if r[0] == shell and r[1] == "pyswitch"]
        theirs = [r for r in rows if r[0] == shell and r[1] == "pyenv-virtualenv"]
        if mine and theirs:
            print(f"{shell}: pyenv-virtualenv / pyswitch = {theirs[0][2] / mine[0][2]:.0f}x per unchanged prompt, "
                  f"{theirs[0][3] / mine[0][3]:.0f}x per switching cd")
    return 0


if __name__ == "__main__":
    sys.exit(main())
