"""`pyswitch trust`: allow (or stop allowing) a project's venv to be used."""
from __future__ import annotations

from pathlib import Path

import click

from pyswitch import recorded, resolve_cache
from pyswitch.cli.common import context
from pyswitch.errors import PyswitchError


@click.command("trust")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--revoke", is_flag=True, help="Stop trusting the venv of DIR.")
def trust_command(directory, revoke):
    """Trust the project venv of DIR (default: here), so shims and `cd` use it.

    A venv that came with a cloned project can run anything; pyswitch uses it only once you
    say so. Trust is recorded per real path.

    \b
    Examples:
      pyswitch trust
      pyswitch trust ~/src/legacy-app --revoke
    """
    ctx = context()
    project = (ctx.cwd / directory) if directory else ctx.cwd
    venv = project / ctx.venv_dir
    if revoke:
        if not recorded.remove_path(ctx.trust_file, venv):
            raise PyswitchError(f"{venv} is not trusted")
        resolve_cache.refresh(ctx)
        click.echo(f"no longer trusted: {venv}")
        return
    if not project.is_dir():
        raise PyswitchError(f"{project} is not a folder: name the project folder that holds {ctx.venv_dir}")
    if not (venv / "pyvenv.cfg").is_file():
        raise PyswitchError(f"no venv in {project} (looked for {venv}/pyvenv.cfg)")
    recorded.add_path(ctx.trust_file, venv)
    resolve_cache.refresh(ctx)
    click.echo(f"trusted: {venv}")
