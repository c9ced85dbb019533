"""The completion scripts in `completions/`: zsh's and fish's generated from the click commands,
bash's written by hand (click's splits `conda:ml` at the `:`).

Regenerate after changing a command (a test fails until you do):

    python -m pyswitch.shells.completion [FOLDER]    # default: the package's completions/
"""
from __future__ import annotations

import sys
from pathlib import Path

from pyswitch.shells import SHELLS

PROG = "pyswitch"
COMPLETE_VAR = "_PYSWITCH_COMPLETE"
NOTE = "# generated from pyswitch's click commands: python -m pyswitch.shells.completion"


def completion_dir() -> Path:
    import pyswitch.completions

    return Path(pyswitch.completions.__file__).parent


def completion_file(shell: str) -> Path:
    return completion_dir() / f"{PROG}.{shell}"


def generate(shell: str) -> str:
    """click's own completion script for zsh and fish, with a note. bash's is written by hand
    (completions/pyswitch.bash): it keeps `conda:ml` one word, where click's splits it at `:`."""
    if shell == "bash":
        return completion_file("bash").read_text(encoding="utf-8")
    from click.shell_completion import get_completion_class

    from pyswitch.cli import cli

    cls = get_completion_class(shell)
    text = cls(cli, {}, PROG, COMPLETE_VAR).source().rstrip("\n") + "\n"
    lines = text.split("\n")
    at = 1 if lines[0].startswith("#compdef") else 0  # zsh's autoload tag must stay first
    return "\n".join(lines[:at] + [NOTE] + lines[at:])


def write_all(folder: Path) -> None:
    for shell in SHELLS:
        (folder / f"{PROG}.{shell}").write_text(generate(shell), encoding="utf-8")


if __name__ == "__main__":
    write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else completion_dir())
