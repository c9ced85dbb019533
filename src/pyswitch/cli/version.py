"""`pyswitch version` and `pyswitch versions`."""
from __future__ import annotations

import click

from pyswitch import report
from pyswitch.cli.common import context


@click.command("version")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: name, kind, python_version, prefix, origin.")
def version_command(as_json):
    """Show the selected environment and what decided it.

    \b
    Example:
      pyswitch version
      pyswitch version --json
    """
    report.version(context(), as_json, click.echo, lambda line: click.echo(line, err=True))


@click.command("versions")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of environments.")
@click.option("--bare", is_flag=True, help="Names only, one per line.")
@click.option("--size", is_flag=True, help="Add the disk that removing each would free.")
def versions_command(as_json, bare, size):
    """List every environment: pyenv versions, virtualenvs, conda envs, project venvs, system.

    `*` marks the selected one.

    \b
    Examples:
      pyswitch versions
      pyswitch versions --json
      pyswitch versions --bare
    """
    report.versions(context(), as_json, bare, size, click.echo)
