"""What every command module shares: the context, warnings to stderr."""
from __future__ import annotations

from typing import Iterable

import click

from pyswitch.paths import Context


def context() -> Context:
    return Context.from_env()


def warn(messages: Iterable[str]) -> None:
    for m in messages:
        click.echo(f"pyswitch: {m}", err=True)
