"""The commands a person waits for skip click (SPEC 9) and say exactly what the click CLI says.

`pyswitch version`, `versions`, `which`, `exec`, `export` and `check` in their plain forms are answered by
entry.py before click is loaded. Each case runs the installed command and the click CLI itself
(`python -c 'from pyswitch.cli import main; main()'`) on the same world and compares stdout,
stderr and the exit status; then checks, with `python -X importtime`, that the fast path
really did not import click, and that the value types behave as the tuples they replace.
"""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BIN

CLICK_CLI = "import sys; sys.argv[0] = 'pyswitch'; from pyswitch.cli import main; main()"


def both(roots, *args, cwd=None, env=None):
    """(fast path's result, click CLI's result) as (status, stdout, stderr)."""
    full = dict(roots.env, **(env or {}))
    where = str(cwd or roots.project)
    fast = subprocess.run([str(BIN / "pyswitch"), *args], cwd=where, env=full, capture_output=True,
                          text=True, timeout=60)
    slow = subprocess.run([sys.executable, "-c", CLICK_CLI, *args], cwd=where, env=full,
                          capture_output=True, text=True, timeout=60)
    return ((fast.returncode, fast.stdout, fast.stderr), (slow.returncode, slow.stdout, slow.stderr))


@pytest.fixture
def world(roots):
    roots.fake_version("3.8.9")
    roots.fake_version("3.9.1")
    roots.virtualenv("3.9.1", "web")
    roots.conda_root(roots.tmp / "miniconda3")
    roots.conda_env(roots.tmp / "miniconda3" / "envs" / "ml", "3.10.13")
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(roots.tmp / "miniconda3")
    return roots


CASES = {
    "pinned": ("3.8\n", None),
    "a venv name": ("web\n", None),
    "conda": ("conda:ml\n", None),
    "not installed": ("3.99\n", None),
    "refused token then a good one": ("../../etc\n3.9\n", None),
    "empty file": ("\n", None),
    "variable wins": ("3.8\n", {"PYSWITCH_VERSION": "3.9"}),
    "broken config": ("3.8\n", "broken-config"),
}
COMMANDS = [("version",), ("version", "--json"), ("versions",), ("versions", "--json"), ("versions", "--bare"),
            ("which", "python"), ("which", "no-such-command"), ("exec", "python", "-c", "x"),
            ("export",), ("export", "--json"), ("export", "-o", "exported.txt"), ("check",), ("check", "--json"),
            ("check", "exported.txt"), ("check", "no-such-file.txt")]


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_path_says_what_the_click_cli_says(world, case):
    text, extra = CASES[case]
    env = extra if isinstance(extra, dict) else None
    if extra == "broken-config":
        Path(world.env["PYSWITCH_CONFIG"]).write_text("conda_roots = 'x'\n")
    world.pin(world.project, text)
    for args in COMMANDS:
        fast, slow = both(world, *args, env=env)
        assert fast == slow, f"pyswitch {' '.join(args)} in case {case!r}"
    if case == "pinned":  # the comparison is only worth something where there is output
        fast, _ = both(world, "which", "python")
        assert fast[0] == 0 and fast[1].strip() == str(world.versions / "3.8.9" / "bin" / "python")


def test_plain_commands_do_not_import_click(world):
    world.pin(world.project, "3.8\n")
    full = dict(world.env)
    for args in (["version"], ["versions"], ["which", "python"], ["export"], ["check"]):
        r = subprocess.run([sys.executable, "-X", "importtime", "-m", "pyswitch", *args], cwd=str(world.project),
                           env=full, capture_output=True, text=True, timeout=60)
        assert r.returncode in ((0, 1) if args[0] == "check" else (0,)), r.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "import time:" in line}
        assert "pyswitch.report" in imported  # the measurement saw the command's own imports
        # export and check read package metadata with typing-annotated modules: click is what they skip
        banned = ("click",) if args[0] in ("export", "check") else (
            "click", "typing", "subprocess", "tomllib", "platformdirs", "dataclasses")
        assert not {m for m in imported if m.split(".")[0] in banned}, args
    # an option the fast path does not know goes to click, which says what click says
    r = subprocess.run([str(BIN / "pyswitch"), "version", "--no-such-flag"], cwd=str(world.project),
                       env=full, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "No such option" in r.stderr and "--no-such-flag" in r.stderr


def test_a_reader_that_stops_early_gets_no_broken_pipe_message(world):
    for i in range(40):
        world.fake_version(f"3.7.{i}")
    r = subprocess.run(f"'{BIN / 'pyswitch'}' versions | head -1", shell=True, cwd=str(world.project),
                       env=dict(world.env), capture_output=True, text=True, timeout=60)
    assert r.stdout.startswith("  3.7.0 ") and r.stderr == ""


def test_value_types_behave_as_tuples():
    from pyswitch.environment import Environment

    e = Environment("3.8.9", "pyenv", Path("/p"), "3.8.9", Path("/p/bin"))
    assert e.kind == "pyenv" and e.shadowed is False and e.conda_root is None
    moved = e._replace(kind="conda", shadowed=True)
    assert (moved.kind, moved.shadowed, moved.name) == ("conda", True, "3.8.9") and e.kind == "pyenv"
    assert pickle.loads(pickle.dumps(e)) == e and hash(e) == hash(tuple(e))
    assert Environment(name="a", kind="k", prefix=1, python_version=None, bin_dir=2).prefix == 1
    assert repr(e).startswith("Environment(name='3.8.9', kind='pyenv',")
    with pytest.raises(TypeError, match="missing required argument 'kind'"):
        Environment("a")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Environment("a", "k", 1, None, 2, colour=1)
    with pytest.raises(AttributeError):
        e.name = "other"
