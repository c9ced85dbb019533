"""The everyday commands, run as the installed `pyswitch` console script (pytest-console-scripts
and the `pyswitch` fixture), in a private world under tmp_path: local, global, version,
versions, which, exec, trust, and config errors. Real interpreters are only symlinked in.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import REAL_VERSIONS, fake_python, real_version, write_exe

# real interpreters must never write bytecode into the machine's ~/.pyenv
NO_PYC = {"PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def run(script_runner, roots):
    """`pyswitch ARGS` through pytest-console-scripts, in the private world."""
    def go(*args, cwd=None, env=None):
        full = dict(roots.env)
        full.update(NO_PYC)
        full.update(env or {})
        return script_runner.run(["pyswitch", *map(str, args)], cwd=str(cwd or roots.project), env=full,
                                 print_result=False)
    return go


@pytest.fixture
def py38(roots):
    """The real 3.8.18, symlinked in, next to two fabricated neighbours."""
    roots.link_version("3.8.18")
    roots.fake_version("3.8.9")
    roots.fake_version("3.9.1")
    return roots


def rows(result):
    """name -> row; where a name repeats (shadowed conda envs), the first row, the one that wins."""
    assert result.returncode == 0, result.stderr
    out = {}
    for r in json.loads(result.stdout):
        out.setdefault(r["name"], r)
    return out


def no_traceback(result):
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


# --------------------------------------------------------------- the "done when"


def test_local_in_an_empty_folder_writes_the_spec(py38, run):
    folder = py38.project / "empty"
    folder.mkdir()
    r = run("local", "3.8", cwd=folder)
    assert r.returncode == 0, r.stderr
    no_traceback(r)
    assert (folder / ".python-version").read_bytes() == b"3.8\n"
    assert sorted(os.listdir(folder)) == [".python-version"]


def test_local_records_the_project(py38, run):
    run("local", "3.8")
    lines = (py38.root / "projects").read_text().splitlines()
    assert os.path.realpath(py38.project) in lines


def test_version_shows_the_resolved_version_and_the_file(py38, run):
    run("local", "3.8")
    f = py38.project / ".python-version"
    r = run("version")
    assert r.returncode == 0
    assert "is not installed" not in r.stderr and "invalid version" not in r.stderr
    first, *rest = r.stdout.splitlines()
    assert first == f"3.8.18 (set by {f})"
    assert "  python:  3.8.18" in rest
    assert "  kind:    pyenv" in rest
    r = run("version", "--json")
    out = json.loads(r.stdout)
    expected = {"name": "3.8.18", "kind": "pyenv", "python_version": "3.8.18",
                "prefix": str(py38.versions / "3.8.18"), "origin": str(f), "spec": "3.8"}
    assert {k: out.get(k) for k in expected} == expected


def test_which_python_is_the_real_3_8_18(py38, run):
    run("local", "3.8")
    r = run("which", "python")
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip())
    assert path == py38.versions / "3.8.18" / "bin" / "python"
    assert os.path.realpath(path) == os.path.realpath(REAL_VERSIONS / "3.8.18" / "bin" / "python")


def test_exec_python_runs_the_real_3_8_18(py38, run):
    run("local", "3.8")
    r = run("exec", "python", "-c", "import sys; print(sys.version)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("3.8.18 ")


def test_exec_passes_arguments_and_exit_status(py38, run):
    py38.pin(py38.project, "3.8\n")
    r = run("exec", "python", "-c", "import sys; print(sys.argv[1:]); sys.exit(7)", "--help", "-x", "a b")
    assert r.returncode == 7
    assert r.stdout.strip() == "['--help', '-x', 'a b']"


def test_exec_puts_the_environment_first_on_path(py38, run):
    py38.pin(py38.project, "3.8\n")
    r = run("exec", "python", "-c", "import os; print(os.environ['PATH'].split(os.pathsep)[0])")
    assert r.stdout.strip() == str(py38.versions / "3.8.18" / "bin")


def test_local_not_installed_fails_and_writes_nothing(py38, run):
    r = run("local", "3.99")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == ("pyswitch: version '3.99' is not installed; installed: 3.8.9, 3.8.18, 3.9.1; "
                        "try: pyswitch install 3.99\n")
    assert not (py38.project / ".python-version").exists()


def test_local_not_installed_keeps_the_existing_file(py38, run):
    f = py38.pin(py38.project, "3.9.1\n")
    r = run("local", "3.8", "3.99")
    assert r.returncode == 1 and "'3.99' is not installed" in r.stderr
    assert f.read_text() == "3.9.1\n"


def test_traversal_in_a_version_file_is_refused(py38, run):
    f = py38.pin(py38.project, "../../../tmp/x\n")
    r = run("version")
    assert r.returncode == 0
    assert r.stderr.splitlines()[0] == f"pyswitch: invalid version '../../../tmp/x' ignored in '{f}'"
    r = run("which", "python")
    assert r.stderr.splitlines()[0] == f"pyswitch: invalid version '../../../tmp/x' ignored in '{f}'"
    assert not r.stdout.startswith("/tmp/x")


def test_traversal_then_next_line_through_exec(py38, run):
    f = py38.pin(py38.project, "../../../tmp/x\n3.8\n")
    r = run("exec", "python", "-c", "import sys; print(sys.version)")
    assert r.returncode == 0
    assert r.stdout.startswith("3.8.18 ")
    assert r.stderr == f"pyswitch: invalid version '../../../tmp/x' ignored in '{f}'\n"


# ---------------------------------------------------------------------------- conda


@pytest.fixture
def conda(roots, tmp_path):
    """Two conda roots (PYSWITCH_CONDA_ROOTS), a CONDA_EXE root, and an env only in environments.txt."""
    first = roots.conda_root(tmp_path / "miniforge", "3.11.7")
    roots.conda_env(first / "envs" / "ml", "3.10.13")
    roots.conda_env(first / "envs" / "dup", "3.10.13")
    second = roots.conda_root(tmp_path / "anaconda", "3.12.1")
    roots.conda_env(second / "envs" / "dup", "3.9.18")
    roots.conda_env(second / "envs" / "only2", "3.9.18")
    elsewhere = roots.conda_env(tmp_path / "projects-envs" / "txtonly", "3.7.16")
    (roots.home / ".conda").mkdir()
    (roots.home / ".conda" / "environments.txt").write_text(f"{elsewhere}\n{first / 'envs' / 'ml'}\n")
    roots.env["PYSWITCH_CONDA_ROOTS"] = os.pathsep.join([str(first), str(second)])
    return {"first": first, "second": second, "elsewhere": elsewhere}


def ran(result, prefix: Path):
    """The fabricated python of `prefix` ran (it prints its own path)."""
    assert result.returncode == 0, result.stderr
    return f" {prefix / 'bin' / 'python'} " in result.stdout


def test_conda_env_runs_its_own_python(conda, roots, run):
    roots.pin(roots.project, "conda:ml\n")
    r = run("exec", "python", "-c", "pass")
    assert ran(r, conda["first"] / "envs" / "ml")
    assert run("which", "python").stdout.strip() == str(conda["first"] / "envs" / "ml" / "bin" / "python")
    out = json.loads(run("version", "--json").stdout)
    assert out["kind"] == "conda" and out["python_version"] == "3.10.13"
    assert out["prefix"] == str(conda["first"] / "envs" / "ml")


def test_conda_env_with_a_real_python(roots, run, tmp_path):
    real = real_version("3.8.18") / "bin" / "python3.8"
    croot = roots.conda_root(tmp_path / "miniconda3-root", "3.11.7")
    env = roots.conda_env(croot / "envs" / "legacy", "3.8.18", python_target=real)
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    roots.pin(roots.project, "conda:legacy\n")
    r = run("exec", "python", "-c", "import sys; print(sys.executable); print(sys.version)")
    assert r.returncode == 0, r.stderr
    exe, version = r.stdout.splitlines()[:2]
    assert exe == str(env / "bin" / "python")
    assert version.startswith("3.8.18 ")


def test_conda_base_is_the_root(conda, roots, run):
    roots.pin(roots.project, "conda:base\n")
    assert ran(run("exec", "python"), conda["first"])


def test_conda_shadowed_name_first_root_wins(conda, roots, run):
    roots.pin(roots.project, "conda:dup\n")
    assert ran(run("exec", "python"), conda["first"] / "envs" / "dup")
    roots.pin(roots.project, "conda:only2\n")
    assert ran(run("exec", "python"), conda["second"] / "envs" / "only2")


def test_conda_env_listed_only_in_environments_txt(conda, roots, run):
    roots.pin(roots.project, "conda:txtonly\n")
    assert ran(run("exec", "python"), conda["elsewhere"])


def test_conda_exe_root_comes_first_and_conda_is_never_run(conda, roots, run, tmp_path):
    exe_root = roots.conda_root(tmp_path / "conda-exe-root", "3.13.0")
    roots.conda_env(exe_root / "envs" / "dup", "3.13.0")
    marker = tmp_path / "conda-was-run"
    write_exe(exe_root / "bin" / "conda", f"#!/bin/sh\ntouch {marker}\n")
    env = {"CONDA_EXE": str(exe_root / "bin" / "conda")}
    roots.pin(roots.project, "conda:dup\n")
    assert ran(run("exec", "python", env=env), exe_root / "envs" / "dup")
    listing = rows(run("versions", "--json", env=env))
    assert listing["conda:dup"]["prefix"] == str(exe_root / "envs" / "dup")
    assert not marker.exists()


def test_conda_env_under_usual_place_in_home(roots, run):
    croot = roots.conda_root(roots.home / "miniconda3", "3.11.7")
    roots.conda_env(croot / "envs" / "ds", "3.10.13")
    roots.pin(roots.project, "conda:ds\n")
    assert ran(run("exec", "python"), croot / "envs" / "ds")


def test_pyenv_installed_conda_env_spec(roots, run):
    croot = roots.conda_root(roots.versions / "miniconda3-latest", "3.11.7")
    roots.conda_env(croot / "envs" / "ml", "3.10.13")
    roots.pin(roots.project, "miniconda3-latest/envs/ml\n")
    assert ran(run("exec", "python"), croot / "envs" / "ml")
    roots.pin(roots.project, "conda:ml\n")
    assert ran(run("exec", "python"), croot / "envs" / "ml")


def test_conda_not_installed_names_conda_envs(conda, roots, run):
    f = roots.pin(roots.project, "conda:nope\n")
    r = run("version")
    assert r.returncode == 1
    assert r.stderr.startswith(f"pyswitch: version 'conda:nope' is not installed (set by {f}); installed: conda:")
    assert r.stderr.endswith("; try: pyswitch install conda:nope\n")


def test_conda_env_system_tools_are_not_routed(roots, run, tmp_path):
    croot = roots.conda_root(tmp_path / "mf", "3.11.7")
    roots.conda_env(croot / "envs" / "ml", "3.10.13", extra_bin=("curl",))
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    roots.pin(roots.project, "conda:ml\n")
    r = run("which", "curl")
    assert not r.stdout.startswith(str(croot))


# ------------------------------------------------------------------------- versions


@pytest.fixture
def world(roots, conda):
    roots.link_version("3.8.18")
    roots.fake_version("3.10.13")
    roots.fake_version("pypy3.10-7.3.17", python_version="3.10.14")
    roots.fake_version("3.11.7")
    roots.virtualenv("3.11.7", "web", python_version="3.11.7")
    return roots


def test_versions_json_lists_every_kind(world, conda, run):
    listing = rows(run("versions", "--json"))
    assert listing["3.8.18"]["kind"] == "pyenv" and listing["3.8.18"]["python_version"] == "3.8.18"
    assert listing["3.8.18"]["prefix"] == str(world.versions / "3.8.18")
    assert listing["pypy3.10-7.3.17"]["python_version"] == "3.10.14"  # asked its python, once
    web = listing["3.11.7/envs/web"]
    assert web["kind"] == "virtualenv" and web["python_version"] == "3.11.7"
    assert web["prefix"] == str(world.versions / "3.11.7" / "envs" / "web")
    assert "web" not in listing  # the short-name symlink is not a second environment
    ml = listing["conda:ml"]
    assert ml["kind"] == "conda" and ml["python_version"] == "3.10.13"
    assert ml["prefix"] == str(conda["first"] / "envs" / "ml")
    assert listing["conda:txtonly"]["python_version"] == "3.7.16"
    assert listing["system"]["kind"] == "system"
    for row in listing.values():
        assert set(row) >= {"name", "kind", "python_version", "prefix", "selected", "shadowed"}


def test_versions_json_marks_shadowed_conda_envs(world, conda, run):
    data = json.loads(run("versions", "--json").stdout)
    dups = [r for r in data if r["name"] == "conda:dup"]
    assert [(r["prefix"], r["shadowed"]) for r in dups] == [
        (str(conda["first"] / "envs" / "dup"), False),
        (str(conda["second"] / "envs" / "dup"), True),
    ]
    bases = [r for r in data if r["name"] == "conda:base"]
    assert bases[0]["prefix"] == str(conda["first"]) and bases[0]["shadowed"] is False
    assert bases[1]["prefix"] == str(conda["second"]) and bases[1]["shadowed"] is True
    assert all(r["shadowed"] is False for r in data if r["name"] not in ("conda:dup", "conda:base"))


def test_versions_json_selected(world, run):
    world.pin(world.project, "3.11\n")
    data = json.loads(run("versions", "--json").stdout)
    assert [r["name"] for r in data if r["selected"]] == ["3.11.7"]


def test_versions_text_star_and_shadowed(world, run):
    world.pin(world.project, "web\n")
    r = run("versions")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    starred = [line for line in lines if line.startswith("*")]
    assert len(starred) == 1 and "3.11.7/envs/web" in starred[0]
    assert any("conda:dup" in line and "(shadowed)" in line for line in lines)


def test_versions_bare_names_only(world, run):
    r = run("versions", "--bare")
    assert r.returncode == 0
    names = r.stdout.splitlines()
    for expected in ("3.8.18", "3.10.13", "3.11.7", "3.11.7/envs/web", "pypy3.10-7.3.17", "conda:ml",
                     "conda:txtonly", "system"):
        assert expected in names
    assert all(" " not in n and "\t" not in n for n in names)
    # pyenv versions sort numerically
    assert names.index("3.8.18") < names.index("3.10.13") < names.index("3.11.7")


def test_versions_with_a_missing_pin_still_lists(world, run):
    world.pin(world.project, "3.7\n")
    r = run("versions", "--bare")
    assert r.returncode == 0 and "3.8.18" in r.stdout.splitlines()


def test_versions_in_an_empty_world(roots, run):
    r = run("versions", "--json")
    assert r.returncode == 0
    data = [row for row in json.loads(r.stdout) if not row["prefix"].startswith("/opt/conda")]
    assert [row["kind"] for row in data] == ["system"]


# ----------------------------------------------------------------------- local/global


def test_local_without_args_prints_spec_and_file(py38, run):
    f = py38.pin(py38.project, "3.8\n3.9.1\n")
    sub = py38.project / "sub"
    sub.mkdir()
    r = run("local", cwd=sub)
    assert r.returncode == 0
    assert r.stdout == f"3.8 3.9.1\t(set by {f})\n"


def test_local_without_args_and_no_file(py38, run):
    r = run("local")
    assert r.returncode == 1
    assert r.stderr == "pyswitch: no local version is set for this folder; set one with: pyswitch local SPEC\n"


def test_local_several_specs(py38, run):
    assert run("local", "3.9", "3.8").returncode == 0
    assert (py38.project / ".python-version").read_text() == "3.9\n3.8\n"


def test_secondary_spec_provides_missing_commands(roots, run):
    roots.fake_version("3.12.1", commands=("python", "python3", "python3.12"))
    roots.fake_version("3.8.18", commands=("python", "python3", "python3.8"))
    roots.pin(roots.project, "3.12\n3.8\n")
    assert run("which", "python").stdout.strip() == str(roots.versions / "3.12.1" / "bin" / "python")
    assert run("which", "python3.8").stdout.strip() == str(roots.versions / "3.8.18" / "bin" / "python3.8")


@pytest.mark.parametrize("token", ["../../../tmp/x", "/abs", "a/b", "3.8\x01"])
def test_local_refuses_unsafe_specs(py38, run, token):
    r = run("local", token)
    assert r.returncode == 1
    assert r.stderr.startswith(f"pyswitch: invalid version '{repr(token)[1:-1]}'")
    assert "nothing was written" in r.stderr
    assert not (py38.project / ".python-version").exists()


def test_local_force_writes_a_missing_version(py38, run):
    r = run("local", "--force", "3.99")
    assert r.returncode == 0
    assert (py38.project / ".python-version").read_text() == "3.99\n"


def test_local_unset(py38, run):
    py38.pin(py38.project, "3.8\n")
    assert run("local", "--unset").returncode == 0
    assert not (py38.project / ".python-version").exists()
    r = run("local", "--unset")
    assert r.returncode == 1
    assert r.stderr == f"pyswitch: no .python-version in {py38.project}\n"


def test_local_conda_and_virtualenv_specs(world, run):
    assert run("local", "conda:ml", "web").returncode == 0
    assert (world.project / ".python-version").read_text() == "conda:ml\nweb\n"


def test_global_sets_reads_and_unsets(py38, run):
    r = run("global")
    assert r.stdout == "system\t(default: no global version file)\n"
    assert run("global", "3.8").returncode == 0
    assert (py38.root / "version").read_text() == "3.8\n"
    assert run("global").stdout == f"3.8\t(set by {py38.root / 'version'})\n"
    out = json.loads(run("version", "--json").stdout)
    assert out["name"] == "3.8.18" and out["origin"] == str(py38.root / "version")
    assert run("global", "--unset").returncode == 0
    assert not (py38.root / "version").exists()
    r = run("global", "--unset")
    assert r.returncode == 1 and r.stderr.startswith("pyswitch: no global version is set")


def test_global_falls_back_to_pyenvs_file(py38, run):
    (py38.pyenv_root / "version").write_text("3.9.1\n")
    assert run("global").stdout == f"3.9.1\t(set by {py38.pyenv_root / 'version'})\n"


def test_global_not_installed(py38, run):
    r = run("global", "2.6")
    assert r.returncode == 1 and r.stderr.startswith("pyswitch: version '2.6' is not installed; installed: ")
    assert not (py38.root / "version").exists()


# ---------------------------------------------------------------------- which / exec


def test_which_unknown_command_exits_127(py38, run):
    py38.pin(py38.project, "3.8\n")
    r = run("which", "no-such-command-xyz")
    assert r.returncode == 127
    assert r.stderr == "pyswitch: no-such-command-xyz: command not found\n"
    r = run("exec", "no-such-command-xyz")
    assert r.returncode == 127
    assert r.stderr == "pyswitch: no-such-command-xyz: command not found\n"


def test_which_says_where_a_missing_command_exists(roots, run):
    roots.fake_version("3.12.1")
    roots.fake_version("3.7.16", commands=("python", "tool37"))
    roots.pin(roots.project, "3.12\n")
    r = run("which", "tool37")
    assert r.returncode == 127
    assert r.stderr == "pyswitch: tool37: command not found\nit exists in: 3.7.16\n"


def test_which_falls_through_to_path_after_the_selection(py38, run):
    py38.pin(py38.project, "3.8\n")
    r = run("which", "sh")
    assert r.returncode == 0 and os.path.basename(r.stdout.strip()) == "sh"


def test_which_refuses_a_path(py38, run):
    py38.pin(py38.project, "3.8\n")
    r = run("which", "../bin/python")
    assert r.returncode == 127


def test_which_missing_primary_exits_1(py38, run):
    f = py38.pin(py38.project, "3.7\n")
    r = run("which", "python")
    assert r.returncode == 1
    assert r.stderr == (f"pyswitch: version '3.7' is not installed (set by {f}); "
                        "installed: 3.8.9, 3.8.18, 3.9.1; try: pyswitch install 3.7\n")
    r = run("exec", "python", "-c", "pass")
    assert r.returncode == 1 and r.stderr.startswith("pyswitch: version '3.7' is not installed")


def test_which_without_argument_is_usage_error(py38, run):
    assert run("which").returncode == 2


def test_system_spec_runs_path_python(roots, run):
    roots.pin(roots.project, "system\n")
    r = run("which", "python")
    assert r.returncode == 0
    assert not r.stdout.startswith(str(roots.versions))


def test_pyswitch_version_env_through_exec(py38, run):
    py38.pin(py38.project, "3.9.1\n")
    r = run("exec", "python", "-c", "import sys; print(sys.version)", env={"PYSWITCH_VERSION": "3.8"})
    assert r.stdout.startswith("3.8.18 ")


# ---------------------------------------------------------------- project venv, trust


def make_venv(project: Path, home: Path, python_target: Path, version: str) -> Path:
    """A venv laid out as `python -m venv` makes it (bin/python a symlink, pyvenv.cfg home)."""
    venv = project / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(python_target)
    (venv / "pyvenv.cfg").write_text(f"home = {home}\ninclude-system-site-packages = false\nversion = {version}\n")
    return venv


@pytest.fixture
def venv_project(py38):
    py38.pin(py38.project, "3.8\n")
    real_bin = real_version("3.8.18") / "bin"
    # home written as the real path; the interpreter is reached through the symlinked version:
    # the two must compare equal once symlinks are resolved on both sides
    return make_venv(py38.project, real_bin, py38.versions / "3.8.18" / "bin" / "python", "3.8.18")


def test_untrusted_venv_is_never_selected(py38, venv_project, run):
    out = json.loads(run("version", "--json").stdout)
    assert out["kind"] == "pyenv" and out["name"] == "3.8.18"
    r = run("version")
    assert r.stderr == (f"pyswitch: project venv {venv_project} is ignored until you trust it: "
                        f"pyswitch trust {py38.project}\n")
    assert run("which", "python").stdout.strip() == str(py38.versions / "3.8.18" / "bin" / "python")
    r = run("exec", "python", "-c", "import sys; print(sys.prefix)")
    assert r.stdout.strip() != str(venv_project)


def test_trust_selects_the_venv_and_revoke_undoes_it(py38, venv_project, run):
    r = run("trust")
    assert r.returncode == 0 and r.stdout == f"trusted: {venv_project}\n"
    out = json.loads(run("version", "--json").stdout)
    assert out["kind"] == "venv" and out["prefix"] == str(venv_project)
    assert out["python_version"] == "3.8.18"
    assert run("version").stdout.startswith(f"3.8.18 with venv {venv_project} (set by ")
    assert run("which", "python").stdout.strip() == str(venv_project / "bin" / "python")
    r = run("exec", "python", "-c", "import sys; print(sys.prefix); print(sys.version)")
    prefix, version = r.stdout.splitlines()[:2]
    assert prefix == str(venv_project) and version.startswith("3.8.18 ")
    assert rows(run("versions", "--json"))[str(venv_project)]["kind"] == "venv"

    r = run("trust", "--revoke")
    assert r.returncode == 0 and r.stdout == f"no longer trusted: {venv_project}\n"
    assert json.loads(run("version", "--json").stdout)["kind"] == "pyenv"
    r = run("trust", "--revoke")
    assert r.returncode == 1 and r.stderr == f"pyswitch: {venv_project} is not trusted\n"


def test_trust_from_a_subfolder_with_dir_argument(py38, venv_project, run):
    sub = py38.project / "src"
    sub.mkdir()
    assert run("trust", "..", cwd=sub).returncode == 0
    out = json.loads(run("version", "--json", cwd=sub).stdout)
    assert out["kind"] == "venv"


def test_trust_without_dir_from_a_subfolder_trusts_the_project_that_decides_there(py38, venv_project, run):
    """The hook's "run 'pyswitch trust'" is shown in subfolders too; it must work there."""
    sub = py38.project / "src" / "pkg"
    sub.mkdir(parents=True)
    r = run("trust", cwd=sub)
    assert r.returncode == 0 and r.stdout == f"trusted: {venv_project}\n", r.stderr
    assert json.loads(run("version", "--json", cwd=sub).stdout)["kind"] == "venv"
    # a subfolder pinned on its own, with no venv: its own folder, and the usual error
    py38.pin(sub, "3.8\n")
    r = run("trust", cwd=sub)
    assert r.returncode == 1 and r.stderr.startswith(f"pyswitch: no venv in {sub} "), r.stderr


def test_trust_is_per_real_path(py38, venv_project, run, tmp_path):
    alias = tmp_path / "alias"
    alias.symlink_to(py38.project)
    assert run("trust", str(alias)).returncode == 0
    assert json.loads(run("version", "--json").stdout)["kind"] == "venv"
    assert (py38.root / "trusted").read_text().splitlines() == [os.path.realpath(venv_project)]


def test_trust_a_dir_without_venv_fails(py38, run):
    other = py38.project / "novenv"
    other.mkdir()
    r = run("trust", str(other))
    assert r.returncode == 1
    assert r.stderr == f"pyswitch: no venv in {other} (looked for {other / '.venv'}/pyvenv.cfg)\n"
    assert not (py38.root / "trusted").exists()


def test_trust_a_file_is_a_one_line_error(py38, run):
    f = py38.project / "notes.txt"
    f.write_text("x")
    r = run("trust", str(f))
    assert r.returncode == 1
    assert r.stderr == f"pyswitch: {f} is not a folder: name the project folder that holds .venv\n"


def test_unwritable_root_is_a_one_line_error(py38, venv_project, run, tmp_path):
    not_a_dir = tmp_path / "root-is-a-file"
    not_a_dir.write_text("")
    for args in (("rehash",), ("trust",)):
        r = run(*args, env={"PYSWITCH_ROOT": str(not_a_dir)})
        no_traceback(r)
        assert r.returncode == 1
        assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("pyswitch: cannot write ")
        assert "(PYSWITCH_ROOT) is a writable folder" in r.stderr


def test_venv_made_from_another_interpreter_is_ignored(py38, run):
    py38.pin(py38.project, "3.8\n")
    other_bin = py38.versions / "3.9.1" / "bin"
    venv = make_venv(py38.project, other_bin, other_bin / "python", "3.9.1")
    t = run("trust")  # trusted, but still not used: it says so, with the fix
    assert t.returncode == 1 and "it is not used: it was made from" in t.stderr
    r = run("version", "--json")
    assert json.loads(r.stdout)["kind"] == "pyenv"
    assert r.stderr == (f"pyswitch: project venv {venv} is ignored: it was made from {other_bin}, not 3.8.18; "
                        f"recreate it: cd {py38.project} && pyswitch local --venv --force\n")
    assert run("which", "python").stdout.strip() == str(py38.versions / "3.8.18" / "bin" / "python")


def test_venv_without_home_is_ignored(py38, run):
    py38.pin(py38.project, "3.8\n")
    venv = py38.project / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("version = 3.8.18\n")
    run("trust")
    r = run("version", "--json")
    assert json.loads(r.stdout)["kind"] == "pyenv"
    assert f"project venv {venv} is ignored: it was made from an unknown interpreter" in r.stderr


def test_venv_beside_a_parent_pin_from_a_subfolder(py38, venv_project, run):
    run("trust")
    sub = py38.project / "a" / "b"
    sub.mkdir(parents=True)
    assert run("which", "python", cwd=sub).stdout.strip() == str(venv_project / "bin" / "python")


def test_venv_not_used_when_pyswitch_version_decides(py38, venv_project, run):
    run("trust")
    out = json.loads(run("version", "--json", env={"PYSWITCH_VERSION": "3.8"}).stdout)
    assert out["kind"] == "pyenv"


def test_venv_dir_from_config(py38, run):
    py38.pin(py38.project, "3.8\n")
    (py38.tmp / "config.toml").write_text('venv_dir = "env"\n')
    venv = py38.project / "env"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(py38.versions / "3.8.18" / "bin" / "python")
    (venv / "pyvenv.cfg").write_text(f"home = {py38.versions / '3.8.18' / 'bin'}\n")
    assert run("trust").stdout == f"trusted: {venv}\n"
    assert json.loads(run("version", "--json").stdout)["prefix"] == str(venv)


# ---------------------------------------------------------------------------- config


@pytest.mark.parametrize("text,expected", [
    ("x = [", "pyswitch: invalid TOML in config {path}: "),
    ("colour = 'blue'\n", "pyswitch: unknown key 'colour' in config {path}; known keys: auto_activate, "
                          "conda_roots, pyenv_root, venv_dir"),
    ("auto_activate = 'yes'\n", "pyswitch: key 'auto_activate' in config {path} must be true or false, not str 'yes'"),
    ("conda_roots = '/opt/x'\n", "pyswitch: key 'conda_roots' in config {path} must be a list of strings, "
                                 "not str '/opt/x'"),
    ("conda_roots = [1]\n", "pyswitch: key 'conda_roots' in config {path} must be a list of strings"),
    ("pyenv_root = 3\n", "pyswitch: key 'pyenv_root' in config {path} must be a string, not int 3"),
    ("venv_dir = '../x'\n", "pyswitch: key 'venv_dir' in config {path} must be a plain folder name"),
])
@pytest.mark.parametrize("command", [("versions",), ("version",), ("local",), ("which", "python")])
def test_config_errors_are_one_line(roots, run, text, expected, command):
    cfg = roots.tmp / "config.toml"
    cfg.write_bytes(text.encode())
    r = run(*command)
    assert r.returncode == 1
    assert r.stdout == ""
    no_traceback(r)
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith(expected.format(path=cfg))


def test_config_error_not_utf8(roots, run):
    cfg = roots.tmp / "config.toml"
    cfg.write_bytes(b"venv_dir = '\xff'\n")
    r = run("versions")
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith(f"pyswitch: invalid TOML in config {cfg}")
    no_traceback(r)


def test_config_conda_roots_and_env_var_wins(roots, run, tmp_path):
    a = roots.conda_root(tmp_path / "ca", "3.11.7")
    roots.conda_env(a / "envs" / "from-config", "3.10.13")
    b = roots.conda_root(tmp_path / "cb", "3.11.7")
    roots.conda_env(b / "envs" / "from-env", "3.10.13")
    (roots.tmp / "config.toml").write_text(f'conda_roots = ["{a}"]\n')
    names = run("versions", "--bare").stdout.splitlines()
    assert "conda:from-config" in names and "conda:from-env" not in names
    names = run("versions", "--bare", env={"PYSWITCH_CONDA_ROOTS": str(b)}).stdout.splitlines()
    assert "conda:from-env" in names and "conda:from-config" not in names


def test_config_pyenv_root_used_when_env_unset(roots, script_runner, tmp_path):
    other = tmp_path / "other-pyenv"
    fake_python(other / "versions" / "3.6.15" / "bin" / "python", "3.6.15")
    (roots.tmp / "config.toml").write_text(f'pyenv_root = "{other}"\n')
    env = {k: v for k, v in roots.env.items() if k != "PYENV_ROOT"}
    r = script_runner.run(["pyswitch", "versions", "--bare"], cwd=str(roots.project), env=env, print_result=False)
    assert "3.6.15" in r.stdout.splitlines()
    env["PYENV_ROOT"] = str(roots.pyenv_root)
    r = script_runner.run(["pyswitch", "versions", "--bare"], cwd=str(roots.project), env=env, print_result=False)
    assert "3.6.15" not in r.stdout.splitlines()


def test_valid_config_is_accepted(roots, run):
    (roots.tmp / "config.toml").write_text('auto_activate = false\nvenv_dir = ".env"\nconda_roots = []\n')
    r = run("versions", "--json")
    assert r.returncode == 0 and r.stderr == ""


# ------------------------------------------------------------------------------ help


@pytest.mark.parametrize("command", ["local", "global", "version", "versions", "which", "exec", "trust"])
def test_every_command_has_help_with_an_example(roots, run, command):
    r = run(command, "--help")
    assert r.returncode == 0
    assert "Example" in r.stdout


def test_unknown_command_is_usage_error(roots, run):
    r = run("no-such-subcommand")
    assert r.returncode == 2


def test_the_fixture_and_console_script_agree(py38, pyswitch, run):
    py38.pin(py38.project, "3.8\n")
    a = pyswitch("version", "--json")
    b = run("version", "--json")
    assert a.returncode == b.returncode == 0
    assert json.loads(a.stdout) == json.loads(b.stdout)


def test_init_and_shell_failures_are_one_line_errors(roots, pyswitch):
    """init with an unusable root, and shell with no integration, say what to do (exit 1)."""
    roots.link_version("3.8.18")
    (roots.tmp / "afile").write_text("")
    r = pyswitch("init", "bash", env={"PYSWITCH_ROOT": str(roots.tmp / "afile" / "root")})
    assert r.returncode == 1 and r.stderr.startswith("pyswitch: cannot build the shims") and "Traceback" not in r.stderr
    r = pyswitch("shell")
    assert r.returncode == 1 and "pyswitch init bash" in r.stderr
    r = pyswitch("shell", "3.8")
    assert r.returncode == 1 and "pyswitch init bash" in r.stderr
    assert "Example" in pyswitch("init", "--help").stdout
