"""`pyswitch install` hands the work to python-build, pyenv, conda, mamba or micromamba.

Every tool here is a fake script that records its arguments and prints progress lines, so the
tests check what pyswitch asked for, that the tool's output came through, and that its exit
status became pyswitch's. Nothing is downloaded or built.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import BIN, write_exe

DEFINITIONS = """3.8.17
3.8.18
3.8.19rc1
3.8-dev
3.12.0
3.12.9
3.12.10
3.12-dev
3.13.1
3.13.1t
3.13-dev
pypy3.10-7.3.12
pypy3.10-7.3.17
miniconda3-latest
"""

# what a built version looks like to pyswitch: a bin/python that answers version probes
MAKE_PYTHON = """mkdir -p "$prefix/bin"
printf '#!/bin/sh\\necho "Python %s"\\n' "$name" > "$prefix/bin/python"
chmod +x "$prefix/bin/python"
"""


def log_lines(log: Path):
    return log.read_text().splitlines() if log.exists() else []


def fake_python_build(path: Path, log: Path) -> Path:
    return write_exe(path, f"""#!/bin/sh
echo "python-build $*" >> '{log}'
if [ "$1" = "--definitions" ]; then
  cat <<'EOF'
{DEFINITIONS}EOF
  exit 0
fi
name="$1"; prefix="$2"
echo "Downloading Python-$name.tar.xz..."
echo "Installing Python-$name..." >&2
if [ -n "$FAKE_FAIL" ]; then echo "BUILD FAILED ($name)" >&2; exit "$FAKE_FAIL"; fi
{MAKE_PYTHON}
echo "Installed Python-$name to $prefix"
""")


def fake_pyenv(path: Path, log: Path) -> Path:
    return write_exe(path, f"""#!/bin/sh
echo "pyenv $* PYENV_ROOT=$PYENV_ROOT" >> '{log}'
[ "$1" = install ] || exit 1
if [ "$2" = "--list" ]; then
  echo "Available versions:"
  cat <<'EOF' | sed 's/^/  /'
{DEFINITIONS}EOF
  exit 0
fi
name="$2"; prefix="$PYENV_ROOT/versions/$name"
echo "Downloading Python-$name.tar.xz..."
if [ -n "$FAKE_FAIL" ]; then exit "$FAKE_FAIL"; fi
{MAKE_PYTHON}
echo "Installed Python-$name to $prefix"
""")


def fake_conda(path: Path, log: Path, tool: str = "conda") -> Path:
    """conda/mamba/micromamba: makes the env under its own root's envs/, as the real ones do."""
    return write_exe(path, f"""#!/bin/sh
echo "{tool} $*" >> '{log}'
root="$(cd "$(dirname "$0")/.." && pwd)"
name=""; py="3.12.1"; file=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) name="$2"; shift ;;
    -f) file="$2"; shift ;;
    python=*) py="${{1#python=}}" ;;
  esac
  shift
done
echo "Collecting package metadata (repodata.json): done"
echo "Solving environment: done" >&2
if [ -n "$FAKE_FAIL" ]; then echo "CondaError: failed" >&2; exit "$FAKE_FAIL"; fi
prefix="$root/envs/$name"
mkdir -p "$prefix/conda-meta" "$prefix/bin"
echo '{{}}' > "$prefix/conda-meta/python-$py.0-h0_0.json"
printf '#!/bin/sh\\necho "Python %s"\\n' "$py" > "$prefix/bin/python"
chmod +x "$prefix/bin/python"
echo "# To activate this environment, use: {tool} activate $name"
""")


@pytest.fixture
def tools(roots):
    """A folder for fake tools, first on PATH after the shims, and the log they write."""
    folder = roots.tmp / "tools"
    folder.mkdir()
    roots.env["PATH"] = os.pathsep.join([str(roots.root / "shims"), str(folder), str(BIN), "/usr/bin", "/bin"])
    return folder, roots.tmp / "tool.log"


# --- pyenv versions -----------------------------------------------------------------------------
def test_a_prefix_builds_the_newest_release_definition(roots, pyswitch, tools):
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    r = pyswitch("install", "3.12")
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == ["python-build --definitions",
                              f"python-build 3.12.10 {roots.versions / '3.12.10'}"]
    assert "Downloading Python-3.12.10.tar.xz..." in r.stdout      # the tool's own output came through
    assert "Installing Python-3.12.10..." in r.stderr
    assert "with python-build" in r.stdout
    assert (roots.versions / "3.12.10" / "bin" / "python").exists()


@pytest.mark.parametrize("spec, chosen", [("3.8", "3.8.18"), ("3.13", "3.13.1"), ("3", "3.13.1"),
                                          ("python-3.8", "3.8.18"), ("3.8.17", "3.8.17"),
                                          ("pypy3.10", "pypy3.10-7.3.17"), ("miniconda3-latest", "miniconda3-latest"),
                                          ("3.8-dev", "3.8-dev")])
def test_a_prefix_never_picks_dev_rc_or_free_threaded_builds(roots, pyswitch, tools, spec, chosen):
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    r = pyswitch("install", spec)
    assert r.returncode == 0, r.stderr
    assert log_lines(log)[-1] == f"python-build {chosen} {roots.versions / chosen}"


def test_the_build_tools_exit_status_becomes_pyswitchs(roots, pyswitch, tools):
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    r = pyswitch("install", "3.8.18", env={"FAKE_FAIL": "3"})
    assert r.returncode == 3
    assert "BUILD FAILED (3.8.18)" in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "pyswitch: python-build failed (exit 3) while installing 3.8.18"


def test_python_build_is_found_in_pyenvs_plugins(roots, pyswitch, tools):
    _, log = tools
    fake_python_build(roots.pyenv_root / "plugins" / "python-build" / "bin" / "python-build", log)
    r = pyswitch("install", "3.8")
    assert r.returncode == 0, r.stderr
    assert log_lines(log)[-1] == f"python-build 3.8.18 {roots.versions / '3.8.18'}"


def test_pyenv_install_is_used_when_there_is_no_python_build(roots, pyswitch, tools):
    folder, log = tools
    fake_pyenv(folder / "pyenv", log)
    r = pyswitch("install", "3.12")
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == [f"pyenv install --list PYENV_ROOT={roots.pyenv_root}",
                              f"pyenv install 3.12.10 PYENV_ROOT={roots.pyenv_root}"]
    assert "Installed Python-3.12.10" in r.stdout
    assert (roots.versions / "3.12.10" / "bin" / "python").exists()


def test_pyenv_in_pyenv_root_is_found_too(roots, pyswitch, tools):
    _, log = tools
    fake_pyenv(roots.pyenv_root / "bin" / "pyenv", log)
    r = pyswitch("install", "3.8", env={"FAKE_FAIL": "5"})
    assert r.returncode == 5
    assert log_lines(log)[-1] == f"pyenv install 3.8.18 PYENV_ROOT={roots.pyenv_root}"
    assert "pyswitch: pyenv failed (exit 5)" in r.stderr


def test_a_missing_python_build_is_one_line_naming_it_and_how_to_get_it(roots, pyswitch, tools):
    r = pyswitch("install", "3.12")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("pyswitch: python-build not found")
    assert "install pyenv" in lines[0] and "https://github.com/pyenv/pyenv" in lines[0]


def test_installing_something_installed_says_so_and_runs_nothing(roots, pyswitch, tools):
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    roots.fake_version("3.8.18")
    for spec in ("3.8", "3.8.18"):
        r = pyswitch("install", spec)
        assert r.returncode == 0, r.stderr
        assert "already installed" in r.stdout
    assert log_lines(log) == ["python-build --definitions"]  # asked whether 3.8 means a newer one; built nothing


def test_a_prefix_builds_a_newer_definition_than_the_one_installed(roots, pyswitch, tools):
    # SPEC 6: a prefix picks the newest matching release definition, as `pyenv install 3.12` does
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    roots.fake_version("3.12.9")
    r = pyswitch("install", "3.12")
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == ["python-build --definitions", f"python-build 3.12.10 {roots.versions / '3.12.10'}"]
    # a version file's 3.12 is satisfied by what is installed: `install` with no spec builds nothing
    log.unlink()
    roots.fake_version("3.13.0")
    roots.pin(roots.project, "3.13\n")
    r = pyswitch("install")
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == []


def test_a_spec_no_definition_matches_is_an_error(roots, pyswitch, tools):
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    r = pyswitch("install", "3.99")
    assert r.returncode == 1
    assert "no python-build definition matches '3.99'" in r.stderr
    assert "python-build --definitions" in r.stderr
    assert log_lines(log) == ["python-build --definitions"]


@pytest.mark.parametrize("spec", ["../../etc", "/usr", "3.8/../../x", "a\x01b"])
def test_a_spec_that_is_a_path_is_refused_before_anything_runs(roots, pyswitch, tools, spec):
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    r = pyswitch("install", spec)
    assert r.returncode == 1
    assert r.stderr.startswith("pyswitch: invalid version")
    assert log_lines(log) == []


def test_python_option_is_only_for_conda(roots, pyswitch, tools):
    r = pyswitch("install", "3.8", "--python", "3.9")
    assert r.returncode == 1
    assert "--python only applies to conda:NAME" in r.stderr


def test_install_rehashes_afterwards(roots, pyswitch, tools):
    pytest.importorskip("pyswitch.shims")
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    r = pyswitch("install", "3.12")
    assert r.returncode == 0, r.stderr
    assert (roots.root / "shims" / "python").exists()


# --- conda ----------------------------------------------------------------------------------------
def test_conda_create_with_python(roots, pyswitch, tools):
    _, log = tools
    fake_conda(roots.home / "miniconda3" / "bin" / "conda", log)
    (roots.home / "miniconda3" / "envs").mkdir()
    r = pyswitch("install", "conda:ml", "--python", "3.8",
                 env={"PATH": f"{roots.home / 'miniconda3' / 'bin'}{os.pathsep}{roots.env['PATH']}"})
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == ["conda create -n ml python=3.8 -y"]
    assert "with conda" in r.stdout and "Collecting package metadata" in r.stdout
    assert "Solving environment: done" in r.stderr
    assert (roots.home / "miniconda3" / "envs" / "ml" / "conda-meta").is_dir()
    again = pyswitch("install", "conda:ml")
    assert again.returncode == 0 and "already installed" in again.stdout
    assert len(log_lines(log)) == 1


def test_conda_without_python_asks_for_the_newest(roots, pyswitch, tools):
    folder, log = tools
    fake_conda(folder / "conda", log)
    r = pyswitch("install", "conda:web")
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == ["conda create -n web python -y"]


@pytest.mark.parametrize("setup, used", [
    ({"CONDA_EXE": "conda", "MAMBA_EXE": "micromamba", "path": ["mamba", "conda"]}, "conda"),
    ({"MAMBA_EXE": "micromamba", "path": ["conda", "mamba"]}, "micromamba"),
    ({"path": ["conda", "mamba", "micromamba"]}, "conda"),
    ({"path": ["mamba", "micromamba"]}, "mamba"),
    ({"path": ["micromamba"]}, "micromamba"),
])
def test_conda_mamba_micromamba_first_found_in_spec_order(roots, pyswitch, tools, setup, used):
    folder, log = tools
    env = {}
    for var in ("CONDA_EXE", "MAMBA_EXE"):
        if var in setup:
            tool = setup[var]
            env[var] = str(fake_conda(roots.tmp / var.lower() / "bin" / tool, log, tool=f"{var}:{tool}"))
    for tool in setup["path"]:
        fake_conda(folder / tool, log, tool=f"PATH:{tool}")
    r = pyswitch("install", "conda:x", "--python", "3.11", env=env)
    assert r.returncode == 0, r.stderr
    (line,) = log_lines(log)
    assert line.endswith(f"{used} create -n x python=3.11 -y")
    expected_source = next((v for v in ("CONDA_EXE", "MAMBA_EXE") if v in setup), "PATH")
    assert line.startswith(f"{expected_source}:")
    assert f"with {used} (" in r.stdout


def test_conda_exit_status_becomes_pyswitchs(roots, pyswitch, tools):
    folder, log = tools
    fake_conda(folder / "mamba", log, tool="mamba")
    r = pyswitch("install", "conda:x", env={"FAKE_FAIL": "7"})
    assert r.returncode == 7
    assert "CondaError: failed" in r.stderr
    assert "pyswitch: mamba failed (exit 7) while installing conda:x" in r.stderr


def test_a_missing_conda_is_one_line_naming_the_tools(roots, pyswitch, tools):
    r = pyswitch("install", "conda:ml")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no conda, mamba or micromamba found" in lines[0] and "Miniforge" in lines[0]


def test_conda_python_option_must_be_a_version(roots, pyswitch, tools):
    folder, log = tools
    fake_conda(folder / "conda", log)
    r = pyswitch("install", "conda:x", "--python", "3.8; rm -rf /")
    assert r.returncode == 1 and "is not a version" in r.stderr
    assert log_lines(log) == []


# --- no spec: what a cloned project asks for ----------------------------------------------------
@pytest.fixture
def cloned(roots, tools):
    folder, log = tools
    fake_python_build(folder / "python-build", log)
    conda_bin = roots.home / "miniconda3" / "bin"
    fake_conda(conda_bin / "conda", log)
    (roots.home / "miniconda3" / "envs").mkdir()
    roots.env["PATH"] = os.pathsep.join([roots.env["PATH"], str(conda_bin)])
    roots.fake_version("3.11.7")
    project = roots.tmp / "cloned"
    roots.pin(project, "3.12  # main\n3.8\n3.11\nconda:legacy\n")
    (project / "environment.yml").write_text("name: whatever\ndependencies:\n  - python=3.7\n")
    return project, log


def test_install_with_no_spec_installs_every_missing_line(roots, pyswitch, cloned):
    project, log = cloned
    sub = project / "src"
    sub.mkdir()
    r = pyswitch("install", cwd=sub)
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == [
        "python-build --definitions",
        f"python-build 3.12.10 {roots.versions / '3.12.10'}",
        f"python-build 3.8.18 {roots.versions / '3.8.18'}",
        f"conda env create -f {project / 'environment.yml'} -n legacy",
    ]
    assert "3.11 (3.11.7) is already installed" in r.stdout
    assert "Installed Python-3.12.10" in r.stdout and "Installed Python-3.8.18" in r.stdout
    assert f"creating conda:legacy from {project / 'environment.yml'} with conda" in r.stdout
    # everything there now: a second run does nothing
    again = pyswitch("install", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "nothing to install" in again.stdout
    assert len(log_lines(log)) == 4
    assert pyswitch("version", cwd=project).returncode == 0


def test_install_with_no_spec_uses_environment_yaml_too(roots, pyswitch, cloned):
    project, log = cloned
    (project / "environment.yml").rename(project / "environment.yaml")
    roots.pin(project, "conda:legacy\n")
    r = pyswitch("install", cwd=project)
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == [f"conda env create -f {project / 'environment.yaml'} -n legacy"]


def test_micromamba_creates_from_the_file_with_its_own_arguments(roots, pyswitch, tools):
    folder, log = tools
    fake_conda(folder / "micromamba", log, tool="micromamba")
    project = roots.tmp / "p"
    roots.pin(project, "conda:legacy\n")
    (project / "environment.yml").write_text("dependencies: [python=3.7]\n")
    r = pyswitch("install", cwd=project)
    assert r.returncode == 0, r.stderr
    assert log_lines(log) == [f"micromamba create -y -n legacy -f {project / 'environment.yml'}"]


def test_install_with_no_spec_stops_at_the_first_failure_with_its_status(roots, pyswitch, cloned):
    project, log = cloned
    r = pyswitch("install", cwd=project, env={"FAKE_FAIL": "4"})
    assert r.returncode == 4
    assert log_lines(log) == ["python-build --definitions", f"python-build 3.12.10 {roots.versions / '3.12.10'}"]


def test_install_with_no_spec_and_no_version_file_says_what_to_do(roots, pyswitch, tools):
    r = pyswitch("install", cwd=roots.tmp)
    assert r.returncode == 1
    assert "nothing to install" in r.stderr and "pyswitch install 3.12" in r.stderr


def test_install_help_has_an_example(pyswitch):
    r = pyswitch("install", "--help")
    assert r.returncode == 0
    assert "pyswitch install conda:ml --python 3.11" in r.stdout
