"""What pyswitch remembers in its root: pinned projects and trusted venvs, one real path per line."""
from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import List

from pyswitch.errors import PyswitchError
from pyswitch.files import atomic_write, printable


def read_paths(path: Path) -> List[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return []
    return [line for line in text.split("\n") if line]


def _write(path: Path, lines: List[str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, "".join(f"{line}\n" for line in lines))
    except OSError as e:
        raise PyswitchError(f"cannot write {path}: {e.strerror}; check that {path.parent} "
                            "(PYSWITCH_ROOT) is a writable folder") from None


def add_path(path: Path, entry: Path) -> None:
    value = os.path.realpath(entry)
    if "\n" in value:
        raise PyswitchError(f"cannot record {printable(value)}: a path holding a newline cannot be written "
                            f"to {path.name}, one path per line; rename the folder")
    lines = read_paths(path)
    if value not in lines:
        _write(path, lines + [value])


def remove_path(path: Path, entry: Path) -> bool:
    value = os.path.realpath(entry)
    lines = read_paths(path)
    if value not in lines:
        return False
    _write(path, [line for line in lines if line != value])
    return True
