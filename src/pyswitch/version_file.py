"""Find and read `.python-version` files the way pyenv does, but bounded and traversal-safe.

SPEC section 3: the first word of each line is a spec; blank lines and `#` comments are skipped;
only space, tab, CR and LF separate words; tokens that could reach outside the versions folder
are refused with a warning and the next line is used. Nothing read here is ever executed.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from pyswitch.paths import VERSION_FILE

MAX_READ = 64 * 1024
MAX_TOKEN_BYTES = 255
_SEPARATORS = re.compile(rb"[ \t\r\n]+")
_ENVS_FORM = re.compile(r"^[^/]+/envs/[^/]+$")


@dataclass(frozen=True)
class ReadResult:
    specs: Tuple[str, ...]
    warnings: Tuple[str, ...]


def invalid_message(token: str, source: str) -> str:
    return f"invalid version '{repr(token)[1:-1]}' ignored in '{source}'"


def token_problem(token: str) -> Optional[str]:
    """Why a token is refused, or None when it is safe to look up."""
    if len(token.encode("utf-8", "surrogateescape")) > MAX_TOKEN_BYTES:
        return "too long"
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in token):  # C0, DEL and C1 controls
        return "control character"
    if token.startswith("/"):
        return "absolute path"
    parts = token.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "path traversal"
    if len(parts) > 1 and not _ENVS_FORM.match(token):
        return "path"
    return None


def parse_tokens(words: List[str], source: str) -> ReadResult:
    specs, warnings = [], []
    for word in words:
        if not word or word.startswith("#"):
            continue
        if token_problem(word):
            warnings.append(invalid_message(word, source))
            continue
        specs.append(word)
    return ReadResult(tuple(specs), tuple(warnings))


def read_version_file(path: Path) -> ReadResult:
    """The specs of a version file, in order, with a warning per refused token."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_READ)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return ReadResult((), ())
    except OSError as e:  # it is there but unreadable: say so, rather than silently reading nothing
        return ReadResult((), (f"cannot read '{path}': {e.strerror}; fix its permissions or remove it",))
    words = []
    for line in data.split(b"\n"):
        first = _SEPARATORS.split(line.strip(b" \t\r"), 1)[0]
        words.append(first.decode("utf-8", "surrogateescape"))
    return parse_tokens(words, str(path))


def read_env_value(value: str, name: str) -> ReadResult:
    """PYSWITCH_VERSION: whitespace-separated specs, read like the lines of a version file."""
    raw = value.encode("utf-8", "surrogateescape")
    words = [w.decode("utf-8", "surrogateescape") for w in _SEPARATORS.split(raw) if w]
    return parse_tokens(words, name)


def find_version_file(start: Path) -> Optional[Path]:
    """The nearest `.python-version` from `start` up to `/`."""
    d = start
    while True:
        candidate = d / VERSION_FILE
        if candidate.is_file():
            return candidate
        if d.parent == d:
            return None
        d = d.parent


def write_version_file(path: Path, specs: List[str]) -> None:
    """Write one spec per line, atomically, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # surrogateescape: a token read from undecodable bytes is written back as those bytes
    tmp.write_text("".join(f"{s}\n" for s in specs), encoding="utf-8", errors="surrogateescape")
    tmp.replace(path)
