"""The `pyswitch` command's entry point: answers what it can before loading click.

TAB completion of a SPEC (`pyswitch local 3.<TAB>`) is answered from the names the resolution
cache recorded (fast_complete.py), without the CLI; everything else is the click CLI.
"""
from __future__ import annotations

import os


def main() -> None:
    if os.environ.get("_PYSWITCH_COMPLETE"):
        from pyswitch import fast_complete

        if fast_complete.answer(os.environ):
            return
    from pyswitch.cli import main as cli_main

    cli_main()
