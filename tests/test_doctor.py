"""`pyswitch doctor` against set-ups broken on purpose, one per check."""
from __future__ import annotations

import os

import pytest

from conftest import BIN, fake_python


@pytest.fixture
def healthy(roots):
    """A set-up with nothing wrong: hook loaded, shims first and complete, pins installed."""
    roots.fake_version("3.12.1", commands=("python", "pip"))
    roots.fake_version("3.13.0", commands=("python",))
    shims = roots.root / "shims"
    shims.mkdir(parents=True)
    for name in ("python", "pip"):
        (shims / name).write_text("#!/bin/sh\n")
    roots.env["PYSWITCH_SHELL"] = "bash"
    roots.pin(roots.project, "3.12\n")
    return roots


def record_project(roots, folder):
    roots.root.mkdir(parents=True, exist_ok=True)
    with open(roots.root / "projects", "a") as f:
        f.write(os.path.realpath(folder) + "\n")


def trust(roots, venv):
    with open(roots.root / "trusted", "a") as f:
        f.write(os.path.realpath(venv) + "\n")


def lines_of(r, name):
    return [line for line in r.stdout.splitlines() if line.split()[1:2] == [f"{name}:"]]


def test_a_healthy_setup_is_all_ok(healthy, pyswitch):
    r = pyswitch("doctor")
    assert r.returncode == 0, r.stdout + r.stderr
    body = r.stdout.strip().splitlines()
    assert all(line.startswith("ok ") for line in body[:-1]), r.stdout
    assert body[-1] == "0 problem(s), 0 advice"
    for name in ("path", "hook", "conda", "pins", "venvs", "broken", "leftovers", "shims", "eol", "trust",
                 "requires-python"):
        assert len(lines_of(r, name)) == 1, name


# --- problems: exit 1 --------------------------------------------------------------------------
def test_shims_missing_from_path(healthy, pyswitch):
    r = pyswitch("doctor", env={"PATH": os.pathsep.join([str(BIN), "/usr/bin", "/bin"])})
    assert r.returncode == 1
    (line,) = lines_of(r, "path")
    assert line.startswith("problem") and "is not on PATH" in line and 'eval "$(pyswitch init bash)"' in line


def test_pyenv_shims_ahead_of_ours(healthy, pyswitch):
    pyenv_shims = healthy.pyenv_root / "shims"
    pyenv_shims.mkdir()
    r = pyswitch("doctor", env={"PATH": f"{pyenv_shims}{os.pathsep}{healthy.env['PATH']}"})
    assert r.returncode == 1
    (line,) = lines_of(r, "path")
    assert line.startswith("problem") and f"{pyenv_shims} (pyenv's shims)" in line
    assert "after pyenv's init line" in line


def test_a_conda_bin_ahead_of_the_shims(healthy, pyswitch):
    base = healthy.conda_root(healthy.home / "miniconda3")
    r = pyswitch("doctor", env={"PATH": f"{base / 'bin'}{os.pathsep}{healthy.env['PATH']}",
                                "CONDA_DEFAULT_ENV": "base", "CONDA_PREFIX": str(base)})
    assert r.returncode == 1
    (line,) = lines_of(r, "path")
    assert f"{base / 'bin'} (a conda env's bin)" in line and "fix: conda deactivate" in line


def test_an_env_the_hook_activated_does_not_count(healthy, pyswitch):
    base = healthy.conda_root(healthy.home / "miniconda3")
    r = pyswitch("doctor", env={"PATH": f"{base / 'bin'}{os.pathsep}{healthy.env['PATH']}",
                                "_PYSWITCH_ACTIVE_BIN": str(base / "bin")})
    (line,) = lines_of(r, "path")
    assert line.startswith("ok "), line


def test_a_venv_activated_by_hand_does_not_count_but_a_stray_one_does(healthy, pyswitch):
    venv = healthy.tmp / "handmade"
    fake_python(venv / "bin" / "python", "3.12.1")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    path = f"{venv / 'bin'}{os.pathsep}{healthy.env['PATH']}"
    r = pyswitch("doctor", env={"PATH": path, "VIRTUAL_ENV": str(venv)})
    assert lines_of(r, "path")[0].startswith("ok ")
    r = pyswitch("doctor", env={"PATH": path})
    assert r.returncode == 1
    assert f"{venv / 'bin'} (a venv's bin)" in lines_of(r, "path")[0]


def test_a_folder_with_its_own_python_ahead_of_the_shims(healthy, pyswitch):
    r = pyswitch("doctor", env={"PATH": f"{BIN}{os.pathsep}{healthy.env['PATH']}"})
    assert r.returncode == 1
    assert f"{BIN} (a " in lines_of(r, "path")[0]


def test_hook_not_loaded(healthy, pyswitch):
    env = dict(healthy.env)
    del env["PYSWITCH_SHELL"]
    healthy.env.clear()
    healthy.env.update(env)
    r = pyswitch("doctor", env={"SHELL": "/usr/bin/zsh"})
    assert r.returncode == 1
    (line,) = lines_of(r, "hook")
    assert line.startswith("problem") and "not loaded" in line
    assert "echo 'eval \"$(pyswitch init zsh)\"' >> ~/.zshrc" in line


@pytest.mark.parametrize("value, status", [("true", "problem"), ("True  # yes", "problem"), ("false", "ok")])
def test_conda_auto_activate_base(healthy, pyswitch, value, status):
    (healthy.home / ".condarc").write_text(f"channels:\n  - conda-forge\nauto_activate_base: {value}\n")
    r = pyswitch("doctor")
    (line,) = lines_of(r, "conda")
    assert line.startswith(status), line
    assert r.returncode == (1 if status == "problem" else 0)
    if status == "problem":
        assert "fix: conda config --set auto_activate_base false" in line


def test_a_pin_here_to_a_version_not_installed(healthy, pyswitch):
    healthy.pin(healthy.project, "3.12\n3.7\n")
    r = pyswitch("doctor")
    assert r.returncode == 1
    (line,) = lines_of(r, "pins")
    assert line.startswith("problem") and "pins '3.7', which is not installed" in line
    assert line.endswith("fix: pyswitch install")


def test_a_recorded_project_pinning_a_version_not_installed(healthy, pyswitch):
    other = healthy.tmp / "old-app"
    healthy.pin(other, "3.9.18\n")
    record_project(healthy, other)
    r = pyswitch("doctor")
    assert r.returncode == 1
    (line,) = lines_of(r, "pins")
    assert f"{other} pins '3.9.18'" in line and f"fix: cd {other} && pyswitch install" in line


def test_a_project_venv_whose_base_interpreter_is_gone(healthy, pyswitch):
    venv = healthy.project / ".venv"
    fake_python(venv / "bin" / "python", "3.11.4")
    (venv / "pyvenv.cfg").write_text(f"home = {healthy.versions / '3.11.4' / 'bin'}\nversion = 3.11.4\n")
    trust(healthy, venv)
    record_project(healthy, healthy.project)
    r = pyswitch("doctor")
    assert r.returncode == 1
    (line,) = lines_of(r, "venvs")
    assert f"{venv} was made from {healthy.versions / '3.11.4' / 'bin'}, which is gone" in line
    assert "pyswitch local --venv --force" in line
    assert lines_of(r, "trust")[0].startswith("ok "), "reported once, as a problem"


def test_an_ignored_project_venv_whose_base_is_gone_is_a_problem_too(healthy, pyswitch):
    other = healthy.tmp / "old-app"
    healthy.pin(other, "3.12.1\n")
    record_project(healthy, other)
    venv = other / ".venv"
    fake_python(venv / "bin" / "python", "3.11.4")
    (venv / "pyvenv.cfg").write_text("home = /gone/3.11.4/bin\nversion = 3.11.4\n")  # never trusted
    r = pyswitch("doctor")
    assert r.returncode == 1, r.stdout
    (line,) = lines_of(r, "venvs")
    assert line.startswith("problem") and f"{venv} was made from /gone/3.11.4/bin, which is gone" in line
    assert lines_of(r, "trust")[0].startswith("ok "), "reported once, as a problem"


def test_a_missing_version_from_pyenv_version_is_a_problem(healthy, pyswitch):
    r = pyswitch("doctor", env={"PYENV_VERSION": "3.5"})
    assert r.returncode == 1, r.stdout
    (line,) = lines_of(r, "pins")
    assert line.startswith("problem") and "'3.5' is not installed (set by PYENV_VERSION)" in line


def test_a_pyenv_virtualenv_whose_base_is_gone(healthy, pyswitch):
    healthy.fake_version("3.10.4")
    env = healthy.virtualenv("3.10.4", "web")
    (env / "pyvenv.cfg").write_text("home = /gone/3.10.4/bin\nversion = 3.10.4\n")
    r = pyswitch("doctor")
    assert r.returncode == 1
    (line,) = lines_of(r, "venvs")
    assert "the virtualenv 3.10.4/envs/web was made from /gone/3.10.4/bin, which is gone" in line


def test_shims_missing_for_installed_commands(healthy, pyswitch):
    healthy.fake_version("3.11.7", commands=("python", "pytest", "black"))
    r = pyswitch("doctor")
    assert r.returncode == 1
    (line,) = lines_of(r, "shims")
    assert "2 installed command(s) have no shim (stale rehash): black, pytest" in line
    assert line.endswith("fix: pyswitch rehash")


# --- advice: exit stays 0 ----------------------------------------------------------------------
def test_recorded_projects_on_end_of_life_versions_are_advice(healthy, pyswitch):
    healthy.fake_version("3.6.15", commands=("python",))
    legacy = healthy.tmp / "legacy"
    healthy.pin(legacy, "3.6\n")
    record_project(healthy, legacy)
    r = pyswitch("doctor")
    assert r.returncode == 0, r.stdout
    (line,) = lines_of(r, "eol")
    assert line.startswith("advice") and f"{legacy} pins 3.6 (Python 3.6.15), past its end of life on 2021-12-23" in line
    assert r.stdout.strip().splitlines()[-1] == "0 problem(s), 1 advice"


def test_an_untrusted_venv_being_ignored_is_advice(healthy, pyswitch):
    venv = healthy.project / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text(f"home = {healthy.versions / '3.12.1' / 'bin'}\nversion = 3.12.1\n")
    r = pyswitch("doctor")
    assert r.returncode == 0, r.stdout
    (line,) = lines_of(r, "trust")
    assert line.startswith("advice") and "is ignored until you trust it" in line
    assert line.endswith(f"fix: pyswitch trust {healthy.project}")


def test_a_venv_from_another_interpreter_is_advice(healthy, pyswitch):
    venv = healthy.project / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text(f"home = {healthy.versions / '3.13.0' / 'bin'}\n")
    r = pyswitch("doctor")
    assert r.returncode == 0
    (line,) = lines_of(r, "trust")
    assert "is ignored: it was made from" in line and "not 3.12.1" in line


def test_requires_python_mismatch_is_advice_with_a_better_pin(healthy, pyswitch):
    (healthy.project / "pyproject.toml").write_text('[project]\nname = "app"\nrequires-python = ">=3.13"\n')
    r = pyswitch("doctor")
    assert r.returncode == 0
    (line,) = lines_of(r, "requires-python")
    assert line.startswith("advice") and "3.12.1 does not satisfy requires-python '>=3.13'" in line
    assert line.endswith("fix: pyswitch local 3.13.0")


def test_doctor_help_has_an_example(pyswitch):
    r = pyswitch("doctor", "--help")
    assert r.returncode == 0 and "pyswitch doctor" in r.stdout
