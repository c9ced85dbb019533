"""Render `init.SHELL` and the little code `pyswitch shell` prints, quoting every value by that
shell's own rules: values never become shell code."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Dict, Mapping, Optional

from pyswitch.quoting import fish_quote, sh_quote
from pyswitch.shells import SHELLS

TEMPLATES = Path(__file__).parent
_PLACEHOLDER = re.compile(r"@[A-Z]+@")


QUOTE: Dict[str, Callable[[str], str]] = {"bash": sh_quote, "zsh": sh_quote, "fish": fish_quote}


def render_init(shell: str, values: Mapping[str, str], header: Optional[str] = None) -> str:
    """The template of SHELL with each @NAME@ replaced by values[NAME], quoted."""
    if shell not in SHELLS:
        raise ValueError(shell)
    text = (TEMPLATES / f"init.{shell}").read_text(encoding="utf-8")
    quote = QUOTE[shell]
    text = _PLACEHOLDER.sub(lambda m: quote(values[m.group(0)[1:-1]]), text)
    if header:  # a comment line: nothing in it may end the comment
        header = "".join(c if c.isprintable() else "?" for c in header)
    return (f"# {header}\n" if header else "") + text


def set_var(shell: str, name: str, value: str) -> str:
    if shell == "fish":
        return f"set -gx {name} {fish_quote(value)}\n"
    return f"\\builtin export {name}={sh_quote(value)}\n"


def unset_var(shell: str, name: str) -> str:
    if shell == "fish":
        return f"set -e {name}\n"
    return f"\\builtin unset {name}\n"


def print_line(shell: str, text: str) -> str:
    if shell == "fish":
        return f"printf '%s\\n' {fish_quote(text)}\n"
    return f"\\builtin printf '%s\\n' {sh_quote(text)}\n"
