"""`pyswitch doctor`: one line per check; exit 1 when anything is wrong."""
from __future__ import annotations

import click

from pyswitch.cli.common import context


@click.command("doctor")
def doctor_command():
    """Check the set-up and say what to fix.

    One line per check: `ok`, `problem` (exit status 1) or `advice` (exit status stays 0),
    with the command that fixes it. Problems: the shims not first on PATH, the shell hook
    not loaded, conda's auto_activate_base, pins to versions not installed (here and in
    recorded projects), venvs whose base interpreter is gone, shims missing for installed
    commands. Advice: end-of-life pins, ignored project venvs, requires-python mismatches.

    \b
    Example:
      pyswitch doctor
    """
    from pyswitch import doctor

    ctx = context()
    results = doctor.run_checks(ctx)
    for r in results:
        line = f"{r.status:<8} {r.name}: {r.message}"
        if r.fix and r.status != doctor.OK:
            line += f"; fix: {r.fix}"
        click.echo(line)
    counts = doctor.summary(results)
    click.echo(f"{counts[doctor.PROBLEM]} problem(s), {counts[doctor.ADVICE]} advice")
    if doctor.has_problems(results):
        click.get_current_context().exit(1)
