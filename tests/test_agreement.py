"""One answer everywhere: the engine, the shims and hooked bash, zsh and fish agree on every case
of the corpus (tests/corpus.py), and the engine says what SPEC 2-4 say.

For each case: `pyswitch version --json` and `pyswitch which python` (the engine), then
`python -c 'import sys; print(sys.prefix)'` through the shim twice (the first may ask the
engine; the second must answer from the cache alone, and both must run the interpreter the
engine named, with the same exit status and stderr), then each hooked shell `cd`s there and
runs `python`: the same interpreter, the same environment activated, and not one call of the
engine for the whole session (the hooks answered every case from the cache).
"""
from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from corpus import CASES, Case, World, build_world, real_available
from shell_session import INIT, SHELLS, Session

pytestmark = pytest.mark.skipif(not real_available(), reason="the corpus needs the real 3.8.18, 3.12.1, 3.13.0")

PROBE = "import sys; print(sys.prefix)"
WORLD_KINDS = ("plain", "global", "pyenv-global")


@dataclass
class Answers:
    version_rc: int
    version: Optional[dict]
    version_err: str
    which_rc: int
    which_err: str
    shim: List[subprocess.CompletedProcess]
    shim_seconds: float
    fast_path_kept_cache: bool


def real(p: str) -> str:
    return os.path.realpath(p)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> Dict[str, World]:
    out = {}
    for kind in WORLD_KINDS:
        w = build_world(tmp_path_factory.mktemp(f"corpus-{kind}"), kind, [c for c in CASES if c.world == kind])
        r = w.pyswitch("rehash", cwd=w.start)
        assert r.returncode == 0, r.stderr
        out[kind] = w
    return out


@pytest.fixture(scope="module")
def answers(worlds) -> Dict[str, Answers]:
    out = {}
    for case in CASES:
        w = worlds[case.world]
        env, cwd = w.case_env(case), w.cwd(case)
        v = w.pyswitch("version", "--json", cwd=cwd, env=env)
        wh = w.pyswitch("which", "python", cwd=cwd, env=env)
        shim = str(w.roots.root / "shims" / "python")
        runs = []
        started = time.monotonic()
        for i in range(2):
            if i == 1:
                before = w.cache_generation()
            runs.append(subprocess.run([shim, "-c", PROBE], cwd=str(cwd), env=env, capture_output=True, text=True,
                                       timeout=60))
        kept = w.cache_generation() == before
        out[case.slug] = Answers(v.returncode, json.loads(v.stdout) if v.returncode == 0 else None, v.stderr,
                                 wh.returncode, wh.stderr, runs, time.monotonic() - started, kept)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.slug for c in CASES])
def test_the_engine_says_what_spec_says(case: Case, worlds, answers):
    a = answers[case.slug]
    w = worlds[case.world]
    if case.expect.startswith("error: "):
        assert a.version_rc == 1, (a.version, a.version_err)
        assert case.expect[len("error: "):] in a.version_err.splitlines()[-1]
        assert a.version_err.splitlines()[-1].startswith("pyswitch: ")
        return
    assert a.version_rc == 0, a.version_err
    if case.expect == "venv":
        assert a.version["kind"] == "venv" and a.version["prefix"] == str(w.case_dir(case) / ".venv")
    else:
        assert a.version["name"] == case.expect, a.version_err
    assert "Traceback" not in a.version_err


@pytest.mark.parametrize("case", CASES, ids=[c.slug for c in CASES])
def test_the_shims_run_what_the_engine_names(case: Case, answers):
    a = answers[case.slug]
    for run in a.shim:
        assert run.returncode == a.which_rc, (run.stdout, run.stderr, a.which_err)
        assert run.stderr == a.which_err
        if a.which_rc == 0:
            assert real(run.stdout.strip()) == real(a.version["prefix"])
    # the second call answered from the cache alone: the engine did not run again
    assert a.fast_path_kept_cache, "the shim asked the engine a second time"
    assert a.shim_seconds < 30


def _activation(a: Answers) -> Dict[str, Optional[str]]:
    kind = a.version["kind"] if a.version else None
    prefix = a.version["prefix"] if a.version else None
    return {"VIRTUAL_ENV": prefix if kind in ("venv", "virtualenv") else None,
            "CONDA_PREFIX": prefix if kind == "conda" else None}


def _shell_line(shell: str, case: Case, cwd: Path) -> str:
    parts = []
    for name in ("PYSWITCH_VERSION", "PYENV_VERSION"):
        if name in case.env:
            parts.append(f"set -gx {name} {_fish_str(case.env[name])}" if shell == "fish"
                         else f"export {name}={_ansi_c(case.env[name])}")
        else:
            parts.append(f"set -e {name}" if shell == "fish" else f"unset {name}")
    parts.append(f"cd {_fish_str(str(cwd))}" if shell == "fish" else f"cd {_ansi_c(str(cwd))}")
    return "; ".join(parts)


def _ansi_c(value: str) -> str:
    return "$'" + "".join(c if c.isalnum() or c in "/._-+: " else f"\\x{ord(c):02x}" for c in value) + "'"


def _fish_str(value: str) -> str:
    return "".join(f"'{c}'" if c.isalnum() or c in "/._-+: " else f"\\x{ord(c):02x}" for c in value) or "''"


@pytest.mark.shell
@pytest.mark.parametrize("shell", SHELLS)
def test_hooked_shells_agree_with_the_engine(shell: str, worlds, answers, tmp_path):
    problems: List[str] = []
    for kind, w in worlds.items():
        cases = [c for c in w.cases if c.hook]
        s = Session(shell, w.env, w.start, tmp_path / f"out-{kind}")
        try:
            s.send(INIT[shell])
            start = s.probe()
            generation = w.cache_generation()
            for case in cases:
                a = answers[case.slug]
                state = s.probe(_shell_line(shell, case, w.cwd(case)))
                want = _activation(a) if a.which_rc == 0 else None
                if state.python_status != a.which_rc:
                    problems.append(f"{case.slug}: python exited {state.python_status}, the engine says "
                                    f"{a.which_rc}: {state.python_stderr!r} / {a.which_err!r}")
                    continue
                if a.which_rc == 0 and real(state.prefix) != real(a.version["prefix"]):
                    problems.append(f"{case.slug}: python ran from {state.prefix}, the engine names "
                                    f"{a.version['prefix']}")
                if want is not None:
                    got = {n: state.get(n) for n in want}
                    if got != want:
                        problems.append(f"{case.slug}: activated {got}, the engine's answer is {want}")
                    if not any(want.values()) and state.python_stderr != a.which_err:
                        problems.append(f"{case.slug}: python said {state.python_stderr!r}, not {a.which_err!r}")
                elif state.python_stderr != a.which_err:
                    problems.append(f"{case.slug}: python said {state.python_stderr!r}, not {a.which_err!r}")
                s.send(f"cd {_fish_str(str(w.start))}" if shell == "fish" else f"cd {_ansi_c(str(w.start))}")
            end = s.probe("set -e PYSWITCH_VERSION; set -e PYENV_VERSION" if shell == "fish"
                          else "unset PYSWITCH_VERSION PYENV_VERSION")
            if w.cache_generation() != generation:
                problems.append(f"{kind}: the hook asked the engine during the session (the cache changed)")
            if {n: end.get(n) for n in ("VIRTUAL_ENV", "CONDA_PREFIX", "PATH")} != \
                    {n: start.get(n) for n in ("VIRTUAL_ENV", "CONDA_PREFIX", "PATH")}:
                problems.append(f"{kind}: leaving the last case did not restore the start")
        finally:
            transcript = s.close()
        bad = [line for line in transcript.splitlines() if line.startswith(f"{shell}:") or "Traceback" in line]
        problems += [f"{kind}: the shell printed {line!r}" for line in bad]
    assert not problems, "\n".join(problems)
