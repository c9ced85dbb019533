"""`pyswitch export` and `pyswitch check`: an environment's exact state, and its drift from the project."""
from __future__ import annotations

from pathlib import Path

import click

from pyswitch.cli.common import context


@click.command("export")
@click.option("-o", "--output", "output", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (atomically) instead of printing.")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON object: name, kind, python_version, packages [{"name", "version", "source"}].')
def export_command(output, as_json):
    """Write the selected environment's exact state, read from its disk.

    A conda env as an environment.yml, as `conda env export` writes it (pip-installed
    packages under `pip:`); any other environment as the lines `pip freeze` prints for it,
    headed by `# python X.Y.Z (spec)`. Neither conda nor pip is run.

    \b
    Examples:
      pyswitch export                       # print it
      pyswitch export -o requirements.txt   # what `pyswitch check` compares with
      pyswitch export --json
    """
    from pyswitch import report

    report.export(context(), as_json, None if output is None else str(output),
                  lambda text: click.echo(text, nl=False), _err)


@click.command("check")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="A JSON list of the differences: kind, name, source, installed, required, file, line, message.")
def check_command(file, as_json):
    """Compare the selected environment with what the project declares.

    FILE, else the environment.yml (conda envs) or requirements.txt (others) beside the
    .python-version that selected the environment; and the project's requires-python. One
    line per difference; exit 1 when there is any, 0 when everything matches. `extra ...`
    lines appear only against a file that `pyswitch export` (or `conda env export`) wrote.

    \b
    Examples:
      pyswitch check
      pyswitch check requirements-dev.txt
      pyswitch check --json
    """
    from pyswitch import report

    if report.check(context(), None if file is None else str(file), as_json, click.echo, _err):
        click.get_current_context().exit(1)


def _err(line: str) -> None:
    click.echo(line, err=True)
