"""conda's own files: the package cache (which entries no env links to any more) and
`~/.conda/environments.txt` (dropping the line of a removed env).

A pure library: no printing. Sizes are counted as disk.py counts them (allocated blocks, each
inode once, hard links from outside free nothing).
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from pyswitch.disk import Key, file_bytes, tree_size, walk_files
from pyswitch.files import atomic_write

ARCHIVE_SUFFIXES = (".conda", ".tar.bz2")
_NOT_PACKAGES = frozenset({"cache", "urls", "urls.txt"})


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
                    for suffix in ARCHIVE_SUFFIXES:
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


def _dir_key(path: Path) -> Optional[Key]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _env_usage(env_prefixes: List[Path], pkgs: Path, gone: Sequence[Path] = ()) -> Tuple[Set[str], Set[Key]]:
    """Package names recorded in the envs' conda-meta, and inodes the envs share; folders in
    ``gone`` (envs about to be removed, inside the base env's tree) are not walked."""
    names: Set[str] = set()
    inodes: Set[Key] = set()
    env_keys: Dict[Key, Path] = {}
    for p in env_prefixes:
        key = _dir_key(p)
        if key is not None and key not in env_keys:
            env_keys[key] = Path(p)
    pkgs_key = _dir_key(pkgs)
    gone_keys = {k for k in map(_dir_key, gone) if k is not None}
    for key, prefix in env_keys.items():
        try:
            with os.scandir(prefix / "conda-meta") as it:
                names.update(e.name[:-5] for e in it if e.name.endswith(".json"))
        except OSError:
            pass
        # base env contains pkgs/ and envs/: skip the cache and envs walked on their own
        skip = {k for k in env_keys if k != key} | gone_keys
        if pkgs_key is not None:
            skip.add(pkgs_key)
        for st in walk_files(os.fspath(prefix), skip):
            if st.st_nlink > 1:  # a file with one link cannot be shared with pkgs/
                inodes.add((st.st_dev, st.st_ino))
    return names, inodes


def _linked_into(folder: Path, inodes: Set[Key]) -> bool:
    if not inodes:
        return False
    for st in walk_files(os.fspath(folder)):
        if st.st_nlink > 1 and (st.st_dev, st.st_ino) in inodes:
            return True
    return False


def stale_package_cache_entries(
    conda_root: Path, env_prefixes: List[Path], *, pkgs_dir: Optional[Path] = None,
    gone: Sequence[Path] = (),
) -> List[CacheEntry]:
    """Entries of ``conda_root/pkgs`` (or ``pkgs_dir``) that no given env uses, largest first.

    An env uses a package when one of the env's files is a hard link to a file in
    the package folder, or when ``conda-meta/NAME.json`` records it (copies and
    softlinks leave no shared inode). Pass every env of the installation,
    including the base env (``conda_root`` itself); an env left out may make
    its packages look stale. ``gone``: envs to count as removed already (a dry run).
    """
    pkgs = Path(pkgs_dir) if pkgs_dir is not None else Path(conda_root) / "pkgs"
    entries = _package_entries(pkgs)
    if not entries:
        return []
    names, inodes = _env_usage([Path(p) for p in env_prefixes], pkgs, [Path(g) for g in gone])
    going: Dict[Key, int] = {}  # links the envs in `gone` hold: they free with the entry
    for g in gone:
        for st in walk_files(os.fspath(g)):
            if st.st_nlink > 1:
                key = (st.st_dev, st.st_ino)
                going[key] = going.get(key, 0) + 1
    stale: List[CacheEntry] = []
    for name, (folder, archives) in entries.items():
        if name in names or (folder is not None and _linked_into(folder, inodes)):
            continue
        size = sum(file_bytes(a) for a in archives)
        if folder is not None:
            try:
                size += tree_size(folder, links_going=going)
            except OSError:
                pass
        stale.append(CacheEntry(name, folder, tuple(sorted(archives)), size))
    stale.sort(key=lambda e: (-e.size_bytes, e.name))
    return stale


def atomic_rewrite_lines(path: Path, drop: Callable[[bytes], bool]) -> int:
    """Remove the lines for which ``drop(line)`` is true; returns how many were dropped.

    ``drop`` gets each line without its ``\\n`` (a ``\\r`` stays). Every other byte is kept as
    is (CRLF, a missing final newline). The file is rewritten atomically, keeping its mode; a
    symlinked file is rewritten at its target. A missing file, or nothing to drop: untouched, 0.
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
    if dropped:
        atomic_write(real, b"".join(kept), mode=mode)
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
