"""Tests for pyswitch.disk, on fabricated trees under tmp_path only."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from conftest import du

from pyswitch import disk
from pyswitch.conda_files import atomic_rewrite_lines, conda_env_line_matches, stale_package_cache_entries
from pyswitch.disk import LEFTOVER_PREFIX, RefusedRemoval, finish_leftover, find_leftovers, leftover_name, remove_tree, tree_size

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def write(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return path


# ----------------------------------------------------------------- tree_size


def test_plain_files_add_up_and_folders_count_zero(tmp_path: Path) -> None:
    a = write(tmp_path / "env/a", 100)
    b = write(tmp_path / "env/sub/deeper/b", 250)
    (tmp_path / "env/empty").mkdir()
    assert tree_size(tmp_path / "env") == du(a, b)


def test_file_hard_linked_twice_inside_is_counted_once(tmp_path: Path) -> None:
    f = write(tmp_path / "env/a", 1000)
    os.link(f, tmp_path / "env/a2")
    (tmp_path / "env/sub").mkdir()
    os.link(f, tmp_path / "env/sub/a3")
    b = write(tmp_path / "env/b", 7)
    assert tree_size(tmp_path / "env") == du(f, b)


def test_file_hard_linked_from_outside_frees_nothing(tmp_path: Path) -> None:
    cached = write(tmp_path / "pkgs/numpy/core.so", 5000)
    own = write(tmp_path / "env/own", 30)
    os.link(cached, tmp_path / "env/core.so")
    assert tree_size(tmp_path / "env") == du(own)
    assert tree_size(tmp_path / "env", outside_links_free_nothing=False) == du(own, cached)


def test_symlink_counts_itself_not_its_target(tmp_path: Path) -> None:
    big = write(tmp_path / "outside/big", 1_000_000)
    own = write(tmp_path / "env/own", 10)
    (tmp_path / "env/big").symlink_to(big)
    assert tree_size(tmp_path / "env") == du(own, tmp_path / "env/big")
    assert tree_size(tmp_path / "env") < du(big)


def test_symlinked_folder_is_not_descended(tmp_path: Path) -> None:
    big = write(tmp_path / "outside/dir/big", 1_000_000)
    own = write(tmp_path / "env/own", 10)
    (tmp_path / "env/lib").symlink_to(tmp_path / "outside/dir", target_is_directory=True)
    assert tree_size(tmp_path / "env") == du(own, tmp_path / "env/lib")
    assert tree_size(tmp_path / "env") < du(big)


def test_unreadable_subfolder_is_skipped_without_crashing(tmp_path: Path) -> None:
    own = write(tmp_path / "env/own", 10)
    secret = write(tmp_path / "env/locked/secret", 20)
    expected = du(own, secret) if IS_ROOT else du(own)  # measured while still readable
    os.chmod(tmp_path / "env/locked", 0)
    try:
        size = tree_size(tmp_path / "env")
    finally:
        os.chmod(tmp_path / "env/locked", 0o700)
    assert size == expected


def test_sparse_file_counts_its_allocated_blocks_not_its_length(tmp_path: Path) -> None:
    sparse = write(tmp_path / "env/sparse.img", 3)
    os.truncate(sparse, 64 * 1024 * 1024)
    assert os.lstat(sparse).st_size == 64 * 1024 * 1024
    if du(sparse) >= 64 * 1024 * 1024:
        pytest.skip("this file system does not keep files sparse")
    own = write(tmp_path / "env/own", 10)
    assert tree_size(tmp_path / "env") == du(sparse, own)
    assert tree_size(sparse) == du(sparse)
    assert tree_size(tmp_path / "env") < 64 * 1024 * 1024


def test_missing_prefix_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        tree_size(tmp_path / "nope")


# --------------------------------------------------------- conda package cache


def make_package(pkgs: Path, name: str, files: dict) -> Path:
    folder = pkgs / name
    write(folder / "info/index.json", 2)
    for rel, size in files.items():
        write(folder / rel, size)
    return folder


@pytest.fixture
def conda_root(tmp_path: Path) -> Path:
    root = tmp_path / "miniconda3"
    pkgs = root / "pkgs"
    a = make_package(pkgs, "a-1-0", {"lib/a.so": 1000, "bin/a": 200})
    # b is larger than a on disk, not just in length (allocated blocks are what count)
    make_package(pkgs, "b-1-0", {"lib/b.so": 30_000})
    write(pkgs / "b-1-0.conda", 400)
    # not packages: conda's own bookkeeping and a folder without info/index.json
    write(pkgs / "cache/0123.json", 999)
    write(pkgs / "urls.txt", 50)
    write(pkgs / "urls", 50)
    write(pkgs / "stray/file", 70)
    # env x hard-links a's files, like conda does
    x = root / "envs/x"
    (x / "lib").mkdir(parents=True)
    (x / "bin").mkdir()
    os.link(a / "lib/a.so", x / "lib/a.so")
    os.link(a / "bin/a", x / "bin/a")
    (root / "conda-meta").mkdir()
    return root


def test_only_unlinked_package_is_stale_with_exact_size(conda_root: Path) -> None:
    envs = [conda_root, conda_root / "envs/x"]
    stale = stale_package_cache_entries(conda_root, envs)
    assert [e.name for e in stale] == ["b-1-0"]
    (b,) = stale
    assert b.path == conda_root / "pkgs/b-1-0"
    assert b.archives == (conda_root / "pkgs/b-1-0.conda",)
    pkgs = conda_root / "pkgs"
    assert b.size_bytes == du(pkgs / "b-1-0/info/index.json", pkgs / "b-1-0/lib/b.so", pkgs / "b-1-0.conda")


def test_both_packages_stale_after_env_is_deleted(conda_root: Path) -> None:
    result = remove_tree(conda_root / "envs/x", parent_must_be=[conda_root / "envs"])
    assert result.freed_bytes == 0  # every file in x was a hard link into pkgs/
    stale = stale_package_cache_entries(conda_root, [conda_root])
    pkgs = conda_root / "pkgs"
    b_size = du(pkgs / "b-1-0/info/index.json", pkgs / "b-1-0/lib/b.so", pkgs / "b-1-0.conda")
    a_size = du(pkgs / "a-1-0/info/index.json", pkgs / "a-1-0/lib/a.so", pkgs / "a-1-0/bin/a")
    assert b_size > a_size  # so the order below is largest first, not a tie broken by name
    assert [(e.name, e.size_bytes) for e in stale] == [("b-1-0", b_size), ("a-1-0", a_size)]


def test_package_recorded_in_conda_meta_is_in_use_without_hard_links(conda_root: Path) -> None:
    # copies (another file system) leave no shared inode; conda-meta still names the package
    x = conda_root / "envs/x"
    write(x / "conda-meta/b-1-0.json", 10)
    stale = stale_package_cache_entries(conda_root, [conda_root, x])
    assert stale == []


def test_archive_only_entry_and_largest_first(conda_root: Path) -> None:
    tarball = write(conda_root / "pkgs/c-2-1.tar.bz2", 90_000)
    archive = write(conda_root / "pkgs/c-2-1.conda", 1)
    stale = stale_package_cache_entries(conda_root, [conda_root, conda_root / "envs/x"])
    assert [e.name for e in stale] == ["c-2-1", "b-1-0"]
    c = stale[0]
    assert c.path is None
    assert c.archives == (conda_root / "pkgs/c-2-1.conda", conda_root / "pkgs/c-2-1.tar.bz2")
    assert c.size_bytes == du(archive, tarball)
    assert c.size_bytes > stale[1].size_bytes


def test_stale_size_excludes_files_hard_linked_outside_the_entry(conda_root: Path) -> None:
    # d shares a file with an env that was not passed in: deleting d frees nothing for it
    d = make_package(conda_root / "pkgs", "d-1-0", {"big": 5000, "small": 5})
    (conda_root.parent / "elsewhere").mkdir()
    os.link(d / "big", conda_root.parent / "elsewhere/big")
    stale = {e.name: e for e in stale_package_cache_entries(conda_root, [conda_root])}
    assert stale["d-1-0"].size_bytes == du(d / "info/index.json", d / "small")


def test_no_pkgs_folder_means_nothing_stale(tmp_path: Path) -> None:
    assert stale_package_cache_entries(tmp_path, [tmp_path]) == []


# -------------------------------------------------------------------- removal


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    v = tmp_path / "pyenv/versions"
    write(v / "3.8.18/bin/python3.8", 1234)
    write(v / "3.8.18/lib/libpython.so", 5000)
    os.link(v / "3.8.18/lib/libpython.so", v / "3.8.18/lib/libpython-again.so")
    (v / "3.8.18/bin/python").symlink_to("python3.8")
    write(v / "3.12.1/bin/python3.12", 10)
    return v


def expected_env_size(versions: Path) -> int:
    """libpython.so once (its second link is inside too), the symlink as itself."""
    env = versions / "3.8.18"
    return du(env / "bin/python3.8", env / "lib/libpython.so", env / "lib/libpython-again.so", env / "bin/python")


def test_removal_returns_exact_freed_bytes_and_leaves_nothing(versions: Path) -> None:
    expected = expected_env_size(versions)
    result = remove_tree(versions / "3.8.18", parent_must_be=[versions])
    assert result.freed_bytes == expected
    assert result.leftover is None
    assert result.errors == []
    assert sorted(os.listdir(versions)) == ["3.12.1"]
    assert find_leftovers([versions]) == []


def test_removal_refuses_a_symlink_prefix(versions: Path, tmp_path: Path) -> None:
    (versions / "alias").symlink_to(versions / "3.8.18", target_is_directory=True)
    with pytest.raises(RefusedRemoval, match="it is a symlink"):
        remove_tree(versions / "alias", parent_must_be=[versions])
    assert (versions / "3.8.18/bin/python3.8").is_file()


def test_removal_refuses_a_prefix_outside_the_allowed_parents(versions: Path, tmp_path: Path) -> None:
    write(tmp_path / "elsewhere/env/file", 10)
    with pytest.raises(RefusedRemoval, match="is not directly inside"):
        remove_tree(tmp_path / "elsewhere/env", parent_must_be=[versions])
    with pytest.raises(RefusedRemoval):
        remove_tree(versions, parent_must_be=[versions])
    with pytest.raises(RefusedRemoval):  # nested deeper than one level
        remove_tree(versions / "3.8.18/lib", parent_must_be=[versions])
    assert (tmp_path / "elsewhere/env/file").is_file()


def test_removal_refuses_a_path_that_escapes_through_a_symlinked_parent(
    versions: Path, tmp_path: Path
) -> None:
    write(tmp_path / "precious/data/file", 10)
    (versions / "sneaky").symlink_to(tmp_path / "precious", target_is_directory=True)
    with pytest.raises(RefusedRemoval):
        remove_tree(versions / "sneaky/data", parent_must_be=[versions])
    assert (tmp_path / "precious/data/file").is_file()


def test_allowed_parent_given_through_a_symlink_is_resolved(versions: Path, tmp_path: Path) -> None:
    (tmp_path / "vlink").symlink_to(versions, target_is_directory=True)
    expected = expected_env_size(versions)
    result = remove_tree(tmp_path / "vlink/3.8.18", parent_must_be=[tmp_path / "vlink"])
    assert result.freed_bytes == expected
    assert not (versions / "3.8.18").exists()


def test_read_only_subfolder_is_made_writable_and_removed(
    versions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_env_size(versions)
    real_unlink = os.unlink

    def unlink(path, *args, dir_fd=None, **kwargs):
        # what the kernel does for non-root users; root ignores the mode, so emulate it
        parent = os.fstat(dir_fd) if dir_fd is not None else os.lstat(os.path.dirname(path))
        if not parent.st_mode & stat.S_IWUSR:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_unlink(path, *args, dir_fd=dir_fd, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)
    os.chmod(versions / "3.8.18/lib", 0o500)
    result = remove_tree(versions / "3.8.18", parent_must_be=[versions])
    assert (result.freed_bytes, result.leftover, result.errors) == (expected, None, [])
    assert sorted(os.listdir(versions)) == ["3.12.1"]


def refuse_unlink_of(monkeypatch: pytest.MonkeyPatch, basename: str, exc: BaseException) -> None:
    """Make os.unlink fail for one file name; works as root, where chmod stops nothing."""
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if os.path.basename(os.fspath(path)) == basename:
            raise exc
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)


def test_undeletable_file_leaves_a_leftover_that_a_second_run_finishes(
    versions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_env_size(versions)
    stuck = du(versions / "3.8.18/bin/python3.8")
    refuse_unlink_of(monkeypatch, "python3.8", PermissionError(errno.EPERM, "Operation not permitted"))
    result = remove_tree(versions / "3.8.18", parent_must_be=[versions])
    assert result.freed_bytes == expected - stuck
    assert result.leftover is not None
    assert result.leftover.parent == versions
    assert result.leftover.name == f"{LEFTOVER_PREFIX}3.8.18-{os.getpid()}"
    assert leftover_name(result.leftover) == "3.8.18"
    assert any("python3.8" in e and "not permitted" in e for e in result.errors)
    assert find_leftovers([versions]) == [result.leftover]
    assert not (versions / "3.8.18").exists()

    monkeypatch.undo()
    again = finish_leftover(result.leftover)
    assert (again.freed_bytes, again.leftover, again.errors) == (stuck, None, [])
    assert find_leftovers([versions]) == []
    assert sorted(os.listdir(versions)) == ["3.12.1"]


def test_ctrl_c_during_delete_leaves_a_reported_leftover(
    versions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_unlink_of(monkeypatch, "python3.8", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        remove_tree(versions / "3.8.18", parent_must_be=[versions])
    monkeypatch.undo()
    (leftover,) = find_leftovers([versions])
    assert leftover_name(leftover) == "3.8.18"
    assert not (versions / "3.8.18").exists()
    result = finish_leftover(leftover)
    assert result.leftover is None and result.freed_bytes > 0
    assert sorted(os.listdir(versions)) == ["3.12.1"]


def test_ctrl_c_before_the_rename_leaves_the_env_untouched(
    versions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sorted(str(p.relative_to(versions)) for p in versions.rglob("*"))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(disk, "tree_size", interrupted)
    with pytest.raises(KeyboardInterrupt):
        remove_tree(versions / "3.8.18", parent_must_be=[versions])
    assert sorted(str(p.relative_to(versions)) for p in versions.rglob("*")) == before
    assert find_leftovers([versions]) == []


def test_leftover_name_does_not_clobber_an_existing_leftover(versions: Path) -> None:
    existing = versions / f"{LEFTOVER_PREFIX}3.8.18-{os.getpid()}"
    write(existing / "keep", 3)
    result = remove_tree(versions / "3.8.18", parent_must_be=[versions])
    assert result.leftover is None
    assert (existing / "keep").is_file()
    assert find_leftovers([versions, versions / "missing"]) == [existing]


def test_finish_leftover_refuses_other_folders(versions: Path) -> None:
    with pytest.raises(RefusedRemoval):
        finish_leftover(versions / "3.8.18")
    assert (versions / "3.8.18").is_dir()


# ----------------------------------------------------------- environments.txt


def test_rewrite_drops_one_line_and_keeps_the_rest_byte_for_byte(tmp_path: Path) -> None:
    f = tmp_path / "environments.txt"
    f.write_bytes(b"/opt/conda\r\n/opt/conda/envs/web\n\n/opt/conda/envs/ml\r\n/home/me/env")
    os.chmod(f, 0o640)
    dropped = atomic_rewrite_lines(f, lambda line: line == b"/opt/conda/envs/web")
    assert dropped == 1
    assert f.read_bytes() == b"/opt/conda\r\n\n/opt/conda/envs/ml\r\n/home/me/env"
    assert stat.S_IMODE(os.stat(f).st_mode) == 0o640
    assert os.listdir(tmp_path) == ["environments.txt"]  # no temp file left behind


def test_rewrite_can_drop_the_last_line_without_newline(tmp_path: Path) -> None:
    f = tmp_path / "environments.txt"
    f.write_bytes(b"/a\r\n/b\n/c")
    assert atomic_rewrite_lines(f, lambda line: line == b"/c") == 1
    assert f.read_bytes() == b"/a\r\n/b\n"


def test_rewrite_passes_the_carriage_return_and_leaves_untouched_files_alone(tmp_path: Path) -> None:
    f = tmp_path / "environments.txt"
    f.write_bytes(b"/a\r\n/b\n")
    seen = []
    assert atomic_rewrite_lines(f, lambda line: seen.append(line) or False) == 0
    assert seen == [b"/a\r", b"/b"]
    assert f.read_bytes() == b"/a\r\n/b\n"
    assert atomic_rewrite_lines(tmp_path / "missing.txt", lambda line: True) == 0


def test_rewrite_with_line_matcher_handles_crlf_and_symlinked_parents(tmp_path: Path) -> None:
    (tmp_path / "real/envs").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    gone = tmp_path / "real/envs/web"  # already deleted: never created
    f = tmp_path / "environments.txt"
    f.write_bytes(
        os.fsencode(f"{tmp_path}/link/envs/web\r\n{tmp_path}/real/envs/webby\r\n{tmp_path}/real/envs/web/\n")
    )
    assert atomic_rewrite_lines(f, lambda line: conda_env_line_matches(line, gone)) == 2
    assert f.read_bytes() == os.fsencode(f"{tmp_path}/real/envs/webby\r\n")


def test_line_matcher_ignores_blank_and_comment_lines(tmp_path: Path) -> None:
    assert not conda_env_line_matches(b"", tmp_path)
    assert not conda_env_line_matches(b"  \r", tmp_path)
    assert not conda_env_line_matches(b"# " + os.fsencode(str(tmp_path)), tmp_path)
    assert conda_env_line_matches(os.fsencode(str(tmp_path)) + b" \r", tmp_path)
