"""Find and read `.python-version` files the way pyenv does, but bounded and traversal-safe.

SPEC section 3: the first word of each line is a spec; blank lines and `#` comments are skipped;
only space, tab, CR and LF separate words (a NUL or any other control character is part of the
word, and refused); tokens that could reach outside the versions folder are refused with a
warning and the next line is used. At most 64 KiB of a file is read, only from a regular file,
and a symlinked version file is followed only to a file whose name ends in `python-version`.
Nothing read here is ever executed.

This module is the only reader of version files. The shims and the shell hooks never parse
one: they look up what this module made of it in the resolution cache (resolve_cache.py).
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Sequence, Tuple

from pyswitch import files
from pyswitch.files import NotRegular, atomic_write, file_kind, printable, read_regular
from pyswitch.spec import invalid_in, token_problem
from pyswitch.values import value

VERSION_FILE = ".python-version"
MAX_READ = 64 * 1024
LINK_TARGET_SUFFIX = "python-version"
_SEPARATORS = rb"[ \t\r\n]+"
_ENV_SEPARATORS = r"[ \t\r\n]+"


@value
class ReadResult:
    specs: Tuple[str, ...]
    warnings: Tuple[str, ...]


@value
class Candidate:
    """What a `.python-version` path turned out to be."""

    path: str                      # as the walk spells it: DIR/.python-version
    use: bool                      # a version file to read (else skipped, and the walk goes on)
    warning: Optional[str] = None  # why it was skipped, when it is there but not usable
    link: bool = False             # a symlink (followed or not)


def parse_words(words: Sequence[str], source: str) -> ReadResult:
    specs, warnings = [], []
    for word in words:
        if not word or word.startswith("#"):
            continue
        if token_problem(word):
            warnings.append(invalid_in(word, source))
            continue
        specs.append(word)
    return ReadResult(tuple(specs), tuple(warnings))


def parse_bytes(data: bytes, source: str) -> ReadResult:
    """The specs of a version file's bytes: the first word of each line."""
    words = []
    for line in data.split(b"\n"):
        first = re.split(_SEPARATORS, line.strip(b" \t\r"), maxsplit=1)[0]
        words.append(first.decode("utf-8", "surrogateescape"))
    return parse_words(words, source)


def read_version_file(path: Path) -> ReadResult:
    """The specs of a version file, in order, with a warning per refused token."""
    try:
        data = read_regular(path, MAX_READ)
    except (FileNotFoundError, NotADirectoryError):
        return ReadResult((), ())
    except NotRegular as e:
        return ReadResult((), (f"ignoring {printable(path)}: {e.kind}, not a regular file",))
    except OSError as e:  # it is there but unreadable: say so, rather than silently reading nothing
        return ReadResult((), (f"cannot read '{printable(path)}': {e.strerror}; fix its permissions or remove it",))
    return parse_bytes(data, str(path))


def read_pyswitch_version(value: str, name: str) -> ReadResult:
    """PYSWITCH_VERSION: whitespace-separated specs, read like the lines of a version file."""
    return parse_words([w for w in re.split(_ENV_SEPARATORS, value) if w], name)


def read_pyenv_version(value: str, name: str) -> ReadResult:
    """PYENV_VERSION: pyenv names separated by `:`, as pyenv reads it (blanks around a name and
    empty names are dropped)."""
    return parse_words([w.strip(" \t\r\n") for w in value.split(":") if w.strip(" \t\r\n")], name)


def is_blank(value: Optional[str]) -> bool:
    """A variable that holds only whitespace counts as unset (SPEC section 2)."""
    return value is None or not value.strip(" \t\r\n")


# --- finding the nearest file -----------------------------------------------------------------
def walk_up(start: str) -> Iterator[str]:
    """`DIR/.python-version` from `start` up to `/`, spelled as the shims and hooks spell them."""
    return files.walk_up(start, VERSION_FILE)


def examine(path: str, global_file: bool = False) -> Optional[Candidate]:
    """None when nothing is there (or the path cannot be looked at, e.g. it is too long)."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(st.st_mode):
        return Candidate(path, True)
    shown = printable(path)
    if not stat.S_ISLNK(st.st_mode):
        return Candidate(path, False, f"ignoring {shown}: {file_kind(st.st_mode)}, not a regular file")
    try:
        target = os.stat(path)
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return Candidate(path, False, f"ignoring {shown}: a symlink to nothing", link=True)
    if not global_file and not os.path.basename(real).endswith(LINK_TARGET_SUFFIX):
        return Candidate(path, False, f"ignoring {shown}: a symlink to a file whose name does not end in "
                         f"'{LINK_TARGET_SUFFIX}'", link=True)
    if not stat.S_ISREG(target.st_mode):
        return Candidate(path, False, f"ignoring {shown}: a symlink to {file_kind(target.st_mode)}, "
                         "not to a regular file", link=True)
    return Candidate(path, True, link=True)


def find_version_file(start: Path, warnings: Optional[List[str]] = None) -> Optional[Path]:
    """The nearest usable `.python-version` from `start` up to `/`; skipped ones add a warning."""
    for path in walk_up(str(start)):
        found = examine(path)
        if found is None:
            continue
        if found.use:
            return Path(path)
        if warnings is not None and found.warning:
            warnings.append(found.warning)
    return None


def write_version_file(path: Path, specs: Sequence[str]) -> None:
    """Write one spec per line, atomically, so a reader never sees half a file."""
    # surrogateescape: a token read from undecodable bytes is written back as those bytes
    atomic_write(path, "".join(f"{s}\n" for s in specs))
