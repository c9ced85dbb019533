"""`pyswitch which` and `pyswitch exec`: the same answer the shims give."""
from __future__ import annotations

import click

from pyswitch import report
from pyswitch.cli.common import context


@click.command("which")
@click.argument("command")
def which_command(command):
    """Print the full path a shim would run for COMMAND here.

    \b
    Example:
      pyswitch which python
    """
    report.which(context(), command, click.echo, lambda line: click.echo(line, err=True))


@click.command("exec", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("command")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def exec_command(command, args):
    """Run COMMAND with ARGS in the selected environment.

    \b
    Example:
      pyswitch exec python -c 'import sys; print(sys.version)'
    """
    report.exec_(context(), command, args, lambda line: click.echo(line, err=True))
