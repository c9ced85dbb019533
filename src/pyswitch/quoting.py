"""Quoting values for the shells pyswitch writes code for: values never become shell code."""
from __future__ import annotations


def sh_quote(value: str) -> str:
    """POSIX single quotes (sh, bash, zsh): only `'` needs care."""
    return "'" + value.replace("'", "'\\''") + "'"


def fish_quote(value: str) -> str:
    """fish single quotes: `\\` and `'` are the only escapes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
