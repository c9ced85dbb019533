"""`pyswitch local` and `pyswitch global`: show or write a version file."""
from __future__ import annotations

import click

from pyswitch import pins
from pyswitch.cli.common import context, warn
from pyswitch.cli.complete import complete_specs
from pyswitch.errors import PyswitchError
from pyswitch.paths import VERSION_FILE
from pyswitch.version_file import find_version_file, read_version_file


def _show(path, specs, warnings):
    warn(warnings)
    click.echo(f"{' '.join(specs) if specs else 'system'}\t(set by {path})")


@click.command("local")
@click.argument("specs", nargs=-1, shell_complete=complete_specs)
@click.option("--unset", is_flag=True, help="Remove the .python-version of this folder.")
@click.option("--force", is_flag=True, help="Write the specs even if they are not installed; "
              "with --venv, recreate a .venv made from another interpreter.")
@click.option("--venv", "make_venv", is_flag=True, help="Also make ./.venv from the chosen interpreter and "
              "trust it (example: pyswitch local 3.12 --venv).")
def local_command(specs, unset, force, make_venv):
    """Pin this folder: write SPECs to ./.python-version (first is primary).

    With no SPEC, print the pin that applies here and the file that sets it (with --venv:
    make the venv for the pin already in ./.python-version).

    \b
    Examples:
      pyswitch local 3.8            # newest installed 3.8.x
      pyswitch local 3.12 3.8       # python is 3.12; python3.8 comes from 3.8
      pyswitch local conda:ml
      pyswitch local 3.12 --venv    # and a trusted ./.venv made from it
    """
    ctx = context()
    path = ctx.cwd / VERSION_FILE
    if unset:
        if not pins.unset_pin(path):
            raise PyswitchError(f"no {VERSION_FILE} in {ctx.cwd}")
        return
    if make_venv and not specs:
        pins.venv_for_existing_pin(ctx, force, click.echo, lambda m: warn([m]))
        return
    if not specs:
        found = find_version_file(ctx.cwd)
        if found is None:
            raise PyswitchError("no local version is set for this folder; set one with: pyswitch local SPEC")
        res = read_version_file(found)
        _show(found, res.specs, res.warnings)
        return
    pins.pin_local(ctx, specs, force, make_venv, click.echo, lambda m: warn([m]))


@click.command("global")
@click.argument("specs", nargs=-1, shell_complete=complete_specs)
@click.option("--unset", is_flag=True, help="Remove pyswitch's global version file.")
@click.option("--force", is_flag=True, help="Write the specs even if they are not installed.")
def global_command(specs, unset, force):
    """Set the default for folders with no .python-version.

    With no SPEC, print the global default and the file it comes from (pyswitch's own, else
    pyenv's `$PYENV_ROOT/version`, else `system`).

    \b
    Example:
      pyswitch global 3.12
    """
    ctx = context()
    if unset:
        if not pins.unset_pin(ctx.global_file):
            raise PyswitchError(f"no global version is set ({ctx.global_file} does not exist)")
        return
    if not specs:
        for path in (ctx.global_file, ctx.pyenv_global_file):
            if path.is_file():
                res = read_version_file(path)
                _show(path, res.specs, res.warnings)
                return
        click.echo("system\t(default: no global version file)")
        return
    pins.pin_global(ctx, specs, force)
