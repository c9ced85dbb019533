"""Honest disk sizes and safe removal: rename first, then delete, leftovers finished later.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from pyswitch.errors import PyswitchError
from pyswitch.files import is_within

LEFTOVER_PREFIX = ".pyswitch-removing-"

Key = Tuple[int, int]  # (st_dev, st_ino)


# --------------------------------------------------------------------------- sizes


def walk_files(top: str, skip_dirs: Optional[Set[Key]] = None) -> Iterator[os.stat_result]:
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


def _honest_bytes(stats: Iterable[os.stat_result], outside_links_free_nothing: bool,
                  links_going: Optional[Dict[Key, int]] = None) -> int:
    total = 0
    shared: Dict[Key, List[int]] = {}  # key -> [size, nlink, links seen inside]
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
    going = links_going or {}
    for key, (size, nlink, inside) in shared.items():
        if inside + going.get(key, 0) >= nlink or not outside_links_free_nothing:
            total += size
    return total


def tree_size(prefix: Path, outside_links_free_nothing: bool = True,
              links_going: Optional[Dict[Key, int]] = None) -> int:
    """Bytes that deleting ``prefix`` would free (allocated blocks, see module doc).

    Directories count 0; each inode is counted once; with
    ``outside_links_free_nothing`` (default) a file that still has hard links
    outside ``prefix`` counts 0, unless ``links_going`` (inode -> links in folders that
    will be removed first) accounts for them. Unreadable subfolders are skipped.
    Raises FileNotFoundError if ``prefix`` does not exist.
    """
    top = os.fspath(prefix)
    st = os.lstat(top)
    stats: Iterable[os.stat_result] = walk_files(top) if stat.S_ISDIR(st.st_mode) else [st]
    return _honest_bytes(stats, outside_links_free_nothing, links_going)


def environment_bytes(env) -> Optional[int]:
    """What removing an environment would free (SPEC section 7); None for system, or for a
    prefix that vanished."""
    if env.kind == "system":
        return None
    try:
        return tree_size(env.prefix)
    except OSError:
        return None


def file_bytes(path: Path) -> int:
    """What deleting this one file frees: nothing while it has hard links elsewhere."""
    try:
        st = os.lstat(path)
    except OSError:
        return 0
    return allocated(st) if st.st_nlink <= 1 else 0




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




def _make_writable(path: str, top: str) -> None:
    """Add u+rwx to ``path`` (if a folder) and its parent, never outside ``top``."""
    for p in (path, os.path.dirname(path)):
        if not is_within(p, top):
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
        if is_within(running, real):
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
