"""Hostile input and faults (SPEC 1, 3, 4, 7): nothing hangs, nothing leaks, nothing foreign runs,
two of anything at once is as good as one. The hostile *version files* are in tests/corpus.py,
which the differential test runs through every copy; these are the rest. Every call has a
timeout, so a hang fails instead of stalling the suite.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import BIN, REAL_VERSIONS, write_exe

PROBE = "import sys; print(sys.prefix)"


def shim(roots, cmd, *args, cwd=None, env=None, timeout=30):
    full = dict(roots.env)
    full.update(env or {})
    return subprocess.run([str(roots.root / "shims" / cmd), *args], cwd=str(cwd or roots.project), env=full,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def world(roots, pyswitch):
    roots.link_version("3.8.18")
    roots.fake_version("3.9.99", commands=("python", "only-in-3.9"))
    assert pyswitch("rehash").returncode == 0
    return roots


# --- the shims folder on PATH, however it is spelled --------------------------------------------
@pytest.mark.parametrize("spelling", ["{s}/", "{s}//", "{d}/./shims", "{d}//shims", "link"])
def test_shims_folder_spelled_another_way_is_still_skipped(world, pyswitch, spelling, tmp_path):
    world.pin(world.project, "3.8.18\n")
    shims = str(world.root / "shims")
    if spelling == "link":
        (tmp_path / "shims-link").symlink_to(shims)
        entry = str(tmp_path / "shims-link")
    else:
        entry = spelling.format(s=shims, d=str(world.root))
    env = {"PATH": os.pathsep.join([entry, str(BIN), "/usr/bin", "/bin"])}
    # a command only another environment has: exit 127 with where it exists, never a loop
    for _ in range(2):
        r = shim(world, "only-in-3.9", env=env, timeout=20)
        assert r.returncode == 127, r.stderr
        assert r.stderr.splitlines() == ["pyswitch: only-in-3.9: command not found", "it exists in: 3.9.99"]
    w = pyswitch("which", "only-in-3.9", env=env)
    assert w.returncode == 127 and w.stderr == r.stderr


def test_pyenvs_shims_are_never_the_system(world, pyswitch, tmp_path):
    # a pyenv user's PATH still holding pyenv's shims (another root than PYENV_ROOT, as on a real machine)
    other = tmp_path / "other-pyenv"
    write_exe(other / "libexec" / "pyenv", "#!/bin/sh\nexit 1\n")
    write_exe(other / "shims" / "python", "#!/bin/sh\necho pyenv-shim\n")
    write_exe(other / "shims" / "python3", "#!/bin/sh\necho pyenv-shim\n")
    world.pin(world.project, "system\n")
    env = {"PATH": os.pathsep.join([str(world.root / "shims"), str(other / "shims"), str(BIN), "/usr/bin", "/bin"])}
    v = pyswitch("version", "--json", env=env)
    assert v.returncode == 0, v.stderr
    assert json.loads(v.stdout)["prefix"] == str(BIN.parent)
    r = shim(world, "python", "-c", PROBE, env=env)
    assert r.returncode == 0 and os.path.realpath(r.stdout.strip()) == os.path.realpath(sys.prefix), r.stdout


# --- relative PATH entries never run ------------------------------------------------------------
@pytest.mark.parametrize("entry", [".", "", "bin"])
def test_relative_path_entries_are_never_searched(world, pyswitch, entry):
    world.pin(world.project, "system\n")
    canary = world.project / "ran-foreign"
    for folder in (world.project, world.project / "bin"):
        write_exe(folder / "python", f"#!/bin/sh\ntouch '{canary}'\necho FOREIGN\n")
        write_exe(folder / "mytool", f"#!/bin/sh\ntouch '{canary}'\necho FOREIGN\n")
    env = {"PATH": os.pathsep.join([str(world.root / "shims"), entry, str(BIN), "/usr/bin", "/bin"])}
    assert json.loads(pyswitch("version", "--json", env=env).stdout)["prefix"] == str(BIN.parent)
    assert pyswitch("which", "python", env=env).stdout.strip() == str(BIN / "python")
    assert "FOREIGN" not in pyswitch("exec", "python", "-c", "print('ok')", env=env).stdout
    assert pyswitch("exec", "mytool", env=env).returncode == 127
    assert "FOREIGN" not in shim(world, "python", "-c", "print('ok')", env=env).stdout
    # and once the cache is stale, on the slow path too
    os.utime(world.versions, None)
    assert "FOREIGN" not in shim(world, "python", "-c", "print('ok')", env=env).stdout
    assert not canary.exists()


# --- what messages show --------------------------------------------------------------------------
def test_a_version_file_linked_to_a_secret_never_shows_it(world, pyswitch, tmp_path):
    secret = tmp_path / "id_ed25519"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nQyNTUxOQSECRETSECRET\n")
    (world.project / ".python-version").symlink_to(secret)
    outputs = [pyswitch("version"), pyswitch("which", "python"), shim(world, "python", "-c", "pass"),
               shim(world, "python", "-c", "pass"), pyswitch("doctor"), pyswitch("local")]
    for r in outputs:
        assert "BEGIN" not in r.stderr + r.stdout and "SECRET" not in r.stderr + r.stdout
    assert f"ignoring {world.project / '.python-version'}: a symlink to a file whose name does not end in " \
           "'python-version'" in outputs[0].stderr


def test_a_megabyte_token_is_quoted_short(world, pyswitch):
    world.pin(world.project, "x" * 60_000 + "\n3.8.18\n")  # the next line is still within the first 64 KiB
    for r in (pyswitch("version"), shim(world, "python", "-c", "pass"), shim(world, "python", "-c", "pass")):
        assert r.returncode == 0
        assert len(r.stderr) < 300
        assert "'" + "x" * 64 + "…' ignored in" in r.stderr


# --- two of anything at once ---------------------------------------------------------------------
def test_ten_rehashes_at_once_all_succeed_and_agree(world, pyswitch):
    for i in range(6):
        world.fake_version(f"3.5.{i}", commands=("python", f"tool{i}", "pip"))
    assert pyswitch("rehash").returncode == 0
    expected = {p.name: p.read_bytes() for p in (world.root / "shims").iterdir()}
    for _ in range(3):
        shutil.rmtree(world.root / "shims")
        results = []
        threads = [threading.Thread(target=lambda: results.append(pyswitch("rehash"))) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.returncode for r in results] == [0] * 10, [r.stderr for r in results if r.returncode]
        assert {p.name: p.read_bytes() for p in (world.root / "shims").iterdir()} == expected


def _fat_env(roots, name: str) -> Path:
    prefix = roots.fake_version(name)
    for i in range(300):
        (prefix / "lib" / f"d{i // 30}").mkdir(parents=True, exist_ok=True)
        (prefix / "lib" / f"d{i // 30}" / f"f{i}").write_bytes(b"x" * 5000)
    return prefix


def test_two_uninstalls_of_one_env_at_once(roots, pyswitch):
    from pyswitch import disk

    prefix = _fat_env(roots, "9.3.0")
    size = disk.tree_size(prefix)
    results = []
    threads = [threading.Thread(target=lambda: results.append(pyswitch("uninstall", "--yes", "9.3.0")))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not prefix.exists()
    for r in results:
        assert "Traceback" not in r.stderr, r.stderr
    removed = [r for r in results if "removed 9.3.0: freed" in r.stdout]
    assert len(removed) == 1, [r.stdout + r.stderr for r in results]
    assert f"({size} bytes)" in removed[0].stdout
    other = [r for r in results if r is not removed[0]][0]
    # the other one either found it gone before it planned, or while it waited for the first
    assert ("already gone" in other.stdout and other.returncode == 0) or \
           ("is not installed" in other.stderr and other.returncode == 1), other.stdout + other.stderr
    assert "freed" not in other.stdout


def test_an_interrupted_removal_is_named_and_finished_by_the_same_spec(roots, pyswitch):
    prefix = _fat_env(roots, "9.3.0")
    # what a SIGKILL after the rename leaves: the env renamed out of the list, half deleted
    leftover = prefix.parent / ".pyswitch-removing-9.3.0-4242"
    os.rename(prefix, leftover)
    shutil.rmtree(leftover / "lib" / "d0")
    assert "9.3.0" not in pyswitch("versions", "--bare").stdout
    d = pyswitch("doctor")
    assert d.returncode == 1
    assert f"an interrupted removal of 9.3.0 left {leftover}" in d.stdout
    assert "fix: pyswitch uninstall --yes 9.3.0" in d.stdout
    r = pyswitch("uninstall", "--yes", "9.3.0")
    assert r.returncode == 0, r.stderr
    assert "finished removing 9.3.0: freed" in r.stdout
    assert not leftover.exists()
    assert pyswitch("uninstall", "--yes", "9.3.0").returncode == 1  # now truly not installed


def test_a_removal_killed_with_its_lock_held_is_finished_by_the_next_run(roots, pyswitch):
    prefix = _fat_env(roots, "9.3.0")
    lock = roots.root / ".remove-lock"
    roots.root.mkdir(parents=True, exist_ok=True)
    hold = ("import fcntl, os, sys, time\nfd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nos.rename(sys.argv[2], sys.argv[3])\nprint('held', flush=True)\n"
            "time.sleep(60)\n")
    leftover = prefix.parent / ".pyswitch-removing-9.3.0-777"
    p = subprocess.Popen([sys.executable, "-c", hold, str(lock), str(prefix), str(leftover)],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline() == "held\n"
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=10)
    r = pyswitch("uninstall", "--yes", "9.3.0", timeout=30)
    assert r.returncode == 0, r.stderr
    assert not leftover.exists()


# --- paths the system cannot take, or that hold odd characters -------------------------------
def test_a_folder_deeper_than_path_max_gets_answers_or_one_line(world, tmp_path):
    deep = tmp_path / "deep"
    deep.mkdir()
    # 25 folders of 200 characters, 5,000 in all: deeper than PATH_MAX; entered one at a time
    enter = ("import os, sys\nfor _ in range(25):\n    os.makedirs('d' * 200, exist_ok=True); os.chdir('d' * 200)\n"
             "open('.python-version', 'w').write('3.8.18\\n')\nos.execv(sys.argv[1], sys.argv[1:])\n")
    for args in (["version"], ["which", "python"], ["trust"], ["local", "3.8"], ["doctor"]):
        r = subprocess.run([sys.executable, "-c", enter, str(BIN / "pyswitch"), *args], cwd=str(deep),
                           env=world.env, capture_output=True, text=True, timeout=60)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        assert r.returncode in (0, 1), (args, r.returncode, r.stderr)
        if r.returncode == 1 and args[0] != "doctor":
            assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("pyswitch: ")
            assert len(r.stderr) < 400


def test_trust_in_a_folder_whose_name_holds_a_newline_says_it_cannot(world, pyswitch, tmp_path):
    project = tmp_path / "new\nline"
    project.mkdir()
    subprocess.run([str(REAL_VERSIONS / "3.8.18" / "bin" / "python"), "-m", "venv", "--without-pip",
                    str(project / ".venv")], check=True, timeout=120)
    r = pyswitch("trust", cwd=project)
    assert r.returncode == 1
    assert r.stderr.startswith("pyswitch: cannot record ") and "newline" in r.stderr
    assert len(r.stderr.splitlines()) == 1
    assert not (world.root / "trusted").exists() or "line" not in (world.root / "trusted").read_text()


@pytest.mark.parametrize("where", ["fifo", "/dev/zero", "folder"])
def test_a_config_that_is_not_a_regular_file_is_one_line_and_no_hang(world, pyswitch, tmp_path, where):
    if where == "fifo":
        path = tmp_path / "config.toml"
        os.mkfifo(path)
    elif where == "folder":
        path = tmp_path / "config-folder"
        path.mkdir()
    else:
        path = Path(where)
    for args in (["version"], ["versions"]):
        r = pyswitch(*args, env={"PYSWITCH_CONFIG": str(path)}, timeout=20)
        assert r.returncode == 1
        assert r.stderr.startswith(f"pyswitch: config {path} is ") and "not a regular file" in r.stderr
        assert len(r.stderr.splitlines()) == 1


# --- broken environments and missing pip ---------------------------------------------------------
def test_a_venv_without_pip_never_runs_the_base_interpreters_pip(world, pyswitch):
    world.pin(world.project, "3.8.18\n")
    subprocess.run([str(world.versions / "3.8.18" / "bin" / "python"), "-m", "venv", "--without-pip",
                    str(world.project / ".venv")], check=True, timeout=120)
    assert pyswitch("trust").returncode == 0
    for _ in range(2):
        r = shim(world, "pip", "--version")
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr.startswith(f"pyswitch: pip is broken: {world.project / '.venv'} has no pip; fix: ")
    w = pyswitch("which", "pip")
    assert w.returncode == 1 and w.stderr == r.stderr
    # python itself is there, and runs from the venv
    assert shim(world, "python", "-c", PROBE).stdout.strip() == str(world.project / ".venv")


def test_a_conda_env_without_pip_or_python(roots, pyswitch):
    croot = roots.conda_root(roots.tmp / "conda")
    env = croot / "envs" / "nopip"
    roots.conda_env(env, "3.10.13")
    empty = croot / "envs" / "empty"
    (empty / "conda-meta").mkdir(parents=True)
    (empty / "conda-meta" / "history").write_text("")
    write_exe(empty / "bin" / "curl", "#!/bin/sh\necho curl\n")
    write_exe(roots.sysbin / "pip", "#!/bin/sh\necho SYSTEM-PIP\n")
    write_exe(roots.sysbin / "mytool", "#!/bin/sh\necho SYSTEM-TOOL\n")
    roots.fake_version("3.12.9", commands=("python", "pip", "mytool"))  # so there are pip and mytool shims
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    roots.env["PATH"] = os.pathsep.join([roots.env["PATH"], str(roots.sysbin)])
    assert pyswitch("rehash").returncode == 0
    roots.pin(roots.project, "conda:nopip\n")
    r = shim(roots, "pip", "install", "x")
    assert r.returncode == 1 and "SYSTEM-PIP" not in r.stdout
    assert r.stderr.startswith("pyswitch: pip is broken: conda:nopip has no pip; fix: conda install -n nopip pip")
    roots.pin(roots.project, "conda:empty\n")
    for cmd in ("python", "pip"):
        r = shim(roots, cmd, "-V")
        assert r.returncode == 1
        assert r.stderr == f"pyswitch: {cmd} is broken: conda:empty has no python; fix: conda install -n empty python\n"
    v = pyswitch("version")
    assert v.returncode == 1 and v.stderr == ("pyswitch: python is broken: conda:empty has no python; "
                                              "fix: conda install -n empty python\n")
    # other commands still fall through to PATH, as SPEC 4 says
    assert shim(roots, "mytool").stdout == "SYSTEM-TOOL\n"
    # local refuses it unless forced; doctor calls it a problem
    (roots.project / ".python-version").unlink()
    r = pyswitch("local", "conda:empty")
    assert r.returncode == 1 and "is broken" in r.stderr and "--force" in r.stderr
    assert not (roots.project / ".python-version").exists()
    assert pyswitch("local", "conda:empty", "--force").returncode == 0
    d = pyswitch("doctor")
    assert d.returncode == 1 and "conda:empty cannot run python: conda:empty has no python" in d.stdout


def test_global_refuses_a_broken_env_without_force(roots, pyswitch):
    orphan = roots.versions / "orphan"
    (orphan / "bin").mkdir(parents=True)
    (orphan / "pyvenv.cfg").write_text(f"home = {roots.tmp / 'gone'}\nversion = 3.11.4\n")
    (orphan / "bin" / "python").symlink_to(roots.tmp / "gone" / "python3.11")
    r = pyswitch("global", "orphan")
    assert r.returncode == 1 and r.stderr.startswith("pyswitch: orphan is broken: orphan was made from ")
    assert not (roots.root / "version").exists()
    assert pyswitch("global", "orphan", "--force").returncode == 0


@pytest.mark.shell
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_venv_whose_path_holds_a_colon_never_puts_a_relative_entry_on_path(shell, roots, pyswitch, tmp_path):
    from shell_session import INIT, Session

    roots.link_version("3.8.18")
    project = roots.tmp / "col:on"
    roots.pin(project, "3.8.18\n")
    subprocess.run([str(roots.versions / "3.8.18" / "bin" / "python"), "-m", "venv", "--without-pip",
                    str(project / ".venv")], check=True, timeout=120)
    assert pyswitch("trust", cwd=project).returncode == 0
    assert pyswitch("rehash").returncode == 0
    s = Session(shell, roots.env, roots.project, tmp_path / "out")
    try:
        s.send(INIT[shell])
        start = s.probe()
        there = s.probe(f"cd '{project}'")
        again = s.probe("cd ..; cd 'col:on'")
    finally:
        transcript = s.close()
    for state in (there, again):
        assert all(p.startswith("/") for p in state.path.split(":")), state.path
        assert state.path == start.path and state.get("VIRTUAL_ENV") is None
        assert state.prefix == str(project / ".venv")  # the shims still run it
    assert transcript.count("pyswitch: ignoring ./.venv (its path holds ':', which PATH cannot hold)") == 1


@pytest.mark.parametrize("change", ["deleted", "rewritten"])
def test_a_config_changed_while_the_engine_runs_leaves_the_cache_stale(roots, change):
    """A background rehash read the config, then the user changed it before the cache was
    written: what it wrote must not pass for fresh in any shell (seen as a fish hook that kept
    activation off after config.toml was deleted)."""
    from pyswitch import resolve_cache
    from pyswitch.paths import Context

    config = Path(roots.env["PYSWITCH_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("auto_activate = false\n")
    past = time.time() - 60
    os.utime(config, (past, past))
    os.utime(config.parent, (past, past))
    ctx = Context.from_env(environ=roots.env, cwd=roots.project)  # reads the config now
    assert ctx.config.auto_activate is False
    if change == "deleted":
        config.unlink()
    else:
        config.write_text("auto_activate = true\n")
    time.sleep(0.3)  # the engine is slow today: more than the cache's clock margin passes
    resolve_cache.write_cache(ctx)
    for shell, cache, call in (("dash", "resolve.sh", "_pyswitch_stale && echo stale"),
                               ("bash", "resolve.sh", "_pyswitch_stale && echo stale"),
                               ("zsh", "resolve.sh", "_pyswitch_stale && echo stale"),
                               ("fish", "resolve.fish", "_pyswitch_stale; and echo stale")):
        if shutil.which(shell) is None:
            continue
        main = roots.root / "cache" / cache
        r = subprocess.run([shell, "-c", f". '{main}'; {call}" if shell != "fish" else f"source '{main}'; {call}"],
                           env=dict(roots.env), capture_output=True, text=True, timeout=30)
        assert r.stdout.strip() == "stale", (shell, r.stdout, r.stderr)
