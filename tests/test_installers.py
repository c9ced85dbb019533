"""uv's, mise's and asdf's Pythons: one namespace with pyenv's (SPEC 1, 3, 6, 7).

Their folders are fabricated exactly as the tools lay them out (tests/installer_layouts.py),
with the machine's real interpreters symlinked in so they run; `uv` and `mise` are fake scripts
that record their arguments. Nothing runs the real tools, and nothing is downloaded.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, REAL_VERSIONS, write_exe
from installer_layouts import (fake_tool, make_asdf_python, make_mise_python, make_mise_shims, make_uv_python,
                               read_fake_tool_calls)

PROBE = "import sys; print(sys.executable)"


def real_python(version: str) -> Path:
    path = REAL_VERSIONS / version / "bin" / f"python{version.rsplit('.', 1)[0]}"
    if not path.exists():
        pytest.skip(f"real interpreter {version} not on this machine")
    return path


@pytest.fixture
def installs(roots):
    """uv's 3.12.1 (with its minor-version link and ~/.local/bin link), mise's 3.11.7, asdf's 3.9.18."""
    data = roots.home / ".local" / "share"
    uv = make_uv_python(data / "uv" / "python", "3.12.1", python_target=real_python("3.12.1"), minor_link=True,
                        bin_dir=roots.home / ".local" / "bin")
    uv_ft = make_uv_python(data / "uv" / "python", "3.13.0", variant="freethreaded")
    mise = make_mise_python(data / "mise", "3.11.7", python_target=real_python("3.11.7"))
    asdf = make_asdf_python(roots.home / ".asdf", "3.9.18", python_target=real_python("3.9.18"), alias="3.9")
    roots.env["XDG_DATA_HOME"] = str(data)
    return {"uv": uv, "uv-ft": uv_ft, "mise": mise, "asdf": asdf}


def shim(roots, cmd, *args, cwd=None, env=None):
    full = dict(roots.env, **(env or {}))
    return subprocess.run([str(roots.root / "shims" / cmd), *args], cwd=str(cwd or roots.project), env=full,
                          capture_output=True, text=True, timeout=60)


def test_versions_lists_every_installers_pythons_with_their_kinds(roots, pyswitch, installs):
    rows = {r["name"]: r for r in json.loads(pyswitch("versions", "--json").stdout)}
    assert rows["uv:3.12.1"]["kind"] == "uv" and rows["uv:3.12.1"]["prefix"] == str(installs["uv"])
    assert rows["uv:3.12.1"]["python_version"] == "3.12.1"
    assert rows["uv:3.13.0t"]["kind"] == "uv"
    assert rows["mise:3.11.7"]["kind"] == "mise" and rows["mise:3.11.7"]["prefix"] == str(installs["mise"])
    assert rows["asdf:3.9.18"]["kind"] == "asdf" and rows["asdf:3.9.18"]["prefix"] == str(installs["asdf"])
    # their locks, scratch folders, minor-version links and aliases are not Pythons
    assert not [n for n in rows if n.startswith(("uv:", "mise:", "asdf:"))
                and n not in ("uv:3.12.1", "uv:3.13.0t", "mise:3.11.7", "asdf:3.9.18")], sorted(rows)
    sized = {r["name"]: r for r in json.loads(pyswitch("versions", "--json", "--size").stdout)}
    assert sized["mise:3.11.7"]["size_bytes"] > 0
    bare = pyswitch("versions", "--bare").stdout.split()
    assert {"uv:3.12.1", "mise:3.11.7", "asdf:3.9.18"} <= set(bare)


@pytest.mark.parametrize("pin, name, kind", [("uv:3.12", "uv:3.12.1", "uv"), ("mise:3.11", "mise:3.11.7", "mise"),
                                             ("asdf:3", "asdf:3.9.18", "asdf"), ("uv:3t", "uv:3.13.0t", "uv"),
                                             ("3.12", "uv:3.12.1", "uv"), ("3.11", "mise:3.11.7", "mise"),
                                             ("python-3.9", "asdf:3.9.18", "asdf")])
def test_a_pin_runs_that_installers_python_through_the_shims(roots, pyswitch, installs, pin, name, kind):
    roots.pin(roots.project, pin + "\n")
    assert pyswitch("rehash").returncode == 0
    v = json.loads(pyswitch("version", "--json").stdout)
    assert (v["name"], v["kind"]) == (name, kind)
    if pin.endswith("t"):
        return  # the fabricated free-threaded build is a stand-in script
    prefix = installs[kind]
    for _ in range(2):  # the slow path, then the fast one
        r = shim(roots, "python", "-c", PROBE)
        assert r.returncode == 0, r.stderr
        assert Path(r.stdout.strip()).parent == prefix / "bin"
    assert pyswitch("which", "python").stdout.strip() == str(prefix / "bin" / "python")


def test_a_bare_spec_is_pyenvs_first(roots, pyswitch, installs):
    roots.link_version("3.12.1")
    roots.pin(roots.project, "3.12\n")
    assert json.loads(pyswitch("version", "--json").stdout)["name"] == "3.12.1"


def test_a_missing_installer_spec_says_how_to_get_it(roots, pyswitch, installs):
    roots.pin(roots.project, "mise:3.99\n")
    r = pyswitch("version")
    assert r.returncode == 1
    assert "version 'mise:3.99' is not installed" in r.stderr and r.stderr.rstrip().endswith(
        "try: mise install python@3.99")


# --- install through uv -------------------------------------------------------------------------
@pytest.fixture
def tools(roots, tmp_path):
    folder = tmp_path / "tools"
    roots.env["PATH"] = os.pathsep.join([str(roots.root / "shims"), str(folder), str(BIN), "/usr/bin", "/bin"])
    return folder


def test_install_without_python_build_goes_to_uv(roots, pyswitch, tools):
    fake_tool(tools, "uv")
    r = pyswitch("install", "3.12")
    assert r.returncode == 0, r.stderr
    assert read_fake_tool_calls(tools, "uv") == [["python", "install", "3.12"]]
    assert "with uv" in r.stdout


def test_uvs_exit_status_becomes_pyswitchs(roots, pyswitch, tools):
    write_exe(tools / "uv", "#!/bin/sh\necho 'error: no download found' >&2\nexit 3\n")
    r = pyswitch("install", "uv:3.99")
    assert r.returncode == 3
    assert "error: no download found" in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "pyswitch: uv failed (exit 3) while installing 3.99"


def test_with_chooses_the_tool(roots, pyswitch, tools):
    fake_tool(tools, "uv")
    fake_tool(tools, "python-build", output="3.12.10\n")
    assert pyswitch("install", "--with", "uv", "3.12").returncode == 0
    assert read_fake_tool_calls(tools, "uv") == [["python", "install", "3.12"]]
    assert pyswitch("install", "--with", "python-build", "3.11").returncode == 1  # no 3.11 definition
    assert read_fake_tool_calls(tools, "uv") == [["python", "install", "3.12"]]
    assert ["--definitions"] in read_fake_tool_calls(tools, "python-build")


def test_neither_tool_found_names_both(roots, pyswitch, tools):
    r = pyswitch("install", "3.12")
    assert r.returncode == 1
    assert "python-build not found" in r.stderr


# --- uninstall --------------------------------------------------------------------------------
def test_uninstall_goes_through_the_owning_tool_where_it_is_on_path(roots, pyswitch, installs, tools):
    fake_tool(tools, "uv")
    fake_tool(tools, "mise")
    for spec in ("uv:3.12.1", "mise:3.11.7"):
        r = pyswitch("uninstall", "--yes", spec)
        assert r.returncode == 0, r.stderr
    assert read_fake_tool_calls(tools, "uv") == [["python", "uninstall", installs["uv"].name]]
    assert read_fake_tool_calls(tools, "mise") == [["uninstall", "python@3.11.7"]]
    # the fakes removed nothing: what they left is deleted safely, as conda's leftovers are
    assert not installs["uv"].exists() and not installs["mise"].exists()


def test_uninstall_without_the_tool_deletes_it_and_its_links(roots, pyswitch, installs):
    uv = installs["uv"]
    minor = uv.parent / "cpython-3.12-linux-x86_64-gnu"
    assert minor.is_symlink() and (roots.home / ".local" / "bin" / "python3.12").is_symlink()
    dry = pyswitch("uninstall", "--dry-run", "uv:3.12.1")
    assert dry.returncode == 0 and f"prefix:     {uv}" in dry.stdout
    r = pyswitch("uninstall", "--yes", "uv:3.12.1")
    assert r.returncode == 0, r.stderr
    assert "removed uv:3.12.1: freed" in r.stdout
    assert not uv.exists() and not os.path.lexists(minor)
    assert not os.path.lexists(roots.home / ".local" / "bin" / "python3.12")
    assert (uv.parent / ".lock").exists()  # uv's own files stay
    assert pyswitch("uninstall", "--yes", "asdf:3.9").returncode == 0  # through asdf's alias
    assert not installs["asdf"].exists()


def test_an_interrupted_removal_of_an_installers_python_is_finished_by_its_spec(roots, pyswitch, installs):
    from pyswitch import disk
    uv = installs["uv"]
    hidden = uv.parent / f"{disk.LEFTOVER_PREFIX}{uv.name}-999"
    os.rename(uv, hidden)  # as if killed after the rename
    doctor = pyswitch("doctor")
    assert str(hidden) in doctor.stdout + doctor.stderr
    r = pyswitch("uninstall", "--yes", "uv:3.12.1")
    assert r.returncode == 0, r.stderr
    assert "finished removing cpython-3.12.1" in r.stdout
    assert not os.path.lexists(hidden)


def test_a_pin_to_an_installers_python_is_a_dependent(roots, pyswitch, installs):
    roots.pin(roots.tmp / "app", "mise:3.11\n")
    assert pyswitch("local", "mise:3.11", cwd=roots.tmp / "app").returncode == 0
    r = pyswitch("uninstall", "--dry-run", "mise:3.11.7", cwd=roots.tmp)
    assert f"pinned by:  {roots.tmp / 'app' / '.python-version'} ('mise:3.11' will name nothing installed)" in r.stdout
    assert "mise:3.11.7" not in [t.split()[0] for t in pyswitch("prune", "--dry-run", cwd=roots.tmp).stdout.splitlines()
                                 if t.startswith("  mise")]


# --- doctor -----------------------------------------------------------------------------------------
def test_doctor_names_mises_shims_ahead_of_ours(roots, pyswitch, installs, tmp_path):
    mise_bin = write_exe(tmp_path / "mise-bin" / "mise", "#!/bin/sh\n")
    shims = make_mise_shims(roots.home / ".local" / "share" / "mise", mise_bin, version="3.11.7")
    env = {"PATH": os.pathsep.join([str(shims), str(roots.root / "shims"), str(BIN), "/usr/bin", "/bin"]),
           "PYSWITCH_SHELL": "bash"}
    assert pyswitch("rehash").returncode == 0
    r = pyswitch("doctor", env=env)
    assert r.returncode == 1
    (line,) = [x for x in r.stdout.splitlines() if " path: " in x]
    assert f"{shims} (mise's shims)" in line and line.startswith("problem")
