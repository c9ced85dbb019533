"""`pyswitch local SPEC --venv`: a trusted .venv made from the pinned interpreter.

The real interpreters are only symlinked into the temporary PYENV_ROOT; the venvs are made in
the test's own folder, and the tests check that nothing was written into the real ones.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import real_version, write_exe

PROBE = "import sys; print('.'.join(map(str, sys.version_info[:3]))); print(sys.prefix)"


def snapshot(prefix: Path):
    """What a venv could touch in the real interpreter: its bin/ and site-packages listings."""
    real = prefix.resolve()
    out = {"bin": sorted(os.listdir(real / "bin"))}
    for site in real.glob("lib/python*/site-packages"):
        out[str(site)] = sorted(os.listdir(site))
    return out


@pytest.mark.parametrize("version", ["3.8.18", "3.12.1"])
def test_local_venv_makes_a_trusted_venv_that_python_runs_through(roots, pyswitch, version):
    real = real_version(version)
    before = snapshot(real)
    roots.link_version(version)
    r = pyswitch("local", version, "--venv")
    assert r.returncode == 0, r.stderr
    venv = roots.project / ".venv"
    assert (roots.project / ".python-version").read_text() == f"{version}\n"
    assert (venv / "pyvenv.cfg").is_file()
    assert f"created {venv} from {version}" in r.stdout
    assert os.path.realpath(venv) in (roots.root / "trusted").read_text().splitlines()
    assert os.path.realpath(roots.project) in (roots.root / "projects").read_text().splitlines()

    out = pyswitch("exec", "python", "-c", PROBE)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [version, str(venv)]

    version_out = pyswitch("version", "--json")
    assert version_out.returncode == 0, version_out.stderr
    assert f'"prefix": "{venv}"' in version_out.stdout

    shim = roots.root / "shims" / "python"
    assert shim.exists(), "local --venv rehashes"
    via_shim = subprocess.run([str(shim), "-c", PROBE], cwd=str(roots.project), env=dict(roots.env),
                              capture_output=True, text=True, timeout=60)
    assert via_shim.returncode == 0, via_shim.stderr
    assert via_shim.stdout.splitlines() == [version, str(venv)]
    assert snapshot(real) == before, "nothing may be written into the real interpreter"


def test_an_existing_venv_from_another_interpreter_is_refused_without_force(roots, pyswitch):
    real_version("3.12.1")
    roots.link_version("3.12.1")
    venv = roots.project / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /somewhere/else/bin\nversion = 3.9.1\n")
    (venv / "marker").write_text("mine")
    r = pyswitch("local", "3.12.1", "--venv")
    assert r.returncode == 1
    assert "was made from /somewhere/else/bin, not 3.12.1" in r.stderr and "--force" in r.stderr
    assert not (roots.project / ".python-version").exists(), "nothing is written on refusal"
    assert (venv / "marker").read_text() == "mine"
    assert not (roots.root / "trusted").exists()

    forced = pyswitch("local", "3.12.1", "--venv", "--force")
    assert forced.returncode == 0, forced.stderr
    assert f"recreated {venv}" in forced.stdout
    assert not (venv / "marker").exists()
    assert not list(roots.project.glob(".venv.pyswitch-old-*"))
    out = pyswitch("exec", "python", "-c", PROBE)
    assert out.stdout.splitlines() == ["3.12.1", str(venv)]


def test_a_venv_nobody_trusted_is_not_adopted_silently(roots, pyswitch):
    roots.fake_version("3.12.1")
    venv = roots.project / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text(f"home = {roots.versions / '3.12.1' / 'bin'}\nversion = 3.12.1\n")
    r = pyswitch("local", "3.12.1", "--venv")
    assert r.returncode == 1
    assert "nobody trusted it" in r.stderr and f"pyswitch trust {roots.project}" in r.stderr
    assert not (roots.project / ".python-version").exists()
    assert not (roots.root / "trusted").exists()


def test_a_trusted_venv_from_the_same_interpreter_is_kept(roots, pyswitch):
    roots.fake_version("3.12.1")
    venv = roots.project / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text(f"home = {roots.versions / '3.12.1' / 'bin'}\nversion = 3.12.1\n")
    (venv / "marker").write_text("mine")
    t = pyswitch("trust")  # trusted, but not used until a pin beside it names its interpreter
    assert t.returncode == 1 and t.stderr.rstrip().endswith("pins the interpreter it was made from: "
                                                            "pyswitch local 3.12.1")
    r = pyswitch("local", "3.12.1", "--venv")
    assert r.returncode == 0, r.stderr
    assert "kept" in r.stdout
    assert (venv / "marker").exists()


def test_a_folder_that_is_not_a_venv_is_never_replaced(roots, pyswitch):
    roots.fake_version("3.12.1")
    (roots.project / ".venv").mkdir()
    (roots.project / ".venv" / "notes.txt").write_text("precious")
    for args in (("--venv",), ("--venv", "--force")):
        r = pyswitch("local", "3.12.1", *args)
        assert r.returncode == 1
        assert "is not a venv" in r.stderr
    assert (roots.project / ".venv" / "notes.txt").read_text() == "precious"
    assert not (roots.project / ".python-version").exists()


def test_a_symlinked_venv_is_never_replaced(roots, pyswitch):
    roots.fake_version("3.12.1")
    target = roots.tmp / "elsewhere"
    target.mkdir()
    (target / "pyvenv.cfg").write_text("home = /nowhere\n")
    (roots.project / ".venv").symlink_to(target)
    r = pyswitch("local", "3.12.1", "--venv", "--force")
    assert r.returncode == 1 and "is a symlink" in r.stderr
    assert (target / "pyvenv.cfg").exists()


def test_venv_for_a_version_not_installed_is_refused_even_with_force(roots, pyswitch):
    r = pyswitch("local", "3.7", "--venv", "--force")
    assert r.returncode == 1
    assert "cannot make a venv: '3.7' is not installed" in r.stderr
    assert not (roots.project / ".python-version").exists()


def test_venv_on_top_of_a_virtualenv_is_refused(roots, pyswitch):
    roots.fake_version("3.12.1")
    roots.virtualenv("3.12.1", "web")
    r = pyswitch("local", "web", "--venv")
    assert r.returncode == 1 and "is itself a virtualenv" in r.stderr
    assert not (roots.project / ".python-version").exists()


def test_python_2_without_virtualenv_is_a_one_line_error_before_anything_is_written(roots, pyswitch):
    roots.fake_version("2.7.18")  # its python cannot `import virtualenv`
    r = pyswitch("local", "2.7.18", "--venv")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "no virtualenv was found" in lines[0] and "pip install" in lines[0]
    assert not (roots.project / ".python-version").exists()


def test_python_2_uses_a_virtualenv_command_and_gets_a_pyvenv_cfg(roots, pyswitch):
    roots.fake_version("2.7.18")
    tools = roots.tmp / "tools"
    log = roots.tmp / "virtualenv.log"
    # an old virtualenv: makes bin/python and no pyvenv.cfg
    write_exe(tools / "virtualenv", f"""#!/bin/sh
echo "$*" >> '{log}'
echo "New python executable in $3/bin/python"
mkdir -p "$3/bin" && ln -s "$2" "$3/bin/python"
""")
    r = pyswitch("local", "2.7.18", "--venv", env={"PATH": f"{tools}{os.pathsep}{roots.env['PATH']}"})
    assert r.returncode == 0, r.stderr
    venv = roots.project / ".venv"
    assert log.read_text().splitlines() == [f"-p {roots.versions / '2.7.18' / 'bin' / 'python'} {venv}"]
    assert "New python executable" in r.stdout
    cfg = (venv / "pyvenv.cfg").read_text()
    assert f"home = {roots.versions / '2.7.18' / 'bin'}" in cfg
    assert "end of life" in r.stderr
    which = pyswitch("which", "python")
    assert which.stdout.strip() == str(venv / "bin" / "python")


def test_a_failing_venv_maker_leaves_the_old_venv_in_place(roots, pyswitch):
    prefix = roots.versions / "3.12.1"
    write_exe(prefix / "bin" / "python", """#!/bin/sh
case "$*" in *version_info*) echo 3.12.1; exit 0 ;; esac
echo "Error: ensurepip is not available" >&2
mkdir -p "$3/half"
exit 1
""")
    venv = roots.project / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /old/bin\n")
    r = pyswitch("local", "3.12.1", "--venv", "--force")
    assert r.returncode == 1
    assert "ensurepip is not available" in r.stderr
    assert "failed (exit 1)" in r.stderr
    assert (venv / "pyvenv.cfg").read_text() == "home = /old/bin\n"
    assert not (venv / "half").exists()


def test_local_venv_without_spec_uses_the_pin_here(roots, pyswitch):
    real_version("3.12.1")
    roots.link_version("3.12.1")
    roots.pin(roots.project, "3.12.1\n")
    r = pyswitch("local", "--venv")
    assert r.returncode == 0, r.stderr
    assert (roots.project / ".venv" / "pyvenv.cfg").is_file()
    assert pyswitch("exec", "python", "-c", PROBE).stdout.splitlines()[1] == str(roots.project / ".venv")


def test_local_help_shows_the_venv_example(pyswitch):
    r = pyswitch("local", "--help")
    assert "--venv" in r.stdout and "pyswitch local 3.12 --venv" in r.stdout
