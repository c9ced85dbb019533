"""Sizes for people: one formatter, so every command shows bytes alike."""
from __future__ import annotations

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Optional

_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def human_bytes(n: Optional[int]) -> str:
    """`512 B`, `1.2 KiB`, ... `3.0 TiB`; `-` where there is no figure (system)."""
    if n is None:
        return "-"
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def size_text(n: int) -> str:
    """Human units and the exact figure: `1.2 GiB (1288490188 bytes)`."""
    return f"{human_bytes(n)} ({n} bytes)"


def count(n: int, thing: str, things: str = "") -> str:
    """`1 entry`, `2 entries`: a number with its noun in the right form."""
    return f"{n} {thing if n == 1 else (things or thing + 's')}"
