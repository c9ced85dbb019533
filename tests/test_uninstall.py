"""`pyswitch uninstall` on fabricated environments only (SPEC section 7).

Every environment here is made by the fixtures under tmp_path; nothing is a symlink to a real
interpreter, so nothing real can be removed.
"""
from __future__ import annotations

import errno
import importlib.util
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import pytest

from conftest import BIN, Roots, du, fake_python, write_exe

from pyswitch import disk
from pyswitch.errors import PyswitchError
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.removal import remove_target
from pyswitch.uninstall import plan_uninstall


# ----------------------------------------------------------------------------- helpers


def run(roots: Roots, *args, cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None,
        stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    """The installed command, stdin not a terminal (DEVNULL) unless told otherwise."""
    full = dict(roots.env)
    full.update(env or {})
    return subprocess.run([str(BIN / "pyswitch"), *map(str, args)], cwd=str(cwd or roots.project),
                          env=full, stdin=stdin, capture_output=True, text=True, timeout=60)


def context(roots: Roots, cwd: Optional[Path] = None) -> Context:
    return Context.from_env(environ=roots.env, cwd=cwd or roots.project)


def write(path: Path, size: int, byte: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(byte * size)
    return path


def listing(*tops: Path) -> Dict[str, tuple]:
    """Every path below the tops: type, size, inode, links, mtime, symlink target."""
    out: Dict[str, tuple] = {}
    for top in tops:
        if not os.path.lexists(top):
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            for name in [""] + dirnames + filenames:
                p = os.path.join(dirpath, name) if name else dirpath
                st = os.lstat(p)
                target = os.readlink(p) if stat.S_ISLNK(st.st_mode) else None
                out[p] = (stat.S_IFMT(st.st_mode), st.st_size, st.st_ino, st.st_nlink, st.st_mtime_ns, target)
    return out


def frees(out: str, name: str) -> int:
    """The exact byte figure of `frees:` in the report of one environment."""
    block = out.split(f"{name}  (", 1)[1]
    return int(re.search(r"frees:\s+.*\((\d+) bytes\)", block).group(1))


def freed(out: str, name: str) -> int:
    return int(re.search(rf"removed {re.escape(name)}: freed .*\((\d+) bytes\)", out).group(1))


def size_text(n: int) -> str:
    """How the report shows a figure: `12.0 KiB (12288 bytes)`."""
    if n < 1024:
        return f"{n} B ({n} bytes)"
    value, unit = n / 1024, "KiB"
    for bigger in ("MiB", "GiB", "TiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit} ({n} bytes)"


def record_projects(roots: Roots, *folders: Path) -> None:
    roots.root.mkdir(parents=True, exist_ok=True)
    with open(roots.root / "projects", "a") as f:
        for folder in folders:
            f.write(os.path.realpath(folder) + "\n")


def conda_root(roots: Roots) -> Path:
    """A fabricated miniconda in HOME, found as one of the usual places."""
    return roots.conda_root(roots.home / "miniconda3")


# ----------------------------------------------------------------------------- honest bytes


def test_freed_bytes_count_inside_hard_links_once_and_outside_links_not_at_all(roots, tmp_path):
    prefix = roots.fake_version("3.9.18")
    own = write(prefix / "lib" / "own.so", 1000)
    os.link(own, prefix / "lib" / "own-again.so")                  # twice inside: counted once
    shared = write(tmp_path / "outside" / "shared.so", 7000)
    os.link(shared, prefix / "lib" / "shared.so")                  # linked from outside: frees nothing
    (prefix / "lib" / "link").symlink_to(shared)                   # a symlink counts as itself
    expected = du(prefix / "bin" / "python", own, prefix / "lib" / "link")

    dry = run(roots, "uninstall", "3.9.18", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert frees(dry.stdout, "3.9.18") == expected
    assert f"prefix:     {prefix}" in dry.stdout

    done = run(roots, "uninstall", "3.9.18", "--yes")
    assert done.returncode == 0, done.stderr
    assert freed(done.stdout, "3.9.18") == expected
    assert not os.path.lexists(prefix)
    assert shared.read_bytes() == b"x" * 7000 and os.lstat(shared).st_nlink == 1


def test_report_shows_human_units_and_exact_bytes(roots):
    prefix = roots.fake_version("3.9.18")
    write(prefix / "lib" / "big", 3 * 1024 * 1024)
    out = run(roots, "uninstall", "3.9.18", "--dry-run").stdout
    exact = frees(out, "3.9.18")
    assert re.search(rf"frees:\s+3\.0 MiB \({exact} bytes\)", out)


# ----------------------------------------------------------------------------- resolving specs


def test_a_prefix_matching_several_versions_is_refused_with_the_list(roots):
    roots.fake_version("3.8.17")
    roots.fake_version("3.8.18")
    r = run(roots, "uninstall", "3.8", "--yes")
    assert r.returncode == 1
    assert r.stderr.strip() == ("pyswitch: '3.8' matches several installed versions: 3.8.17, 3.8.18; "
                                "name the one to remove exactly")
    assert (roots.versions / "3.8.17").is_dir() and (roots.versions / "3.8.18").is_dir()


def test_a_prefix_matching_one_version_names_it(roots):
    roots.fake_version("3.8.18")
    roots.fake_version("3.9.18")
    r = run(roots, "uninstall", "3.9", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("3.9.18  (pyenv, python 3.9.18)")


def test_a_spec_naming_nothing_installed_is_an_error(roots):
    roots.fake_version("3.9.18")
    r = run(roots, "uninstall", "3.7.16", "--yes")
    assert r.returncode == 1
    assert r.stderr.startswith("pyswitch: version '3.7.16' is not installed; installed: 3.9.18")


def test_a_virtualenv_by_short_name_and_by_full_name(roots):
    roots.fake_version("3.8.18")
    web = roots.virtualenv("3.8.18", "web")
    for spec in ("web", "3.8.18/envs/web"):
        r = run(roots, "uninstall", spec, "--dry-run")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("3.8.18/envs/web  (virtualenv")
    r = run(roots, "uninstall", "web", "--yes")
    assert r.returncode == 0, r.stderr
    assert not os.path.lexists(web)
    assert not os.path.lexists(roots.versions / "web"), "pyenv-virtualenv's short-name link is dropped"
    assert (roots.versions / "3.8.18" / "bin" / "python").exists()


# ----------------------------------------------------------------------------- dependents


def test_dependents_are_listed_with_what_each_pin_falls_back_to(roots, tmp_path):
    roots.fake_version("3.8.17")
    target = roots.fake_version("3.8.18")
    roots.fake_version("3.9.18")
    roots.virtualenv("3.8.18", "web")
    a = tmp_path / "a"
    roots.pin(a, "3.8\n")                      # falls back to 3.8.17
    b = tmp_path / "b"
    roots.pin(b, "3.9.18\n3.8.18\n")           # second line: breaks
    c = tmp_path / "c"
    venv = c / ".venv"
    fake_python(venv / "bin" / "python", "3.8.18")
    (venv / "pyvenv.cfg").write_text(f"home = {target / 'bin'}\nversion = 3.8.18\n")
    record_projects(roots, a, b)
    (roots.root / "trusted").write_text(os.path.realpath(venv) + "\n")
    (roots.root / "version").write_text("3.8.18\n")
    roots.pin(roots.project, "3.9.18\n")       # here something else is selected

    r = run(roots, "uninstall", "3.8.18", "--dry-run")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert f"  pinned by:  {a / '.python-version'} ('3.8' falls back to 3.8.17)" in lines
    assert f"  pinned by:  {b / '.python-version'} ('3.8.18' will name nothing installed)" in lines
    assert f"  global file: {roots.root / 'version'} ('3.8.18' will name nothing installed)" in lines
    assert "  venv:       3.8.18/envs/web (removed with it)" in lines
    assert f"  venv:       {venv} (made from it; stops working)" in lines
    assert "used by" not in r.stdout


def test_pyenv_global_file_is_a_dependent_too(roots, tmp_path):
    roots.fake_version("3.9.18")
    roots.fake_version("3.10.13")
    roots.pyenv_root.joinpath("version").write_text("3.10.13\n")
    roots.pin(roots.project, "3.9.18\n")
    r = run(roots, "uninstall", "3.10.13", "--dry-run")
    assert f"  pyenv global: {roots.pyenv_root / 'version'} ('3.10.13' will name nothing installed)" \
        in r.stdout.splitlines()


def test_conda_name_falls_back_to_the_env_it_shadowed(roots, tmp_path):
    first = roots.conda_root(tmp_path / "first")
    second = roots.conda_root(tmp_path / "second")
    roots.conda_env(first / "envs" / "ml")
    roots.conda_env(second / "envs" / "ml")
    p = tmp_path / "p"
    roots.pin(p, "conda:ml\n")
    record_projects(roots, p)
    env = {"PYSWITCH_CONDA_ROOTS": os.pathsep.join([str(first), str(second)])}
    r = run(roots, "uninstall", "conda:ml", "--dry-run", env=env)
    assert r.returncode == 0, r.stderr
    assert f"prefix:     {first / 'envs' / 'ml'}" in r.stdout
    assert f"{p / '.python-version'} ('conda:ml' falls back to conda:ml)" in r.stdout


# ----------------------------------------------------------------------------- dry run


def test_dry_run_changes_nothing(roots, tmp_path):
    roots.fake_version("3.8.18")
    roots.virtualenv("3.8.18", "web")
    root = conda_root(roots)
    roots.conda_env(root / "envs" / "ml")
    pkg = write(root / "pkgs" / "numpy-1.0-0" / "lib" / "numpy.so", 4000)
    write(root / "pkgs" / "numpy-1.0-0" / "info" / "index.json", 10)
    os.link(pkg, root / "envs" / "ml" / "numpy.so")
    txt = roots.home / ".conda" / "environments.txt"
    txt.parent.mkdir(parents=True)
    txt.write_text(f"{root}\n{root / 'envs' / 'ml'}\n")
    tops = (roots.pyenv_root, roots.home, roots.project, roots.root / "shims", roots.root / "projects")
    before = listing(*tops)
    for args in (("uninstall", "3.8.18", "conda:ml", "--dry-run"), ("uninstall", "web", "--dry-run"),
                 ("prune", "--dry-run")):
        r = run(roots, *args)
        assert r.returncode == 0, r.stderr
        assert "dry run: nothing was removed" in r.stdout
    assert listing(*tops) == before


# ----------------------------------------------------------------------------- refusals


def test_system_is_refused(roots):
    r = run(roots, "uninstall", "system", "--yes")
    assert r.returncode == 1
    assert r.stderr.startswith("pyswitch: refusing to uninstall 'system'")
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_conda_base_env_is_refused(roots):
    root = conda_root(roots)
    r = run(roots, "uninstall", "conda:base", "--yes")
    assert r.returncode == 1
    assert r.stderr.strip() == (f"pyswitch: refusing to uninstall 'conda:base': {root} is a conda base env "
                                "(a whole conda installation)")
    assert (root / "conda-meta").is_dir()


def test_a_conda_installation_in_pyenv_versions_is_refused(roots):
    mc = roots.conda_root(roots.versions / "miniconda3-latest")
    r = run(roots, "uninstall", "miniconda3-latest", "--yes")
    assert r.returncode == 1
    assert "is a conda base env" in r.stderr and "pyenv uninstall miniconda3-latest" in r.stderr
    assert (mc / "conda-meta").is_dir()


def test_a_symlinked_version_is_refused_and_never_followed(roots, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "3.7.17"
    fake_python(elsewhere / "bin" / "python", "3.7.17")
    (roots.versions / "3.7.17").symlink_to(elsewhere)
    before = listing(tmp_path / "elsewhere")
    r = run(roots, "uninstall", "3.7.17", "--yes")
    assert r.returncode == 1
    assert r.stderr.strip() == (f"pyswitch: refusing to uninstall '3.7.17': {roots.versions / '3.7.17'} is a "
                                f"symlink to {elsewhere}; pyswitch never follows it; to remove only the link: "
                                f"rm {roots.versions / '3.7.17'}")
    assert (roots.versions / "3.7.17").is_symlink()
    assert listing(tmp_path / "elsewhere") == before


def test_an_env_outside_the_envs_folders_is_refused(roots, tmp_path):
    stray = roots.conda_env(tmp_path / "data" / "stray")
    txt = roots.home / ".conda" / "environments.txt"
    txt.parent.mkdir(parents=True)
    txt.write_text(f"{stray}\n")
    r = run(roots, "uninstall", "conda:stray", "--yes")
    assert r.returncode == 1
    assert r.stderr.strip() == (f"pyswitch: refusing to uninstall 'conda:stray': its real path {stray} is "
                                "outside the pyenv versions folder, the conda envs folders and uv's, mise's and "
                                "asdf's folders")
    assert (stray / "conda-meta").is_dir()


def test_a_virtualenv_of_a_symlinked_version_is_outside_too(roots, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "3.7.17"
    fake_python(elsewhere / "bin" / "python", "3.7.17")
    fake_python(elsewhere / "envs" / "old" / "bin" / "python", "3.7.17")
    (elsewhere / "envs" / "old" / "pyvenv.cfg").write_text(f"home = {elsewhere / 'bin'}\n")
    (roots.versions / "3.7.17").symlink_to(elsewhere)
    r = run(roots, "uninstall", "3.7.17/envs/old", "--yes")
    assert r.returncode == 1
    assert "is outside the pyenv versions folder" in r.stderr
    assert (elsewhere / "envs" / "old" / "bin" / "python").exists()


def test_the_environment_pyswitch_runs_in_is_refused(roots, monkeypatch):
    prefix = roots.fake_version("3.9.18")
    monkeypatch.setattr(sys, "prefix", str(prefix / "envs" / "me"))
    with pytest.raises(PyswitchError, match=r"refusing to uninstall '3.9.18': pyswitch itself runs from it"):
        plan_uninstall(context(roots), ["3.9.18"])
    assert prefix.is_dir()


def test_the_selected_environment_needs_force(roots):
    prefix = roots.fake_version("3.9.18")
    roots.pin(roots.project, "3.9.18\n")
    r = run(roots, "uninstall", "3.9.18", "--yes")
    assert r.returncode == 1
    assert r.stderr.strip() == ("pyswitch: refusing to uninstall '3.9.18': it is the selected environment "
                                f"here (set by {roots.project / '.python-version'}); pass --force to remove "
                                "it anyway")
    assert prefix.is_dir()
    r = run(roots, "uninstall", "3.9.18", "--yes", "--force")
    assert r.returncode == 0, r.stderr
    assert "selected:" in r.stdout
    assert not os.path.lexists(prefix)


def test_a_version_holding_the_selected_virtualenv_needs_force(roots):
    prefix = roots.fake_version("3.9.18")
    roots.virtualenv("3.9.18", "web")
    roots.pin(roots.project, "web\n")
    r = run(roots, "uninstall", "3.9.18", "--yes")
    assert r.returncode == 1
    assert "it holds 3.9.18/envs/web, the selected environment here" in r.stderr
    assert prefix.is_dir()


def test_one_refused_spec_means_nothing_is_removed(roots):
    a = roots.fake_version("3.9.18")
    r = run(roots, "uninstall", "3.9.18", "system", "--yes")
    assert r.returncode == 1
    assert a.is_dir()


# ----------------------------------------------------------------------------- confirmation


def test_without_a_terminal_and_without_yes_it_refuses(roots):
    prefix = roots.fake_version("3.9.18")
    r = run(roots, "uninstall", "3.9.18")
    assert r.returncode == 1
    errors = r.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("pyswitch: refusing to uninstall without confirmation")
    assert "--yes" in errors[0]
    assert "frees:" in r.stdout  # the report is still shown
    assert prefix.is_dir()


def _with_terminal(roots: Roots, answer: str, *args) -> subprocess.CompletedProcess:
    master, slave = os.openpty()
    try:
        os.write(master, answer.encode())
        return run(roots, *args, stdin=slave)
    finally:
        os.close(slave)
        os.close(master)


def test_on_a_terminal_the_default_answer_is_no(roots):
    prefix = roots.fake_version("3.9.18")
    r = _with_terminal(roots, "\n", "uninstall", "3.9.18")
    assert r.returncode == 1
    assert "Remove 3.9.18, freeing" in r.stdout and "[y/N]" in r.stdout
    assert r.stderr.strip() == "pyswitch: nothing was removed"
    assert prefix.is_dir()


def test_on_a_terminal_yes_removes_it(roots):
    prefix = roots.fake_version("3.9.18")
    r = _with_terminal(roots, "y\n", "uninstall", "3.9.18")
    assert r.returncode == 0, r.stderr
    assert not os.path.lexists(prefix)


# ----------------------------------------------------------------------------- conda


FAKE_CONDA = """#!/bin/sh
# records its arguments, then does what conda would for `env remove`
printf '%s\\n' "$*" >> "{log}"
if [ "$1 $2" = "env remove" ]; then
  if [ "$3" = "-n" ]; then rm -rf "{root}/envs/$4"; else rm -rf "$4"; fi
fi
exit 0
"""


def test_conda_on_path_removes_an_env_of_its_own_root_by_name(roots, tmp_path):
    root = conda_root(roots)
    ml = roots.conda_env(root / "envs" / "ml")
    log = tmp_path / "argv.log"
    write_exe(root / "condabin" / "conda", FAKE_CONDA.format(log=log, root=root))
    env = {"PATH": f"{root / 'condabin'}{os.pathsep}{roots.env['PATH']}"}
    r = run(roots, "uninstall", "conda:ml", "--yes", env=env)
    assert r.returncode == 0, r.stderr
    assert log.read_text() == "env remove -n ml -y\n"
    assert f"removed by: {root / 'condabin' / 'conda'} env remove -n ml -y" in r.stdout
    assert not os.path.lexists(ml)
    assert "removed conda:ml: freed" in r.stdout


def test_the_roots_own_conda_removes_its_env_where_none_is_on_path(roots, tmp_path):
    # conda is "found" in the env's own installation too, as install finds it there
    root = conda_root(roots)
    dl = roots.conda_env(root / "envs" / "dl")
    log = tmp_path / "argv.log"
    write_exe(root / "bin" / "conda", FAKE_CONDA.format(log=log, root=root))
    r = run(roots, "uninstall", "conda:dl", "--yes")
    assert r.returncode == 0, r.stderr
    assert log.read_text() == "env remove -n dl -y\n"
    assert not os.path.lexists(dl)


def test_conda_exe_wins_over_path_and_an_env_of_another_root_goes_by_prefix(roots, tmp_path):
    root = conda_root(roots)
    ml = roots.conda_env(root / "envs" / "ml")
    other = tmp_path / "other-conda"
    log_exe, log_path = tmp_path / "exe.log", tmp_path / "path.log"
    exe = write_exe(other / "bin" / "conda", FAKE_CONDA.format(log=log_exe, root=other))
    write_exe(tmp_path / "tools" / "conda", FAKE_CONDA.format(log=log_path, root=root))
    env = {"CONDA_EXE": str(exe), "PATH": f"{tmp_path / 'tools'}{os.pathsep}{roots.env['PATH']}"}
    r = run(roots, "uninstall", "conda:ml", "--yes", env=env)
    assert r.returncode == 0, r.stderr
    assert log_exe.read_text() == f"env remove -p {ml} -y\n"
    assert not log_path.exists()
    assert not os.path.lexists(ml)


def test_a_failing_conda_is_reported_and_leaves_the_env(roots, tmp_path):
    root = conda_root(roots)
    ml = roots.conda_env(root / "envs" / "ml")
    write_exe(root / "condabin" / "conda", "#!/bin/sh\necho 'CondaError: busy' >&2\nexit 3\n")
    env = {"PATH": f"{root / 'condabin'}{os.pathsep}{roots.env['PATH']}"}
    r = run(roots, "uninstall", "conda:ml", "--yes", env=env)
    assert r.returncode == 1
    assert "conda env remove failed (exit 3): CondaError: busy" in r.stderr
    assert (ml / "conda-meta").is_dir()


def test_without_conda_the_prefix_and_its_environments_txt_line_go(roots):
    root = conda_root(roots)
    ml = roots.conda_env(root / "envs" / "ml")
    roots.conda_env(root / "envs" / "other")
    txt = roots.home / ".conda" / "environments.txt"
    txt.parent.mkdir(parents=True)
    original = (f"{root}\n# a comment\n{ml}\r\n\n{root / 'envs' / 'other'}\r\n/gone/env  \n{ml}/\n/last/one").encode()
    txt.write_bytes(original)
    r = run(roots, "uninstall", "conda:ml", "--yes")
    assert r.returncode == 0, r.stderr
    assert not os.path.lexists(ml)
    assert txt.read_bytes() == (f"{root}\n# a comment\n\n{root / 'envs' / 'other'}\r\n/gone/env  \n/last/one").encode()


def test_uninstalling_a_conda_env_says_what_prune_would_free_from_the_cache(roots):
    root = conda_root(roots)
    ml = roots.conda_env(root / "envs" / "ml")
    so = write(root / "pkgs" / "numpy-1.0-0" / "lib" / "numpy.so", 4000)
    index = write(root / "pkgs" / "numpy-1.0-0" / "info" / "index.json", 17)
    archive = write(root / "pkgs" / "numpy-1.0-0.conda", 900)
    (ml / "lib").mkdir()
    os.link(so, ml / "lib" / "numpy.so")
    (ml / "conda-meta" / "numpy-1.0-0.json").write_text("{}")
    dry = run(roots, "uninstall", "conda:ml", "--dry-run")
    # everything in ml but its hard link into the cache, which deleting ml does not free
    own = [p for p in ml.rglob("*") if (p.is_file() or p.is_symlink()) and p != ml / "lib" / "numpy.so"]
    assert frees(dry.stdout, "conda:ml") == du(*own)
    r = run(roots, "uninstall", "conda:ml", "--yes")
    assert r.returncode == 0, r.stderr
    expected = du(so, index, archive)
    assert (f"  conda package cache {root / 'pkgs'}: `pyswitch prune` would free "
            f"{size_text(expected)} more (1 entry no env links to)") in r.stdout


# ----------------------------------------------------------------------------- interruption


SITECUSTOMIZE = """
import os
_real_unlink = os.unlink
def _unlink(path, *a, **k):
    if os.path.basename(os.fspath(path)) == os.environ.get("PYSWITCH_TEST_STUCK"):
        if os.environ.get("PYSWITCH_TEST_SIGNAL"):
            raise KeyboardInterrupt
        raise PermissionError(1, "Operation not permitted", os.fspath(path))
    return _real_unlink(path, *a, **k)
os.unlink = _unlink
"""


@pytest.mark.parametrize("signal", ["", "1"], ids=["undeletable-file", "ctrl-c"])
def test_an_interrupted_removal_is_hidden_and_the_next_run_finishes_it(roots, tmp_path, signal):
    prefix = roots.fake_version("3.8.18", commands=("python", "python3.8"))
    write(prefix / "lib" / "big", 5000)
    roots.fake_version("3.9.18")
    size = disk.tree_size(prefix)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    stuck = {"PYTHONPATH": str(site), "PYSWITCH_TEST_STUCK": "python3.8", "PYSWITCH_TEST_SIGNAL": signal}

    first = run(roots, "uninstall", "3.8.18", "--yes", env=stuck)
    assert first.returncode == (130 if signal else 1)
    assert not os.path.lexists(prefix)
    leftovers = disk.find_leftovers([roots.versions])
    assert len(leftovers) == 1
    assert "the next `pyswitch uninstall` or `pyswitch prune` finishes it" in first.stderr
    assert "3.8.18" not in run(roots, "versions", "--bare").stdout  # never half-listed
    left = disk.tree_size(leftovers[0])
    if not signal:
        assert freed(first.stdout, "3.8.18") + left == size

    second = run(roots, "uninstall", "3.9.18", "--yes")
    assert second.returncode == 0, second.stderr
    m = re.search(r"finished removing 3\.8\.18: freed .*\((\d+) bytes\)", second.stdout)
    assert m, second.stdout
    assert int(m.group(1)) == left > 0
    assert disk.find_leftovers([roots.versions]) == []


def test_library_interruption_then_prune_finishes_and_reports(roots, monkeypatch):
    prefix = roots.fake_version("3.8.18", commands=("python", "python3.8"))
    ctx = context(roots)
    plan = plan_uninstall(ctx, ["3.8.18"])
    real_unlink = os.unlink

    def unlink(path, *a, **k):
        if os.path.basename(os.fspath(path)) == "python3.8":
            raise PermissionError(errno.EPERM, "Operation not permitted", os.fspath(path))
        return real_unlink(path, *a, **k)

    monkeypatch.setattr(os, "unlink", unlink)
    removed = remove_target(ctx, plan.targets[0])
    monkeypatch.undo()
    assert removed.leftover is not None and removed.leftover.name.startswith(disk.LEFTOVER_PREFIX)
    assert removed.errors and "Operation not permitted" in removed.errors[0]
    assert [e.name for e in Inventory(ctx).pyenv] == []
    assert not os.path.lexists(prefix)

    dry = run(roots, "prune", "--dry-run")
    assert "Interrupted removals (would finish):" in dry.stdout
    assert removed.leftover.exists()
    r = run(roots, "prune", "--yes")
    assert r.returncode == 0, r.stderr
    assert re.search(r"finished removing 3\.8\.18: freed .*\(\d+ bytes\)", r.stdout)
    assert not os.path.lexists(removed.leftover)


def test_a_conda_leftover_is_finished_and_unlisted(roots):
    root = conda_root(roots)
    ml = roots.conda_env(root / "envs" / "ml")
    txt = roots.home / ".conda" / "environments.txt"
    txt.parent.mkdir(parents=True)
    txt.write_text(f"{root}\n{ml}\n")
    hidden = root / "envs" / f"{disk.LEFTOVER_PREFIX}ml-999"
    os.rename(ml, hidden)  # as if interrupted after the rename, before the line was dropped
    r = run(roots, "prune", "--yes")
    assert r.returncode == 0, r.stderr
    assert "finished removing ml" in r.stdout
    assert not os.path.lexists(hidden)
    assert txt.read_text() == f"{root}\n"


# ----------------------------------------------------------------------------- shims


@pytest.mark.skipif(importlib.util.find_spec("pyswitch.shims") is None, reason="shims not built yet")
def test_shims_of_the_removed_environment_go(roots):
    roots.fake_version("3.8.18", commands=("python", "python3.8", "legacytool"))
    roots.fake_version("3.9.18", commands=("python", "python3.9"))
    assert run(roots, "rehash").returncode == 0
    shims = roots.root / "shims"
    assert (shims / "legacytool").exists() and (shims / "python3.8").exists()
    r = run(roots, "uninstall", "3.8.18", "--yes")
    assert r.returncode == 0, r.stderr
    assert not (shims / "legacytool").exists() and not (shims / "python3.8").exists()
    assert (shims / "python").exists() and (shims / "python3.9").exists()


# ----------------------------------------------------------------------------- versions --size


def test_versions_size_uses_the_same_accounting(roots, tmp_path):
    prefix = roots.fake_version("3.9.18")
    own = write(prefix / "lib" / "own", 1234)
    os.link(own, prefix / "lib" / "own2")
    os.link(write(tmp_path / "cache" / "pkg", 999), prefix / "lib" / "cached")
    r = run(roots, "versions", "--size", "--json")
    assert r.returncode == 0, r.stderr
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    assert rows["3.9.18"]["size_bytes"] == du(prefix / "bin" / "python", own)
    assert rows["3.9.18"]["size_bytes"] == frees(run(roots, "uninstall", "3.9.18", "--dry-run").stdout, "3.9.18")
    assert rows["system"]["size_bytes"] is None


def test_versions_size_counts_a_sparse_file_by_its_allocated_blocks(roots):
    prefix = roots.fake_version("3.9.18")
    sparse = write(prefix / "lib" / "sparse.img", 3)
    os.truncate(sparse, 64 * 1024 * 1024)
    assert os.lstat(sparse).st_size == 64 * 1024 * 1024
    if du(sparse) >= 64 * 1024 * 1024:
        pytest.skip("this file system does not keep files sparse")
    r = run(roots, "versions", "--size", "--json")
    assert r.returncode == 0, r.stderr
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    assert rows["3.9.18"]["size_bytes"] == du(prefix / "bin" / "python", sparse)
    assert rows["3.9.18"]["size_bytes"] < 64 * 1024 * 1024
    assert rows["3.9.18"]["size_bytes"] == frees(run(roots, "uninstall", "3.9.18", "--dry-run").stdout, "3.9.18")


def test_versions_size_survives_a_prefix_that_vanished(roots):
    from pyswitch.disk import environment_bytes
    from pyswitch.environment import Environment

    gone = roots.versions / "3.6.15"
    assert environment_bytes(Environment("3.6.15", "pyenv", gone, "3.6.15", gone / "bin")) is None
