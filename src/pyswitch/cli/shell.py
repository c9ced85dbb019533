"""`pyswitch shell`: set or clear PYSWITCH_VERSION in the current shell.

A command cannot change its parent shell, so the `pyswitch` function that `pyswitch init`
defines runs `pyswitch shell --print-for SHELL ...` and evaluates the code it prints.
"""
from __future__ import annotations

from typing import Optional, Tuple

import click

from pyswitch import envvars
from pyswitch.cli.common import context
from pyswitch.cli.complete import complete_specs
from pyswitch.errors import PyswitchError, UsageError
from pyswitch.shells import SHELLS


def _not_loaded() -> PyswitchError:
    return PyswitchError(
        "`pyswitch shell` changes the current shell only through the shell integration, which is "
        "not loaded here; add to your shell's rc file: eval \"$(pyswitch init bash)\" (~/.bashrc), "
        "eval \"$(pyswitch init zsh)\" (~/.zshrc) or pyswitch init fish | source "
        "(~/.config/fish/config.fish), then open a new shell")


@click.command("shell")
@click.argument("specs", nargs=-1, shell_complete=complete_specs)
@click.option("--unset", is_flag=True, help="Clear the shell's version (PYSWITCH_VERSION).")
@click.option("--force", is_flag=True, help="Set SPECs that are not installed (or broken) anyway, as local --force.")
@click.option("--print-for", type=click.Choice(SHELLS), hidden=True,
              help="Print the shell code that makes the change (used by the shell function).")
def shell_command(specs: Tuple[str, ...], unset: bool, force: bool, print_for: Optional[str]):
    """Select SPECs for this shell only, ahead of every version file.

    With no SPEC, print the shell's version. Needs the shell integration (`pyswitch init`).

    \b
    Examples:
      pyswitch shell 3.9            # this shell uses the newest installed 3.9.x
      pyswitch shell conda:ml 3.8   # python from conda:ml, python3.8 from 3.8
      pyswitch shell --unset        # back to the version files
    """
    from pyswitch.shells.render import print_line, set_var, unset_var

    if specs and unset:
        raise UsageError("give SPECs or --unset, not both")
    ctx = context()
    current = ctx.environ.get(envvars.PYSWITCH_VERSION, "")
    if not specs and not unset:
        if not current.strip():
            if print_for is None and not ctx.environ.get(envvars.PYSWITCH_SHELL):
                raise _not_loaded()
            raise PyswitchError("no shell version is set; set one with: pyswitch shell SPEC")
        click.echo(print_line(print_for, current) if print_for else current, nl=not print_for)
        return
    if print_for is None:
        raise _not_loaded()
    if unset:
        click.echo(unset_var(print_for, envvars.PYSWITCH_VERSION), nl=False)
        return
    from pyswitch import pins
    from pyswitch.inventory import Inventory

    from pyswitch import resolve_cache

    pins.check_specs(Inventory(ctx), specs, force=force)
    value = " ".join(specs)
    resolve_cache.refresh(ctx, [(envvars.PYSWITCH_VERSION, value)])  # the next prompt finds it answered
    click.echo(set_var(print_for, envvars.PYSWITCH_VERSION, value), nl=False)
