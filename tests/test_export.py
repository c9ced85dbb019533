"""`pyswitch export`: the selected environment's exact state, read from disk (SPEC section 8).

Against the real thing: venvs made from the machine's interpreters, with packages installed
from the shared wheel cache (plus a local folder, a local wheel, a git URL and two editables),
whose `pip freeze` the export must equal line for line. conda envs are fabricated as conda lays
them out (there is no conda here); their expected export is written out in full.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Dict

import pytest

from conftest import BIN, Roots, real_version
from fabricated import (DEFAULTS, conda_world, dist_info, fake_interpreter, fast_venv, flit_project, git_repo,
                        handmade_wheel, pip_freeze, pip_install, wheels)  # noqa: F401 - wheels is a fixture

REAL_VERSIONS = ["3.8.18", "3.12.1", "3.13.0"]  # pip 23.0.1 (pkg_resources), 23.2.1, 24.2
FULL = "3.12.1"


def run(roots: Roots, *args, cwd: Path = None, env: Dict[str, str] = None):
    full = dict(roots.env, **(env or {}))
    return subprocess.run([str(BIN / "pyswitch"), *map(str, args)], cwd=str(cwd or roots.project), env=full,
                          capture_output=True, text=True, timeout=120)


# --- real venvs, real pip freeze ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def local_projects(tmp_path_factory, wheels):
    """Projects every real venv installs from: a plain folder, a wheel file, git repositories."""
    base = tmp_path_factory.mktemp("projects")
    flit_project(base / "plain", "My_Local", "mylocal")
    flit_project(base / "edit", "ed-proj", "edproj")
    flit_project(base / "gitedit" / "sub", "Git.Edit", "gitedit")
    (base / "gitedit" / "README").write_text("the project is in sub/\n")
    commit_edit = git_repo(base / "gitedit", "git@example.com:team/gitedit.git")
    flit_project(base / "gitdirect", "git_direct", "gitdirect")
    commit_direct = git_repo(base / "gitdirect", None)
    wheel = handmade_wheel(base, "Hand-Made", "1.0", "handmade")
    return {"base": base, "wheel": wheel, "commit_edit": commit_edit, "commit_direct": commit_direct}


@pytest.fixture(scope="session", params=REAL_VERSIONS)
def real_venv(request, tmp_path_factory, wheels, local_projects):
    """A project pinned to a real interpreter with a trusted .venv full of packages."""
    version = request.param
    real_version(version)
    roots = Roots(tmp_path_factory.mktemp(f"venv-{version}"))
    base = roots.link_version(version)
    roots.pin(roots.project, f"{version}\n")
    py = fast_venv(base / "bin" / "python", roots.project / ".venv")
    assert run(roots, "trust").returncode == 0
    p = local_projects
    wanted = ["six", "PySocks", "typing_extensions", "more-itertools", "jaraco.functools", "wheel", str(p["wheel"])]
    if version != FULL:
        pip_install(py, wheels, *wanted)
        return roots, version
    # one interpreter gets the installs that need a build too (seconds each): folder, git URL, editables
    pip_install(py, wheels, *wanted, "flit_core")
    pip_install(py, wheels, "--no-build-isolation", str(p["base"] / "plain"),
                f"git+file://{p['base'] / 'gitdirect'}@{p['commit_direct']}",
                "-e", str(p["base"] / "edit"), "-e", str(p["base"] / "gitedit" / "sub"))
    return roots, version


def test_export_of_a_real_venv_is_pip_freeze_line_for_line(real_venv, local_projects):
    roots, version = real_venv
    r = run(roots, "export")
    assert r.returncode == 0, r.stderr
    frozen = pip_freeze(roots.project / ".venv" / "bin" / "python", roots.tmp, roots.env)
    lines = r.stdout.splitlines()
    assert lines[0] == f"# python {version} ({version})"
    assert lines[1:] == frozen.splitlines()
    wheel = local_projects["wheel"]
    assert any(line.split("#")[0] == f"Hand-Made @ file://{wheel}" for line in lines)  # newer pips add #sha256=
    assert ("wheel==0.42.0" in lines) == (tuple(map(int, version.split("."))) >= (3, 12)), \
        "pip >= 23.2 shows wheel on Python >= 3.12 only"
    if version != FULL:
        return
    # the forms the full set-up exercises, as pip printed them
    text = "\n".join(lines)
    base, commit = local_projects["base"], local_projects["commit_edit"]
    assert f"My_Local @ file://{base / 'plain'}" in lines
    assert f"-e git+ssh://git@example.com/team/gitedit.git@{commit}#egg=Git.Edit&subdirectory=sub" in lines
    assert f"# Editable install with no version control (ed-proj==0.1.0)\n-e {base / 'edit'}" in text
    assert f"git_direct @ git+file://{base / 'gitdirect'}@{local_projects['commit_direct']}" in lines


def test_export_json_lists_what_pip_freeze_lists(real_venv):
    roots, version = real_venv
    r = run(roots, "export", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"name", "kind", "python_version", "packages"}
    assert data["kind"] == "venv" and data["python_version"] == version
    assert data["name"] == str(roots.project / ".venv")
    names = [p["name"] for p in data["packages"]]
    assert {"six", "PySocks", "typing_extensions", "more-itertools", "jaraco.functools", "Hand-Made"} <= set(names)
    assert all(set(p) == {"name", "version", "source"} and p["source"] == "pip" for p in data["packages"])
    assert {"name": "six", "version": "1.16.0", "source": "pip"} in data["packages"]


@pytest.mark.parametrize("real_venv", [FULL], indirect=True)
def test_an_exported_real_venv_checks_clean_and_drift_is_named(real_venv):
    roots, version = real_venv
    out = roots.tmp / f"exported-{version}.txt"
    assert run(roots, "export", "-o", out).returncode == 0
    r = run(roots, "check", out)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    text = out.read_text()
    drifted = text.replace("six==1.16.0", "six==1.15.0").replace("PySocks==1.7.1\n", "") + "iniconfig==2.0.0\n"
    out.write_text(drifted)
    r = run(roots, "check", out)
    assert r.returncode == 1
    assert r.stdout.splitlines() == ["different six: 1.16.0 installed, ==1.15.0 required",
                                     "missing iniconfig==2.0.0",
                                     "extra PySocks 1.7.1"]


def test_export_of_a_real_pyenv_version_reads_it_without_writing(roots, pyswitch):
    real = real_version("3.12.1")
    site = real / "lib" / "python3.12" / "site-packages"
    before = sorted(os.listdir(site))
    roots.link_version("3.12.1")
    roots.pin(roots.project, "3.12.1\n")
    r = pyswitch("export")
    assert r.returncode == 0, r.stderr
    frozen = subprocess.run([str(real / "bin" / "python"), "-m", "pip", "freeze", "--disable-pip-version-check"],
                            capture_output=True, text=True, cwd=str(roots.tmp), env=roots.env, timeout=120)
    assert r.stdout.splitlines() == ["# python 3.12.1 (3.12.1)"] + frozen.stdout.splitlines()
    assert sorted(os.listdir(site)) == before


def test_export_of_a_legacy_venv_follows_its_old_pip(tmp_path, wheels):
    """Python 3.6's pip 18.1: pkg_resources' names, and `-f` lines for the configured find-links."""
    roots = Roots(tmp_path)
    base = roots.link_version("3.6.15")
    roots.pin(roots.project, "3.6.15\n")
    py = fast_venv(base / "bin" / "python", roots.project / ".venv")
    assert run(roots, "trust").returncode == 0
    wheel = handmade_wheel(tmp_path, "Some_Thing.Else", "2.0", "something")
    pip_install(py, wheels, "six", "PySocks", str(wheel))
    conf = tmp_path / "xdg" / "pip"
    conf.mkdir(parents=True)
    (conf / "pip.conf").write_text(f"[global]\nfind-links = {wheels}\n[freeze]\nfind-links = {tmp_path} {wheels}\n")
    packages = ["PySocks==1.7.1", "six==1.16.0", "Some-Thing.Else==2.0"]  # pip 18 reads no direct_url.json
    for env, links in (({"XDG_CONFIG_DIRS": str(tmp_path / "xdg")}, [str(tmp_path), str(wheels)]),
                       ({"PIP_FIND_LINKS": "/somewhere/else"}, ["/somewhere/else"])):
        r = run(roots, "export", env=env)
        assert r.returncode == 0, r.stderr
        frozen = pip_freeze(py, tmp_path, dict(roots.env, **env)).splitlines()
        assert r.stdout.splitlines()[1:] == frozen
        assert frozen == [f"-f {link}" for link in links] + packages


# --- pip freeze's rules, on fabricated environments (fast) -------------------------------------------
def freeze_of(roots, pyswitch, name="3.11.7"):
    roots.pin(roots.project, f"{name}\n")
    r = pyswitch("export")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"# python {name} ({name})"
    return lines[1:]


@pytest.mark.parametrize("python, pip, shown", [
    ("3.11.7", "23.2.1", []),                      # before 3.12 pip always hides them
    ("3.12.1", "23.0.1", []),                      # older pips hide them everywhere
    ("3.12.1", "23.2.1", ["setuptools==69.0.3", "wheel==0.42.0"]),
    ("3.13.0", None, ["setuptools==69.0.3", "wheel==0.42.0"]),  # no pip: the newest pip's rules
])
def test_pip_freeze_hides_pip_and_on_older_set_ups_the_build_backends(roots, pyswitch, python, pip, shown):
    dists = [("setuptools", "69.0.3"), ("wheel", "0.42.0"), ("distribute", "0.7.3"), ("six", "1.16.0")]
    site = fake_interpreter(roots, python, dists + ([("pip", pip)] if pip else []))
    dist_info(site, "argparse", "1.4.0")
    expected = sorted(shown + ["six==1.16.0"] + (["distribute==0.7.3"] if shown else []), key=str.lower)
    assert freeze_of(roots, pyswitch, python) == expected


def test_order_is_case_insensitive_by_the_name_as_written(roots, pyswitch):
    fake_interpreter(roots, "3.11.7", [("zope.interface", "6.1"), ("Babel", "2.14.0"), ("attrs", "23.2.0"),
                                       ("PyYAML", "6.0.1"), ("typing_extensions", "4.9.0"), ("Cython", "3.0.8")])
    assert freeze_of(roots, pyswitch) == ["attrs==23.2.0", "Babel==2.14.0", "Cython==3.0.8", "PyYAML==6.0.1",
                                          "typing_extensions==4.9.0", "zope.interface==6.1"]


def test_versions_are_shown_in_pep_440_normal_form_and_others_with_triple_equals(roots, pyswitch):
    site = fake_interpreter(roots, "3.11.7", [("a", "1.0.0-RC1"), ("b", "01.02"), ("c", "2.0.post0.dev1")])
    dist_info(site, "d", "not a version", folder="d.dist-info")
    assert freeze_of(roots, pyswitch) == ["a==1.0.0rc1", "b==1.2", "c==2.0.post0.dev1", "d===not a version"]


@pytest.mark.parametrize("python, pip, shown", [("3.11.7", "23.2.1", "2.0"), ("3.11.7", "24.2", "2.0.1"),
                                                ("3.10.13", "23.0.1", "2.0.1")])
def test_the_version_comes_from_metadata_or_the_folder_as_that_pip_reads_it(roots, pyswitch, python, pip, shown):
    site = fake_interpreter(roots, python, [("pip", pip)])
    dist_info(site, "odd", "2.0", folder="odd-2.0.1.dist-info")  # a mangled install: the two disagree
    assert freeze_of(roots, pyswitch, python) == [f"odd=={shown}"]


def test_leftover_and_nameless_folders_are_skipped_like_pip_does(roots, pyswitch):
    site = fake_interpreter(roots, "3.11.7", [("six", "1.16.0")])
    dist_info(site, "~umpy", "1.0", folder="~umpy-1.0.dist-info")
    (site / "empty-1.0.dist-info").mkdir()  # no METADATA: unreadable, skipped
    assert freeze_of(roots, pyswitch) == ["six==1.16.0"]


def test_egg_info_user_site_and_pth_folders_are_on_the_search_path(roots, pyswitch):
    site = fake_interpreter(roots, "3.11.7", [("six", "1.16.0")])
    (site / "old_style-0.9-py3.11.egg-info").write_text("Metadata-Version: 1.0\nName: old-style\nVersion: 0.9\n")
    extra = roots.tmp / "added"
    dist_info(extra, "Added", "3.0")
    (site / "zz-extra.pth").write_text(f"# a comment\nimport os\n{extra}\n")
    user = roots.home / ".local" / "lib" / "python3.11" / "site-packages"
    dist_info(user, "six", "1.15.0")   # the user site comes first: it shadows the version's own
    dist_info(user, "userthing", "1.0")
    assert freeze_of(roots, pyswitch) == ["Added==3.0", "old-style==0.9", "six==1.15.0", "userthing==1.0"]
    r = pyswitch("export", env={"PYTHONNOUSERSITE": "1"})
    assert r.stdout.splitlines()[1:] == ["Added==3.0", "old-style==0.9", "six==1.16.0"]


@pytest.mark.parametrize("direct_url, line", [
    ({"url": "https://example.com/x-1.0.tar.gz", "archive_info": {"hash": "sha256=abc", "hashes": {"sha256": "abc"}}},
     "x @ https://example.com/x-1.0.tar.gz#sha256=abc"),
    ({"url": "https://example.com/x-1.0.tar.gz", "archive_info": {"hashes": {"sha256": "abc"}}},
     "x @ https://example.com/x-1.0.tar.gz"),
    ({"url": "https://github.com/o/x.git", "vcs_info": {"vcs": "git", "commit_id": "a" * 40,
                                                        "requested_revision": "main"}, "subdirectory": "py"},
     f"x @ git+https://github.com/o/x.git@{'a' * 40}#subdirectory=py"),
    ({"url": "https://user:secret@example.com/x.whl", "archive_info": {}}, "x @ https://example.com/x.whl"),
    ({"url": "ssh://git@github.com/o/x.git", "vcs_info": {"vcs": "git", "commit_id": "b" * 40}},
     f"x @ git+ssh://git@github.com/o/x.git@{'b' * 40}"),
    ({"url": "file:///src/x", "dir_info": {}}, "x @ file:///src/x"),
    ({"url": "file:///src/x"}, "x==1.0"),  # not valid PEP 610: pip ignores it, so does export
])
def test_direct_urls_are_written_as_pip_freeze_writes_them(roots, pyswitch, direct_url, line):
    site = fake_interpreter(roots, "3.11.7")
    dist_info(site, "x", "1.0", direct_url=direct_url)
    assert freeze_of(roots, pyswitch) == [line]


def test_editable_installs_name_their_folder_or_their_git_remote(roots, pyswitch):
    site = fake_interpreter(roots, "3.11.7")
    plain = flit_project(roots.tmp / "plain", "plain-proj", "plain")
    dist_info(site, "plain-proj", "0.1", direct_url={"url": f"file://{plain}", "dir_info": {"editable": True}})
    nogit = flit_project(roots.tmp / "noremote", "NoRemote", "noremote")
    git_repo(nogit, None)
    dist_info(site, "NoRemote", "2.0", direct_url={"url": f"file://{nogit}", "dir_info": {"editable": True}})
    remote = flit_project(roots.tmp / "remote", "with-remote", "withremote")
    commit = git_repo(remote, "https://example.com/o/with-remote.git")
    dist_info(site, "with-remote", "3.0", direct_url={"url": f"file://{remote}", "dir_info": {"editable": True}})
    assert freeze_of(roots, pyswitch) == [
        "# Editable Git install with no remote (NoRemote==2.0)", f"-e {nogit}",
        "# Editable install with no version control (plain-proj==0.1)", f"-e {plain}",
        f"-e git+https://example.com/o/with-remote.git@{commit}#egg=with_remote",
    ]


def test_a_legacy_develop_install_names_its_project_folder(roots, pyswitch):
    # setuptools < 64 (Python 3.8/3.9 venvs): an .egg-link and easy-install.pth, no PEP 610;
    # pip locates the distribution at the link's target and freezes `-e TARGET`
    site = fake_interpreter(roots, "3.8.18")
    project = roots.tmp / "legacyproj"
    (project / "Legacy_Proj.egg-info").mkdir(parents=True)
    (project / "Legacy_Proj.egg-info" / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: Legacy-Proj\nVersion: 1.0\n")
    (site / "Legacy-Proj.egg-link").write_text(f"{project}\n.")
    (site / "easy-install.pth").write_text(f"{project}\n")
    assert freeze_of(roots, pyswitch, "3.8.18") == ["# Editable install with no version control (Legacy-Proj==1.0)",
                                          f"-e {project}"]
    (roots.project / "req.txt").write_text(f"-e {os.path.relpath(project, roots.project)}\n")
    r = pyswitch("check", "req.txt")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


# --- conda envs ---------------------------------------------------------------------------------------
def test_conda_env_exports_as_conda_env_export_writes_it(roots, pyswitch):
    env = conda_world(roots)
    env.record("_libgcc_mutex", "0.1", "conda_forge")
    env.record("ca-certificates", "2024.2.2", "hbcca054_0")
    env.record("openssl", "3.2.1", "hd590300_0", channel=DEFAULTS)
    env.python_package("numpy", "1.24.3", "py311h64a7726_0")
    env.pip_package("requests", "2.31.0")
    env.pip_package("typing_extensions", "4.9.0", installer="uv")
    env.pip_package("jaraco.functools", "4.0.0")
    r = pyswitch("export")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"""name: ml
channels:
  - conda-forge
  - defaults
dependencies:
  - _libgcc_mutex=0.1=conda_forge
  - ca-certificates=2024.2.2=hbcca054_0
  - numpy=1.24.3=py311h64a7726_0
  - openssl=3.2.1=hd590300_0
  - python=3.11.7=hab00c5b_0_cpython
  - pip:
      - jaraco-functools==4.0.0
      - requests==2.31.0
      - typing-extensions==4.9.0
prefix: {env.prefix}
"""
    import yaml
    assert yaml.safe_load(r.stdout)["dependencies"][-1] == {
        "pip": ["jaraco-functools==4.0.0", "requests==2.31.0", "typing-extensions==4.9.0"]}


def test_conda_export_json_says_where_each_package_came_from(roots, pyswitch):
    env = conda_world(roots)
    env.python_package("numpy", "1.24.3", "py311h64a7726_0")
    env.pip_package("requests", "2.31.0")
    r = pyswitch("export", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {
        "name": "conda:ml", "kind": "conda", "python_version": "3.11.7",
        "packages": [{"name": "numpy", "version": "1.24.3", "source": "conda"},
                     {"name": "python", "version": "3.11.7", "source": "conda"},
                     {"name": "requests", "version": "2.31.0", "source": "pip"}]}


def test_only_what_no_conda_record_owns_and_conda_did_not_install_is_under_pip(roots, pyswitch):
    env = conda_world(roots)
    env.python_package("six", "1.16.0", "pyh6c4a22f_0")      # conda's, INSTALLER conda
    env.pip_package("stray", "1.0", installer="conda")          # conda's by INSTALLER, record lost
    clobbered = env.pip_package("owned", "2.0", installer="pip")
    env.record("owned", "2.0", "pyhd8ed1ab_0", files=[f"{env.site_rel}/{clobbered.name}/RECORD"])
    env.pip_package("legacy", "0.5", installer=None)            # setup.py install: no INSTALLER, conda's pip list has it
    r = pyswitch("export")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("  - pip:\n")[1].split("prefix:")[0] == "      - legacy==0.5\n"


def test_channels_follow_the_records_and_condarc(roots, pyswitch):
    env = conda_world(roots)
    env.record("zlib", "1.2.13", "h5eee18b_0", channel="https://repo.anaconda.com/pkgs/main/linux-64")
    env.record("pytorch", "2.1.0", "py3.11_cpu_0", channel="https://conda.anaconda.org/pytorch/linux-64")
    env.record("mylib", "1.0", "0", channel="https://my.server.example/channel/noarch")
    (roots.home / ".condarc").write_text("channels:\n  - conda-forge\n")
    r = pyswitch("export")
    assert r.returncode == 0, r.stderr
    import yaml
    # each record's channel not configured goes first, in the order of the records' names
    assert yaml.safe_load(r.stdout)["channels"] == ["defaults", "pytorch", "https://my.server.example/channel",
                                                     "conda-forge"]


def test_a_base_env_and_conda_variables(roots, pyswitch):
    root = roots.home / "miniforge3"
    from fabricated import CondaEnv
    env = CondaEnv(root, "3.12.1")
    (root / "envs").mkdir()
    (root / "conda-meta" / "state").write_text(json.dumps({"env_vars": {"OMP_NUM_THREADS": "4"}}))
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(root)
    roots.pin(roots.project, "conda:base\n")
    r = pyswitch("export")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("name: base\nchannels:\n  - conda-forge\n  - defaults\n")
    assert r.stdout.endswith(f"variables:\n  OMP_NUM_THREADS: '4'\nprefix: {env.prefix}\n")


# --- writing, and errors -----------------------------------------------------------------------------
def test_export_to_a_file_is_atomic_and_keeps_its_mode(roots, pyswitch):
    fake_interpreter(roots, "3.11.7", [("six", "1.16.0")])
    roots.pin(roots.project, "3.11.7\n")
    target = roots.project / "requirements.txt"
    target.write_text("old\n")
    target.chmod(0o640)
    r = pyswitch("export", "-o", "requirements.txt")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert target.read_text() == "# python 3.11.7 (3.11.7)\nsix==1.16.0\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in roots.project.iterdir()) == [".python-version", "requirements.txt"]


def test_export_into_a_missing_folder_is_one_line_and_leaves_nothing(roots, pyswitch):
    fake_interpreter(roots, "3.11.7", [("six", "1.16.0")])
    roots.pin(roots.project, "3.11.7\n")
    r = pyswitch("export", "-o", "nowhere/requirements.txt")
    assert r.returncode == 1
    assert r.stderr == "pyswitch: cannot write nowhere/requirements.txt: no folder " \
                       f"{roots.project / 'nowhere'} (make it first)\n"
    assert r.stdout == ""
    assert sorted(p.name for p in roots.project.iterdir()) == [".python-version"]


def test_export_of_a_missing_environment_is_the_not_installed_error(roots, pyswitch):
    roots.pin(roots.project, "3.99\n")
    r = pyswitch("export")
    assert r.returncode == 1
    assert r.stderr.startswith("pyswitch: version '3.99' is not installed")
    assert len(r.stderr.splitlines()) == 1


def test_export_help_has_examples(pyswitch):
    r = pyswitch("export", "--help")
    assert r.returncode == 0
    assert "pyswitch export -o requirements.txt" in r.stdout
