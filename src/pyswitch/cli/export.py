"""`pyswitch export` and `pyswitch check`: an environment's exact state, and its drift from the project."""
from __future__ import annotations

from pathlib import Path

import click

from pyswitch.cli.common import context, warn


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
    from pyswitch import export

    ctx = context()
    chosen, text = export.export_text(ctx, as_json)
    warn(chosen.warnings)
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    path = output if output.is_absolute() else ctx.cwd / output
    export.write_atomic(path, text, str(output))


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
    import json

    from pyswitch import check

    ctx = context()
    report = check.check(ctx, file)
    warn(report.chosen.warnings)
    if as_json:
        click.echo(json.dumps([d.to_json() for d in report.differences], indent=2))
    else:
        for d in report.differences:
            click.echo(d.message)
    if report.differences:
        click.get_current_context().exit(1)
