"""`pyswitch uninstall`: show what removing environments frees and breaks, ask, remove, report."""
from __future__ import annotations

import sys

import click

from pyswitch.cli.common import context, warn
from pyswitch.cli.complete import complete_installed
from pyswitch.cli.removal_text import (leftover_lines, require_confirmation, show_leftover, show_refused,
                                       show_removed, target_lines)
from pyswitch.errors import PyswitchError
from pyswitch.units import human_bytes, size_text


@click.command("uninstall")
@click.argument("specs", nargs=-1, required=True, shell_complete=complete_installed)
@click.option("--dry-run", is_flag=True, help="Show the report and remove nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask; needed when stdin is not a terminal.")
@click.option("--force", is_flag=True, help="Also remove the environment selected here.")
def uninstall_command(specs, dry_run, yes, force):
    """Remove environments, after showing what it frees and what depends on them.

    Each SPEC must name exactly one environment: a pyenv version (3.8.18), a
    pyenv-virtualenv env (3.8.18/envs/web) or a conda env (conda:ml). A prefix such as
    3.8 that matches several versions is refused. The report shows the prefix, the bytes
    removal really frees (hard links from outside, such as conda's package cache, free
    nothing), projects and global files that pin it, and venvs made from it.

    \b
    Examples:
      pyswitch uninstall 3.8.18 --dry-run     # the report only
      pyswitch uninstall 3.8.18 conda:ml      # asks first (default no)
      pyswitch uninstall 3.7.17 --yes         # no question, e.g. in a script
    """
    from pyswitch import removal, shims
    from pyswitch.uninstall import plan_uninstall

    ctx = context()
    plan = plan_uninstall(ctx, specs, force=force)
    for line in leftover_lines(plan.leftovers, dry_run):
        click.echo(line)
    for t in plan.targets:
        for line in target_lines(t):
            click.echo(line)
    n = len(plan.targets)
    if n > 1:
        click.echo(f"total: {size_text(plan.total_bytes)}")
    if dry_run:
        click.echo("dry run: nothing was removed")
        return
    names = ", ".join(t.name for t in plan.targets)
    question = f"Remove {names}, freeing {human_bytes(plan.total_bytes)}?" if plan.targets else \
        "Finish the interrupted removal?"
    if not require_confirmation(yes, question, "uninstall"):
        raise PyswitchError("nothing was removed")
    finished = removal.finish_all(ctx, plan.leftovers, show_leftover)
    done = removal.remove_all(ctx, plan.targets, show_removed, show_refused)
    warn([p for p in [shims.rehash_after_change(ctx)] if p])
    if n > 1:
        click.echo(f"freed {size_text(finished.freed_bytes + done.freed_bytes)} in total")
    if not (finished.ok and done.ok):
        sys.exit(1)
