"""`pyswitch check`: the selected environment against what the project declares (SPEC section 8).

Environments are fabricated (dist-info folders, conda-meta records), so each case is a few
files and one run; test_export.py covers the real venvs.
"""
from __future__ import annotations

import json
import os

import pytest

from fabricated import conda_world, dist_info, fake_interpreter, flit_project

INSTALLED = [("six", "1.16.0"), ("PySocks", "1.7.1"), ("typing_extensions", "4.9.0"), ("jaraco.functools", "4.0.0"),
             ("pandas", "2.1.0"), ("pip", "23.2.1")]


@pytest.fixture
def venvish(roots):
    """A project pinned to a fabricated 3.11.7 with a handful of packages; returns its site-packages."""
    site = fake_interpreter(roots, "3.11.7", INSTALLED)
    roots.pin(roots.project, "3.11.7\n")
    return site


def declare(roots, text, name="requirements.txt"):
    path = roots.project / name
    path.write_text(text)
    return path


# --- requirements files -------------------------------------------------------------------------------
def test_a_matching_environment_exits_0_and_prints_nothing(roots, pyswitch, venvish):
    declare(roots, "# the app's dependencies\nsix==1.16.0\npysocks>=1.7\nTyping-Extensions~=4.9\n"
                   "Jaraco_Functools\npandas[performance] >=2, <3   # inline comment\n\n")
    r = pyswitch("check")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_each_difference_is_one_line_and_exit_1(roots, pyswitch, venvish):
    declare(roots, "pandas==2.0.3\nnumpy==1.24.3\nscipy\nsix>=1.16\n")
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stdout.splitlines() == ["different pandas: 2.1.0 installed, ==2.0.3 required",
                                     "missing numpy==1.24.3",
                                     "missing scipy"]
    assert r.stderr == ""


def test_check_reads_the_installed_version_as_pip_and_export_do(roots, pyswitch):
    # on Python < 3.11 pip takes the version from the .dist-info folder's name, not METADATA
    site = fake_interpreter(roots, "3.8.18", [("pip", "24.2")])
    dist_info(site, "odd-pkg", "1.0", folder="odd_pkg-2.0.dist-info")
    roots.pin(roots.project, "3.8.18\n")
    exported = pyswitch("export", "-o", "requirements.txt")
    assert exported.returncode == 0, exported.stderr
    assert "odd-pkg==2.0" in (roots.project / "requirements.txt").read_text().splitlines()
    r = pyswitch("check")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    declare(roots, "odd-pkg==1.0\n")
    r = pyswitch("check")
    assert (r.returncode, r.stdout) == (1, "different odd-pkg: 2.0 installed, ==1.0 required\n")


def test_extra_packages_count_only_against_an_exported_file(roots, pyswitch, venvish):
    declare(roots, "six==1.16.0\n")
    assert pyswitch("check").returncode == 0  # a hand-written list names what the project needs, not all
    declare(roots, "# python 3.11.7 (3.11.7)\nsix==1.16.0\nPySocks==1.7.1\n")
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stdout.splitlines() == ["extra jaraco.functools 4.0.0", "extra pandas 2.1.0",
                                     "extra typing_extensions 4.9.0"]  # pip freeze's order; pip itself never counts


def test_export_then_check_round_trips(roots, pyswitch, venvish):
    assert pyswitch("export", "-o", "requirements.txt").returncode == 0
    assert pyswitch("check").returncode == 0
    dist_info(venvish, "torch", "2.1.0")
    r = pyswitch("check")
    assert (r.returncode, r.stdout) == (1, "extra torch 2.1.0\n")


def test_an_unreadable_line_is_named_with_its_file_and_line(roots, pyswitch, venvish):
    declare(roots, "six==1.16.0\n# fine\nnumpy>>1.0\npandas\n")
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == "pyswitch: requirements.txt:3: cannot read 'numpy>>1.0'\n"


@pytest.mark.parametrize("line", ["--frobnicate six", "six==1.0 --index-url x", "-e", "--hash=sha256:abc",
                                  "six==1.0 ; python_version <", "-r https://example.com/r.txt"])
def test_options_and_markers_it_cannot_read_are_errors_too(roots, pyswitch, venvish, line):
    declare(roots, f"six\n{line}\n")
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stderr.startswith("pyswitch: requirements.txt:2: cannot read '")
    assert len(r.stderr.splitlines()) == 1


def test_pip_syntax_continuations_options_constraints_and_markers(roots, pyswitch, venvish):
    (roots.project / "constraints.txt").write_text("pandas<3\n")
    declare(roots, "--index-url https://pypi.org/simple\n-c constraints.txt\n--prefer-binary\n"
                   "six==1.16.0 \\\n    --hash=sha256:abc\n"
                   "old-thing==1.0 ; python_version < \"3.8\"\n"
                   "pandas==2.1.* ; sys_platform != 'nonesuch'\n"
                   "pysocks==${SOCKS_VERSION}\n"
                   "typing_extensions==4.8.0 \\\n   # a comment ends the continuation\n")
    r = pyswitch("check", env={"SOCKS_VERSION": "1.7.1"})
    assert r.stdout.splitlines() == ["different typing_extensions: 4.9.0 installed, ==4.8.0 required"]
    assert r.returncode == 1


def test_nested_requirement_files_are_followed_and_their_errors_name_them(roots, pyswitch, venvish):
    (roots.project / "reqs").mkdir()
    (roots.project / "reqs" / "base.txt").write_text("six==1.15.0\n-r more.txt\n")
    (roots.project / "reqs" / "more.txt").write_text("pandas\n-r base.txt\n")  # a cycle is read once
    declare(roots, "-r reqs/base.txt\n")
    r = pyswitch("check")
    assert (r.returncode, r.stdout) == (1, "different six: 1.16.0 installed, ==1.15.0 required\n")
    (roots.project / "reqs" / "more.txt").write_text("\n\npandas=2\n")
    r = pyswitch("check")
    assert r.stderr == "pyswitch: reqs/more.txt:3: cannot read 'pandas=2'\n"
    declare(roots, "six\n-r missing.txt\n")
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stderr == "pyswitch: requirements.txt:2: cannot read '-r missing.txt': missing.txt does not exist\n"


def test_editable_and_direct_url_lines_are_understood(roots, pyswitch, venvish):
    proj = flit_project(roots.tmp / "app", "my-app", "myapp")
    dist_info(venvish, "my-app", "0.3", direct_url={"url": f"file://{proj}", "dir_info": {"editable": True}})
    dist_info(venvish, "vendored", "1.0", direct_url={"url": f"file://{roots.tmp}/vendored-1.0-py3-none-any.whl",
                                                      "archive_info": {}})
    sha = "c" * 40
    dist_info(venvish, "gitdep", "2.0", direct_url={"url": "https://example.com/o/gitdep.git",
                                                    "vcs_info": {"vcs": "git", "commit_id": sha,
                                                                 "requested_revision": "v2.0"}})
    declare(roots, f"-e {os.path.relpath(proj, roots.project)}\n"
                   f"vendored @ file://{roots.tmp}/vendored-1.0-py3-none-any.whl\n"
                   "gitdep @ git+https://example.com/o/gitdep.git@v2.0\n"
                   f"git+https://example.com/o/gitdep.git@{sha}#egg=gitdep\n")
    r = pyswitch("check")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    declare(roots, "gitdep @ git+https://example.com/o/gitdep.git@v3.0\n-e ../elsewhere\n")
    r = pyswitch("check")
    assert r.stdout.splitlines() == [
        f"different gitdep: git+https://example.com/o/gitdep.git@{sha} installed, "
        "@ git+https://example.com/o/gitdep.git@v3.0 required",
        "missing -e ../elsewhere"]
    # the constraint as written, relative paths included (SPEC 8's JSON `required`)
    declare(roots, "-e ../elsewhere\n./wheels/vendored-2.0-py3-none-any.whl\n")
    rows = json.loads(pyswitch("check", "--json").stdout)
    assert [row["required"] for row in rows] == ["-e ../elsewhere", "./wheels/vendored-2.0-py3-none-any.whl"]


def test_markers_are_evaluated_for_the_environments_python(roots, pyswitch, venvish):
    # pyswitch runs on another Python: its own implementation_version must not decide
    declare(roots, 'nosuch2 ; implementation_version < "3.12"\n'
                   'nosuch3 ; python_full_version == "3.11.7"\n'
                   'nosuch4 ; python_version >= "3.12"\n')
    r = pyswitch("check")
    assert r.stdout.splitlines() == ['missing nosuch2 ; implementation_version < "3.12"',
                                     'missing nosuch3 ; python_full_version == "3.11.7"']


def test_json_lists_the_differences_with_stable_keys(roots, pyswitch, venvish):
    declare(roots, "pandas==2.0.3\nnumpy\n")
    r = pyswitch("check", "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout) == [
        {"kind": "different", "name": "pandas", "source": "pip", "installed": "2.1.0", "required": "==2.0.3",
         "file": "requirements.txt", "line": 1, "message": "different pandas: 2.1.0 installed, ==2.0.3 required"},
        {"kind": "missing", "name": "numpy", "source": "pip", "installed": None, "required": None,
         "file": "requirements.txt", "line": 2, "message": "missing numpy"},
    ]
    declare(roots, "six\n")
    r = pyswitch("check", "--json")
    assert (r.returncode, json.loads(r.stdout)) == (0, [])


def test_requires_python_of_the_project_is_checked_too(roots, pyswitch, venvish):
    declare(roots, "six\n")
    (roots.project / "pyproject.toml").write_text('[project]\nname = "app"\nrequires-python = ">=3.12"\n')
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stdout == "different python: 3.11.7 installed, >=3.12 required (requires-python in pyproject.toml)\n"
    row, = json.loads(pyswitch("check", "--json").stdout)
    assert (row["file"], row["required"], row["line"]) == ("pyproject.toml", ">=3.12", None)
    (roots.project / "pyproject.toml").write_text('[project]\nname = "app"\nrequires-python = ">=3.8"\n')
    assert pyswitch("check").returncode == 0


def test_the_default_file_is_beside_the_version_file_that_selected_the_env(roots, pyswitch, venvish):
    declare(roots, "numpy\n")
    sub = roots.project / "src" / "pkg"
    sub.mkdir(parents=True)
    r = pyswitch("check", cwd=sub)
    assert (r.returncode, r.stdout) == (1, "missing numpy\n")
    r = pyswitch("check", "../../requirements.txt", cwd=sub)
    assert (r.returncode, r.stdout) == (1, "missing numpy\n")


def test_nothing_to_compare_with_is_a_one_line_error_saying_what_was_looked_for(roots, pyswitch, venvish):
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stderr == (f"pyswitch: nothing to check against: no requirements.txt in {roots.project} "
                        f"(beside {roots.project / '.python-version'}); name one: pyswitch check FILE\n")
    r = pyswitch("check", "nope.txt")
    assert (r.returncode, r.stderr) == (1, "pyswitch: nope.txt does not exist\n")
    r = pyswitch("check", ".")
    assert (r.returncode, r.stderr) == (1, "pyswitch: cannot read .: not a regular file\n")


def test_a_file_that_is_not_utf8_is_named_with_the_line(roots, pyswitch, venvish):
    (roots.project / "requirements.txt").write_bytes(b"six\ncaf\xe9==1\n")
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stderr.startswith("pyswitch: requirements.txt:2: cannot read 'caf")


# --- environment.yml and conda envs ----------------------------------------------------------------------
@pytest.fixture
def ml(roots):
    env = conda_world(roots)
    env.record("_libgcc_mutex", "0.1", "conda_forge")
    env.python_package("numpy", "1.24.3", "py311h64a7726_0")
    env.python_package("pandas", "2.1.0", "py311h320fe9a_0")
    env.pip_package("requests", "2.31.0")
    return env


def test_an_exported_conda_env_round_trips_and_drift_is_named(roots, pyswitch, ml):
    r = pyswitch("export", "-o", "environment.yml")
    assert (r.returncode, r.stderr) == (0, "")
    r = pyswitch("check")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    ml.remove("numpy")
    ml.record("numpy", "1.26.4", "py311h64a7726_0")
    ml.remove("_libgcc_mutex")
    ml.record("torch", "2.1.0", "cpu_py311h_0")
    ml.pip_package("httpx", "0.27.0")
    r = pyswitch("check")
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "missing _libgcc_mutex=0.1=conda_forge",
        "different numpy: 1.26.4=py311h64a7726_0 installed, =1.24.3=py311h64a7726_0 required",
        "extra torch 2.1.0",
        "extra httpx 0.27.0",
    ]


def test_conda_specs_compare_as_conda_reads_them(roots, pyswitch, ml):
    declare(roots, """name: ml
channels: [conda-forge]
dependencies:
  - NumPy=1.24          # fuzzy: 1.24.*
  - conda-forge::pandas>=2,<3
  - python=3.11
  - numpy 1.24.3 py311h64a7726_0
  - pip
  - pip:
      - Requests>=2.31
""", "environment.yml")
    r = pyswitch("check")
    assert (r.returncode, r.stdout) == (1, "missing pip\n")
    declare(roots, """dependencies:
  - numpy==1.24
  - pandas=2.1.0=py311h_other_0
  - python=3.12
  - scipy
  - pip:
      - requests==2.30.0
      - rich
""", "environment.yml")
    r = pyswitch("check")
    assert r.stdout.splitlines() == [
        "different numpy: 1.24.3 installed, ==1.24 required",
        "different pandas: 2.1.0=py311h320fe9a_0 installed, =2.1.0=py311h_other_0 required",
        "different python: 3.11.7 installed, =3.12 required",
        "missing scipy",
        "different requests: 2.31.0 installed, ==2.30.0 required",
        "missing rich",
    ]


def test_an_unreadable_dependency_is_named_with_its_line(roots, pyswitch, ml):
    declare(roots, "name: ml\ndependencies:\n  - numpy\n  - numpy>>1\n", "environment.yml")
    r = pyswitch("check")
    assert (r.returncode, r.stdout, r.stderr) == (1, "", "pyswitch: environment.yml:4: cannot read 'numpy>>1'\n")
    declare(roots, "name: ml\ndependencies:\n  - pip:\n      - requests\n      - req uests\n", "environment.yml")
    assert pyswitch("check").stderr == "pyswitch: environment.yml:5: cannot read 'req uests'\n"
    declare(roots, "name: ml\ndependencies:\n  - numpy\n  - [pandas\n", "environment.yml")
    r = pyswitch("check")
    assert r.returncode == 1 and r.stderr.startswith("pyswitch: environment.yml:")
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1


def test_a_conda_env_looks_for_environment_yml(roots, pyswitch, ml):
    declare(roots, "numpy\n")  # a requirements.txt is not what a conda env is compared with by default
    r = pyswitch("check")
    assert r.returncode == 1
    assert "no environment.yml in" in r.stderr
    r = pyswitch("check", "requirements.txt")  # but can be named
    assert (r.returncode, r.stdout) == (0, "")


# --- pyswitch install, with no spec ---------------------------------------------------------------------
def test_install_with_no_spec_reports_what_check_would_without_failing(roots, pyswitch, venvish):
    declare(roots, "six==1.16.0\npandas==2.0.3\n")
    r = pyswitch("install")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "nothing to install: everything is already there" in lines
    assert lines[-2:] == ["check: 3.11.7 against requirements.txt: 1 difference",
                          "different pandas: 2.1.0 installed, ==2.0.3 required"]
    declare(roots, "six==1.16.0\n")
    assert pyswitch("install").stdout.splitlines()[-1] == "check: 3.11.7 against requirements.txt: everything matches"


def test_install_reports_an_unreadable_declaration_without_failing(roots, pyswitch, venvish):
    declare(roots, "six>>1\n")
    r = pyswitch("install")
    assert r.returncode == 0
    assert r.stdout.splitlines()[-1] == "check: requirements.txt:1: cannot read 'six>>1'"


def test_check_help_has_examples(pyswitch):
    r = pyswitch("check", "--help")
    assert r.returncode == 0
    assert "pyswitch check requirements-dev.txt" in r.stdout
