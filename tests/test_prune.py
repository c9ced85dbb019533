"""`pyswitch prune` on fabricated environments and a fabricated conda package cache only."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, List, Tuple

from conftest import Roots, fake_python, write_exe
from conftest import du
from test_uninstall import conda_root, listing, record_projects, run, write

from pyswitch import disk


def offered(out: str) -> List[Tuple[str, int]]:
    """(name, exact bytes) of the environments offered, in the order shown."""
    section = out.split("Environments nothing uses (largest first):\n", 1)[1].split("  total:", 1)[0]
    return [(m.group(1), int(m.group(2)))
            for m in re.finditer(r"^  (\S+)\s+\S+\s+.*?\((\d+) bytes\)", section, re.M)]


def cache_offer(out: str) -> Dict[str, int]:
    section = out.split("Conda package cache ", 1)[1]
    section = section.split("  total:", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^  (\S+)\s+.*\((\d+) bytes\)$", section, re.M)
            if m.group(1) != "removed"}


def files_below(*tops: Path) -> List[Path]:
    return [p for top in tops for p in top.rglob("*") if p.is_symlink() or p.is_file()]


def world(roots: Roots, tmp_path: Path) -> Dict[str, Path]:
    """Environments used in every way SPEC section 6 names, and some that nothing uses."""
    v = {}
    v["3.7.17"] = roots.fake_version("3.7.17")
    write(v["3.7.17"] / "lib" / "big", 90_000)               # unused, largest (in blocks too)
    v["3.6.15"] = roots.fake_version("3.6.15")
    roots.virtualenv("3.6.15", "old")                        # unused, offered inside 3.6.15
    write(v["3.6.15"] / "lib" / "mid", 30_000)
    v["3.8.18"] = roots.fake_version("3.8.18")               # pinned by a recorded project
    v["3.9.18"] = roots.fake_version("3.9.18")               # the global file
    v["3.10.13"] = roots.fake_version("3.10.13")             # PYSWITCH_VERSION
    v["3.11.7"] = roots.fake_version("3.11.7")               # a trusted project venv made from it
    v["3.12.1"] = roots.fake_version("3.12.1")
    roots.virtualenv("3.12.1", "web")                        # used through its pinned virtualenv
    v["3.5.10"] = roots.fake_version("3.5.10")               # a pinned top-level venv made from it
    top = roots.versions / "toolsvenv"
    fake_python(top / "bin" / "python", "3.5.10")
    (top / "pyvenv.cfg").write_text(f"home = {v['3.5.10'] / 'bin'}\nversion = 3.5.10\n")
    v["3.13.1"] = roots.fake_version("3.13.1")               # selected here
    roots.pin(roots.project, "3.13.1\n")

    root = conda_root(roots)                                 # conda:base: never offered
    v["conda:ml"] = roots.conda_env(root / "envs" / "ml")    # pinned
    v["conda:stale"] = roots.conda_env(root / "envs" / "stale")
    write(v["conda:stale"] / "lib" / "data", 500)

    a, b, c, d = (tmp_path / n for n in "abcd")
    roots.pin(a, "3.8.18\n")
    roots.pin(b, "web\n")
    roots.pin(c, "conda:ml\n")
    roots.pin(d, "toolsvenv\n")
    record_projects(roots, a, b, c, d)
    venv = tmp_path / "e" / ".venv"
    fake_python(venv / "bin" / "python", "3.11.7")
    (venv / "pyvenv.cfg").write_text(f"home = {v['3.11.7'] / 'bin'}\n")
    (roots.root / "trusted").write_text(os.path.realpath(venv) + "\n")
    (roots.root / "version").write_text("3.9.18\n")
    return v


ENV = {"PYSWITCH_VERSION": "3.13.1 3.10.13"}


def test_prune_offers_exactly_what_nothing_uses_largest_first_with_a_total(roots, tmp_path):
    v = world(roots, tmp_path)
    r = run(roots, "prune", "--dry-run", env=ENV)
    assert r.returncode == 0, r.stderr
    got = offered(r.stdout)
    assert [name for name, _ in got] == ["3.7.17", "3.6.15", "conda:stale"]
    assert got[0][1] == du(*files_below(v["3.7.17"]))
    assert got[1][1] == du(*files_below(v["3.6.15"]))   # its unused virtualenv included
    assert got[2][1] == du(*files_below(v["conda:stale"]))
    assert got[0][1] > got[1][1] > got[2][1]  # largest first, not ties broken by name
    assert "includes 3.6.15/envs/old" in r.stdout
    total = sum(size for _, size in got)
    assert re.search(rf"^  total: .*\({total} bytes\)$", r.stdout, re.M)
    for never in ("system", "conda:base", "3.13.1"):
        assert f"  {never} " not in r.stdout


def test_prune_yes_removes_exactly_the_offered_ones(roots, tmp_path):
    v = world(roots, tmp_path)
    expected = offered(run(roots, "prune", "--dry-run", env=ENV).stdout)
    r = run(roots, "prune", "--yes", env=ENV)
    assert r.returncode == 0, r.stderr
    gone = {"3.7.17", "3.6.15", "conda:stale"}
    for name, prefix in v.items():
        assert os.path.lexists(prefix) == (name not in gone), name
    assert (roots.versions / "toolsvenv" / "pyvenv.cfg").exists()
    assert not os.path.lexists(roots.versions / "old"), "the short-name link of 3.6.15/envs/old went too"
    total = sum(size for _, size in expected)
    assert re.search(rf"^freed .*\({total} bytes\) in total$", r.stdout, re.M)
    again = run(roots, "prune", "--dry-run", env=ENV)
    assert "No environment is unused." in again.stdout


def test_without_a_terminal_and_without_yes_prune_refuses(roots, tmp_path):
    world(roots, tmp_path)
    before = listing(roots.pyenv_root, roots.home)
    r = run(roots, "prune", env=ENV)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "pyswitch: refusing to prune without confirmation: stdin is not a terminal; "
        "pass --yes to go ahead (or --dry-run to see the report only)"]
    assert listing(roots.pyenv_root, roots.home) == before


def test_on_a_terminal_each_environment_is_asked_for(roots):
    big = roots.fake_version("3.7.17")
    write(big / "lib" / "big", 9000)
    small = roots.fake_version("3.6.15")
    master, slave = os.openpty()
    try:
        os.write(master, b"y\nn\n")
        r = run(roots, "prune", stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert r.returncode == 0, r.stderr
    assert "Remove 3.7.17 (" in r.stdout and "Remove 3.6.15 (" in r.stdout
    assert not os.path.lexists(big)
    assert small.is_dir()


def test_nothing_to_prune(roots):
    roots.fake_version("3.9.18")
    roots.pin(roots.project, "3.9.18\n")
    r = run(roots, "prune")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "Nothing to prune."


# ----------------------------------------------------------------------------- conda package cache


def package(root: Path, name: str, files: Dict[str, int], archive: int = 0) -> Path:
    """An extracted package in ROOT/pkgs, with its .conda archive when archive > 0."""
    folder = root / "pkgs" / name
    write(folder / "info" / "index.json", 40)
    for rel, size in files.items():
        write(folder / rel, size)
    if archive:
        write(root / "pkgs" / f"{name}.conda", archive)
    return folder


def link_into(env: Path, folder: Path, rel: str) -> None:
    dest = env / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.link(folder / rel, dest)
    (env / "conda-meta" / f"{folder.name}.json").write_text("{}")


def cache_world(roots: Roots, tmp_path: Path):
    root = conda_root(roots)
    ml = roots.conda_env(root / "envs" / "ml")
    other = roots.conda_env(root / "envs" / "other")
    numpy = package(root, "numpy-1.26.4-py311_0", {"lib/numpy.so": 6000, "lib/extra.py": 300}, archive=2500)
    zlib = package(root, "zlib-1.2.13-h5eee18b_0", {"lib/libz.so": 1000}, archive=400)
    stale = package(root, "already-1.0-0", {"lib/a.so": 700})
    link_into(ml, numpy, "lib/numpy.so")
    link_into(ml, numpy, "lib/extra.py")
    link_into(ml, zlib, "lib/libz.so")
    link_into(other, zlib, "lib/libz.so")
    for name in ("ml", "other"):
        roots.pin(tmp_path / name, f"conda:{name}\n")
        record_projects(roots, tmp_path / name)
    return root, ml, numpy, zlib, stale


def entry_size(folder: Path) -> int:
    archive = folder.parent / f"{folder.name}.conda"
    return du(*files_below(folder), *([archive] if archive.exists() else []))


def test_prune_offers_exactly_the_cache_entries_that_lost_their_last_link(roots, tmp_path):
    root, ml, numpy, zlib, stale = cache_world(roots, tmp_path)
    before = run(roots, "prune", "--dry-run")
    assert before.returncode == 0, before.stderr
    assert cache_offer(before.stdout) == {stale.name: entry_size(stale)}

    r = run(roots, "uninstall", "conda:ml", "--yes")
    assert r.returncode == 0, r.stderr
    assert not os.path.lexists(ml)

    after = run(roots, "prune", "--dry-run")
    expected = {numpy.name: entry_size(numpy), stale.name: entry_size(stale)}
    assert cache_offer(after.stdout) == expected
    assert "No environment is unused." in after.stdout
    assert f"Conda package cache {root / 'pkgs'}: 2 entries no env links to, " in after.stdout
    assert re.search(rf"^  total: .*\({sum(expected.values())} bytes\)$", after.stdout, re.M)

    kept = listing(zlib, root / "pkgs" / f"{zlib.name}.conda", root / "envs" / "other")
    done = run(roots, "prune", "--yes")
    assert done.returncode == 0, done.stderr
    assert re.search(rf"^cleaned {re.escape(str(root / 'pkgs'))}: freed .*\({sum(expected.values())} bytes\)$",
                     done.stdout, re.M)
    assert sorted(os.listdir(root / "pkgs")) == [zlib.name, f"{zlib.name}.conda"]
    assert listing(zlib, root / "pkgs" / f"{zlib.name}.conda", root / "envs" / "other") == kept
    assert disk.find_leftovers([root / "pkgs"]) == []


def test_prune_dry_run_counts_the_cache_entries_an_unused_env_alone_links(roots, tmp_path):
    # SPEC 7: --dry-run prints the report --yes carries out; the base env's tree holds envs/,
    # so the env about to go must not keep its packages looking used
    root, ml, numpy, zlib, stale = cache_world(roots, tmp_path)
    lonely = roots.conda_env(root / "envs" / "lonely")
    only = package(root, "only-1.0-0", {"lib/only.so": 3000}, archive=900)
    link_into(lonely, only, "lib/only.so")
    dry = run(roots, "prune", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "conda:lonely" in dry.stdout
    expected = {only.name: entry_size(only), stale.name: entry_size(stale)}
    assert cache_offer(dry.stdout) == expected
    done = run(roots, "prune", "--yes")
    assert done.returncode == 0, done.stderr
    assert re.search(rf"^cleaned {re.escape(str(root / 'pkgs'))}: freed .*\({sum(expected.values())} bytes\)$",
                     done.stdout, re.M)


def test_prune_cleans_the_cache_with_conda_where_conda_manages_it(roots, tmp_path):
    root, ml, numpy, zlib, stale = cache_world(roots, tmp_path)
    log = tmp_path / "argv.log"
    write_exe(root / "condabin" / "conda", f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\n")
    env = {"PATH": f"{root / 'condabin'}{os.pathsep}{roots.env['PATH']}"}
    dry = run(roots, "prune", "--dry-run", env=env)
    assert f"  removed by: {root / 'condabin' / 'conda'} clean --packages --tarballs -y" in dry.stdout
    in_use = du(root / "pkgs" / f"{numpy.name}.conda", root / "pkgs" / f"{zlib.name}.conda")
    assert re.search(rf"which also deletes 2 archives of packages in use: .*\({in_use} bytes\)", dry.stdout)
    r = run(roots, "prune", "--yes", env=env)
    assert r.returncode == 0, r.stderr
    assert log.read_text() == "clean --packages --tarballs -y\n"
    assert stale.is_dir()  # the fake conda deleted nothing, and pyswitch left it to conda
    assert re.search(rf"^cleaned {re.escape(str(root / 'pkgs'))}: freed 0 B \(0 bytes\)$", r.stdout, re.M)
