"""Honest disk sizes, conda package cache analysis, and safe removal.

A pure library: no printing, no click. Every size here is what removing something
would actually free: the blocks the file system allocated (``st_blocks * 512``, as
``du`` counts), not the length (``st_size``), so a sparse 64 MiB file with a few
blocks written counts those blocks (SPEC sections 6 and 7):

- each inode is counted once, however many hard links to it the tree holds;
- a file with hard links outside the tree (conda's package cache does this)
  frees nothing and counts 0;
- a symlink counts as itself, never its target; symlinked folders are not entered.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from pyswitch.errors import PyswitchError

LEFTOVER_PREFIX = ".pyswitch-removing-"

_Key = Tuple[int, int]  # (st_dev, st_ino)

_ARCHIVE_SUFFIXES = (".conda", ".tar.bz2")
_NOT_PACKAGES = frozenset({"cache", "urls", "urls.txt"})


# --------------------------------------------------------------------------- sizes


def _walk(top: str, skip_dirs: Optional[Set[_Key]] = None) -> Iterator[os.stat_result]:
    """Yield the lstat of every non-directory below ``top``; never follows symlinks.

    Unreadable or vanished folders are skipped silently. Folders whose (dev, ino)
    is in ``skip_dirs`` are not entered.
    """
    skip_inos = {ino for _, ino in skip_dirs} if skip_dirs else set()
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            it = os.scandir(folder)
        except OSError:
            continue
        with it:
            try:
                for entry in it:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            # inode() is free on POSIX; only confirm the device on a hit
                            if skip_inos and entry.inode() in skip_inos:
                                st = entry.stat(follow_symlinks=False)
                                if (st.st_dev, st.st_ino) in skip_dirs:  # type: ignore[operator]
                                    continue
                            stack.append(entry.path)
                        else:
                            yield entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
            except OSError:  # the listing itself broke off (folder vanished, I/O error)
                continue


def allocated(st: os.stat_result) -> int:
    """Bytes a file takes on disk: what deleting it gives back."""
    return st.st_blocks * 512


def _honest_bytes(stats: Iterable[os.stat_result], outside_links_free_nothing: bool) -> int:
    total = 0
    shared: Dict[_Key, List[int]] = {}  # key -> [size, nlink, links seen inside]
    for st in stats:
        if st.st_nlink <= 1:  # the common case: no bookkeeping needed
            total += allocated(st)
            continue
        key = (st.st_dev, st.st_ino)
        rec = shared.get(key)
        if rec is None:
            shared[key] = [allocated(st), st.st_nlink, 1]
        else:
            rec[2] += 1
    for size, nlink, inside in shared.values():
        if inside >= nlink or not outside_links_free_nothing:
            total += size
    return total


def tree_size(prefix: Path, outside_links_free_nothing: bool = True) -> int:
    """Bytes that deleting ``prefix`` would free (allocated blocks, see module doc).

    Directories count 0; each inode is counted once; with
    ``outside_links_free_nothing`` (default) a file that still has hard links
    outside ``prefix`` counts 0. Unreadable subfolders are skipped.
    Raises FileNotFoundError if ``prefix`` does not exist.
    """
    top = os.fspath(prefix)
    st = os.lstat(top)
    stats: Iterable[os.stat_result] = _walk(top) if stat.S_ISDIR(st.st_mode) else [st]
    return _honest_bytes(stats, outside_links_free_nothing)


# ------------------------------------------------------------ conda package cache


@dataclass(frozen=True)
class CacheEntry:
    """One package in a conda package cache (``pkgs/``) that no environment uses."""

    name: str  # e.g. "numpy-1.26.4-py311h64a7726_0"
    path: Optional[Path]  # the extracted folder pkgs/NAME/, None if only archives
    archives: Tuple[Path, ...]  # pkgs/NAME.conda and/or pkgs/NAME.tar.bz2
    size_bytes: int  # honest bytes freed by deleting path and archives


def _package_entries(pkgs: Path) -> Dict[str, Tuple[Optional[Path], List[Path]]]:
    entries: Dict[str, Tuple[Optional[Path], List[Path]]] = {}
    try:
        it = os.scandir(pkgs)
    except OSError:
        return entries
    with it:
        for e in it:
            name = e.name
            if name.startswith(".") or name in _NOT_PACKAGES:
                continue
            try:
                if e.is_symlink():
                    continue
                if e.is_file(follow_symlinks=False):
                    for suffix in _ARCHIVE_SUFFIXES:
                        if name.endswith(suffix) and len(name) > len(suffix):
                            folder, archives = entries.get(name[: -len(suffix)], (None, []))
                            archives.append(Path(e.path))
                            entries[name[: -len(suffix)]] = (folder, archives)
                            break
                elif e.is_dir(follow_symlinks=False):
                    if os.path.isfile(os.path.join(e.path, "info", "index.json")):
                        _, archives = entries.get(name, (None, []))
                        entries[name] = (Path(e.path), archives)
            except OSError:
                continue
    return entries


def _dir_key(path: Path) -> Optional[_Key]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _env_usage(env_prefixes: List[Path], pkgs: Path) -> Tuple[Set[str], Set[_Key]]:
    """Package names recorded in the envs' conda-meta, and inodes the envs share."""
    names: Set[str] = set()
    inodes: Set[_Key] = set()
    env_keys: Dict[_Key, Path] = {}
    for p in env_prefixes:
        key = _dir_key(p)
        if key is not None and key not in env_keys:
            env_keys[key] = Path(p)
    pkgs_key = _dir_key(pkgs)
    for key, prefix in env_keys.items():
        try:
            with os.scandir(prefix / "conda-meta") as it:
                names.update(e.name[:-5] for e in it if e.name.endswith(".json"))
        except OSError:
            pass
        # base env contains pkgs/ and envs/: skip the cache and envs walked on their own
        skip = {k for k in env_keys if k != key}
        if pkgs_key is not None:
            skip.add(pkgs_key)
        for st in _walk(os.fspath(prefix), skip):
            if st.st_nlink > 1:  # a file with one link cannot be shared with pkgs/
                inodes.add((st.st_dev, st.st_ino))
    return names, inodes


def _linked_into(folder: Path, inodes: Set[_Key]) -> bool:
    if not inodes:
        return False
    for st in _walk(os.fspath(folder)):
        if st.st_nlink > 1 and (st.st_dev, st.st_ino) in inodes:
            return True
    return False


def _archive_size(path: Path) -> int:
    try:
        st = os.lstat(path)
    except OSError:
        return 0
    return allocated(st) if st.st_nlink <= 1 else 0  # hard-linked elsewhere: frees nothing


def stale_package_cache_entries(
    conda_root: Path, env_prefixes: List[Path], *, pkgs_dir: Optional[Path] = None
) -> List[CacheEntry]:
    """Entries of ``conda_root/pkgs`` (or ``pkgs_dir``) that no given env uses, largest first.

    An env uses a package when one of the env's files is a hard link to a file in
    the package folder, or when ``conda-meta/NAME.json`` records it (copies and
    softlinks leave no shared inode). Pass every env of the installation,
    including the base env (``conda_root`` itself); an env left out may make
    its packages look stale.
    """
    pkgs = Path(pkgs_dir) if pkgs_dir is not None else Path(conda_root) / "pkgs"
    entries = _package_entries(pkgs)
    if not entries:
        return []
    names, inodes = _env_usage([Path(p) for p in env_prefixes], pkgs)
    stale: List[CacheEntry] = []
    for name, (folder, archives) in entries.items():
        if name in names or (folder is not None and _linked_into(folder, inodes)):
            continue
        size = sum(_archive_size(a) for a in archives)
        if folder is not None:
            try:
                size += tree_size(folder)
            except OSError:
                pass
        stale.append(CacheEntry(name, folder, tuple(sorted(archives)), size))
    stale.sort(key=lambda e: (-e.size_bytes, e.name))
    return stale


# ----------------------------------------------------------------------- removal


class RefusedRemoval(PyswitchError):
    """A removal refused before anything was touched; ``reason`` is one line naming the path."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RemovalResult:
    freed_bytes: int  # honest bytes measured before, minus those of what remains
    leftover: Optional[Path] = None  # the .pyswitch-removing-* entry if something remained
    errors: List[str] = field(default_factory=list)  # one line per path that resisted


def _within(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def _make_writable(path: str, top: str) -> None:
    """Add u+rwx to ``path`` (if a folder) and its parent, never outside ``top``."""
    for p in (path, os.path.dirname(path)):
        if not _within(p, top):
            continue
        try:
            st = os.lstat(p)
            if stat.S_ISDIR(st.st_mode):
                os.chmod(p, stat.S_IMODE(st.st_mode) | stat.S_IRWXU)
        except OSError:
            pass


def _rmtree(path: str, on_error: Callable[[str, BaseException], None]) -> None:
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=lambda func, p, exc: on_error(p, exc))
    else:
        shutil.rmtree(path, onerror=lambda func, p, info: on_error(p, info[1]))


def _describe(path: str, exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{path}: {exc.strerror}"
    return f"{path}: {exc}"


def _delete(path: str) -> List[str]:
    """Delete a file or tree; a second pass follows making folders writable. Returns errors."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return []
    if not stat.S_ISDIR(st.st_mode):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            return [_describe(path, exc)]
        return []

    def fix(p: str, exc: BaseException) -> None:
        _make_writable(p, path)

    _rmtree(path, fix)
    if not os.path.lexists(path):
        return []
    errors: List[str] = []

    def record(p: str, exc: BaseException) -> None:
        if not isinstance(exc, FileNotFoundError):
            errors.append(_describe(p, exc))

    _rmtree(path, record)
    return errors


def _finish(path: Path, measured: int) -> RemovalResult:
    errors = _delete(os.fspath(path))
    if not os.path.lexists(path):
        return RemovalResult(measured, None, errors)
    try:
        remaining = tree_size(path)
    except OSError:
        remaining = measured  # cannot tell what went: claim nothing
    return RemovalResult(max(0, measured - remaining), path, errors or [f"{path}: not removed"])


def _leftover_target(parent: str, name: str) -> str:
    base = os.path.join(parent, f"{LEFTOVER_PREFIX}{name}-{os.getpid()}")
    target, n = base, 0
    while os.path.lexists(target):  # os.rename would silently replace an empty folder
        n += 1
        target = f"{base}.{n}"
    return target


def remove_tree(prefix: Path, *, parent_must_be: List[Path]) -> RemovalResult:
    """Delete the folder ``prefix`` and report the honest bytes freed.

    Refused (RefusedRemoval, nothing touched) when ``prefix`` is a symlink, not a
    folder, not directly inside one of ``parent_must_be`` after resolving
    symlinks, or holds the running interpreter. The folder is first renamed to
    ``.pyswitch-removing-<name>-<pid>`` in its own parent (atomic), then deleted;
    whatever resists stays there as ``leftover`` for ``finish_leftover``.
    An interruption before the rename leaves the env intact, after it a leftover.
    OSError from the rename propagates (env untouched).
    """
    path = os.fspath(prefix)
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise RefusedRemoval(f"refusing to remove {path}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(st.st_mode):
        raise RefusedRemoval(f"refusing to remove {path}: it is a symlink")
    if not stat.S_ISDIR(st.st_mode):
        raise RefusedRemoval(f"refusing to remove {path}: not a folder")
    real = os.path.realpath(path)
    allowed = {os.path.realpath(p) for p in parent_must_be}
    if real in allowed or os.path.dirname(real) not in allowed:
        raise RefusedRemoval(
            f"refusing to remove {path}: {real} is not directly inside "
            + (", ".join(sorted(allowed)) or "an allowed folder")
        )
    for running in {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}:
        if _within(running, real):
            raise RefusedRemoval(f"refusing to remove {path}: this process runs from it")

    measured = tree_size(real)
    target = _leftover_target(os.path.dirname(real), os.path.basename(real))
    os.rename(real, target)
    return _finish(Path(target), measured)


def find_leftovers(parents: List[Path]) -> List[Path]:
    """The ``.pyswitch-removing-*`` entries left in these folders by interrupted removals."""
    found: Set[Path] = set()
    for parent in parents:
        try:
            with os.scandir(parent) as it:
                found.update(Path(e.path) for e in it if e.name.startswith(LEFTOVER_PREFIX))
        except OSError:
            continue
    return sorted(found)


def leftover_name(path: Path) -> str:
    """The name of what was being removed: ``.pyswitch-removing-3.8.18-123`` -> ``3.8.18``."""
    rest = Path(path).name[len(LEFTOVER_PREFIX):]
    return rest.rsplit("-", 1)[0] if "-" in rest else rest


def finish_leftover(path: Path) -> RemovalResult:
    """Delete one leftover of an interrupted removal; same result shape as remove_tree."""
    if not Path(path).name.startswith(LEFTOVER_PREFIX):
        raise RefusedRemoval(f"refusing to remove {path}: not a {LEFTOVER_PREFIX}* leftover")
    try:
        measured = tree_size(path)
    except FileNotFoundError:
        return RemovalResult(0)
    return _finish(Path(path), measured)


# ------------------------------------------------------------ environments.txt


def atomic_rewrite_lines(path: Path, drop: Callable[[bytes], bool]) -> int:
    """Remove the lines for which ``drop(line)`` is true; returns how many were dropped.

    ``drop`` gets each line without its ``\\n`` (a ``\\r`` stays). Every other
    byte is kept as is (CRLF, a missing final newline). The new content goes to
    a temp file in the same folder, then ``os.replace``; a symlinked file is
    rewritten at its target. A missing file, or nothing to drop: untouched, 0.
    """
    real = os.path.realpath(path)
    try:
        with open(real, "rb") as f:
            data = f.read()
        mode = stat.S_IMODE(os.stat(real).st_mode)
    except FileNotFoundError:
        return 0
    chunks = data.split(b"\n")
    lines = [c + b"\n" for c in chunks[:-1]] + ([chunks[-1]] if chunks[-1] else [])
    kept = [line for line in lines if not drop(line[:-1] if line.endswith(b"\n") else line)]
    dropped = len(lines) - len(kept)
    if not dropped:
        return 0
    folder, name = os.path.split(real)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(b"".join(kept))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return dropped


def _norm(p: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(p)))


def conda_env_line_matches(line: bytes, prefix: Path) -> bool:
    """Whether a line of ``environments.txt`` names ``prefix`` (which may be gone already).

    Compares both real paths and plain normalised paths; blank and ``#`` lines never match.
    """
    text = os.fsdecode(line.strip())
    if not text or text.startswith("#"):
        return False
    target = os.fspath(prefix)
    if _norm(text) == _norm(target):
        return True
    return os.path.normcase(os.path.realpath(text)) == os.path.normcase(os.path.realpath(target))
