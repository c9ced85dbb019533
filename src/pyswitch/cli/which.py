"""`pyswitch which` and `pyswitch exec`: the same answer the shims give."""
from __future__ import annotations

import click

from pyswitch import resolve_cache, routing
from pyswitch.cli.common import context, warn
from pyswitch.inventory import Inventory
from pyswitch.selection import resolve_here


@click.command("which")
@click.argument("command")
def which_command(command):
    """Print the full path a shim would run for COMMAND here.

    \b
    Example:
      pyswitch which python
    """
    ctx = context()
    inv = Inventory(ctx)
    res = resolve_here(ctx, inv, lambda w: warn([w]))
    click.echo(str(routing.find_command(ctx, inv, res, command)))


@click.command("exec", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("command")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def exec_command(command, args):
    """Run COMMAND with ARGS in the selected environment.

    \b
    Example:
      pyswitch exec python -c 'import sys; print(sys.version)'
    """
    ctx = context()
    inv = Inventory(ctx)
    res = resolve_here(ctx, inv, lambda w: warn([w]))
    path = routing.find_command(ctx, inv, res, command)
    environ = routing.exec_environment(ctx, path)
    routing.exec_command(path, args, environ, str(resolve_cache.rehash_stamp(ctx)))
