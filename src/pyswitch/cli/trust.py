"""`pyswitch trust`: allow (or stop allowing) a project's venv to be used."""
from __future__ import annotations

from pathlib import Path

import click

from pyswitch.cli.common import context
from pyswitch.errors import PyswitchError


@click.command("trust")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--revoke", is_flag=True, help="Stop trusting the venv of DIR.")
def trust_command(directory, revoke):
    """Trust the project venv of DIR, so shims and `cd` use it.

    DIR defaults to here, or, from a subfolder, to the project whose .python-version decides
    here.

    A venv that came with a cloned project can run anything; pyswitch uses it only once you
    say so. Trust is recorded per real path.

    \b
    Examples:
      pyswitch trust
      pyswitch trust ~/src/legacy-app --revoke
    """
    from pyswitch import trust

    ctx = context()
    project = (ctx.cwd / directory) if directory else trust.project_here(ctx)
    venv = trust.venv_of(ctx, project)
    if revoke:
        trust.revoke(ctx, project)
        click.echo(f"no longer trusted: {venv}")
        return
    unused = trust.trust(ctx, project)
    click.echo(f"trusted: {venv}")
    if unused:
        raise PyswitchError(f"{venv} is trusted, but {unused}")
