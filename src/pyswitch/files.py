"""Reading and writing files safely: bounded reads of regular files only, atomic writes.

Every file pyswitch reads that someone else controls (version files, the config, pyvenv.cfg,
environments.txt) goes through `read_regular`: it never blocks on a FIFO or a device, never
reads more than asked, and never follows a path into something that is not a regular file.
Every file pyswitch writes goes through `atomic_write`, so a reader never sees half a file.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Iterator, Optional, Union

    PathLike = Union[str, "os.PathLike[str]"]


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class NotRegular(OSError):
    """The path is there but is not a regular file (a FIFO, a device, a folder, a socket)."""

    def __init__(self, path: PathLike, mode: int):
        super().__init__(f"{os.fspath(path)}: {file_kind(mode)}, not a regular file")
        self.path = os.fspath(path)
        self.kind = file_kind(mode)


def file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return "not a file"


def read_regular(path: PathLike, limit: int) -> bytes:
    """At most `limit` bytes of a regular file. O_NONBLOCK and a check of the opened file itself
    mean a FIFO or device put in its place between a check and the open is never read."""
    fd = os.open(os.fspath(path), _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(path, st.st_mode)
        chunks = []
        left = limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def atomic_write(path: PathLike, data: Union[bytes, str], mode: int = 0o644,
                 mtime_ns: Optional[int] = None) -> None:
    """Write `data` to a new file in the same folder and rename it over `path`.

    The temporary name is unique (several writers at once each use their own), and it is
    removed again when anything fails, so nothing is left behind.
    """
    import tempfile  # writers only: readers never pay for it

    target = os.fspath(path)
    folder, name = os.path.split(target)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    fd, tmp = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        if mtime_ns is not None:
            os.utime(tmp, ns=(mtime_ns, mtime_ns))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def printable(value: PathLike) -> str:
    """A path or value for a one-line message: unprintable characters escaped as repr would."""
    text = os.fspath(value)
    return text if text.isprintable() else repr(text)[1:-1]


def walk_up(start: str, name: str) -> "Iterator[str]":
    """`DIR/NAME` for DIR = start, its parent, ..., `/`, spelled as the shims and hooks spell
    them (string operations on $PWD), so that their cache keys match."""
    d = start.rstrip("/")
    while True:
        yield f"{d}/{name}"
        if not d:
            return
        d = d.rsplit("/", 1)[0]


def find_up(start: Path, name: str) -> Optional[Path]:
    """The nearest regular file NAME at or above `start`; a path too long to look at is not there."""
    for path in walk_up(str(start), name):
        try:
            if os.path.isfile(path):
                return Path(path)
        except (OSError, ValueError):
            continue
    return None


def short_path(path: str, keep: int = 80) -> str:
    """A path for a message: its end, where it is too long to read (deeper than PATH_MAX)."""
    return path if len(path) <= keep else f"…{path[-keep:]}"


def is_within(path: str, top: str) -> bool:
    """Whether `path` is `top` or below it (both already real paths)."""
    top = top.rstrip(os.sep) or os.sep
    return path == top or path.startswith(top if top.endswith(os.sep) else top + os.sep)


def same_file(a: PathLike, b: PathLike) -> bool:
    """Identity as `test -ef` sees it; False when either is missing."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


class FileLock:
    """An exclusive `flock` on a lock file, held while this process holds it.

    The kernel drops the lock when its holder dies, so a lock left by a killed process is
    never mistaken for a live one, and a live one never for a stale one."""

    def __init__(self, path: Path, timeout: float = 60.0):
        self.path = path
        self.timeout = timeout
        self._fd: Optional[int] = None

    def __enter__(self) -> "FileLock":
        import fcntl
        import time

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(os.fspath(self.path), os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise TimeoutError(f"{self.path} is held by another pyswitch for over {self.timeout:.0f} s")
                time.sleep(0.01)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None
