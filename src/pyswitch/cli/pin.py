"""`pyswitch local` and `pyswitch global`: show or write a version file."""
from __future__ import annotations

import click

from pyswitch import pins, resolve_cache
from pyswitch.cli.common import context, warn
from pyswitch.cli.complete import complete_specs
from pyswitch.errors import PyswitchError
from pyswitch.inventory import Inventory
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
        _venv_for_existing_pin(ctx, path, force)
        return
    if not specs:
        found = find_version_file(ctx.cwd)
        if found is None:
            raise PyswitchError("no local version is set for this folder; set one with: pyswitch local SPEC")
        res = read_version_file(found)
        _show(found, res.specs, res.warnings)
        return
    inv = Inventory(ctx)
    pins.check_specs(inv, specs, force)
    plan = _plan_venv(ctx, inv, specs[0], force) if make_venv else None  # refuse before writing
    pins.write_pin(path, specs)
    pins.record_project(ctx, ctx.cwd)
    resolve_cache.refresh(ctx)
    _warn_eol(inv, specs)
    if plan is not None:
        from pyswitch import venv_create
        venv_create.make_venv(ctx, plan, click.echo)


def _plan_venv(ctx, inv, token, force):
    from pyswitch import venv_create
    primary = inv.resolve(token)
    if primary is None:
        raise PyswitchError(f"cannot make a venv: '{token}' is not installed; nothing was written; "
                            f"try: pyswitch install {token}")
    return venv_create.plan_venv(ctx, ctx.cwd, primary, force)


def _venv_for_existing_pin(ctx, path, force):
    from pyswitch import venv_create
    res = read_version_file(path)
    warn(res.warnings)
    if not res.specs:
        raise PyswitchError(f"--venv needs a SPEC, or a {VERSION_FILE} in this folder: pyswitch local 3.12 --venv")
    plan = _plan_venv(ctx, Inventory(ctx), res.specs[0], force)
    pins.record_project(ctx, ctx.cwd)
    venv_create.make_venv(ctx, plan, click.echo)


def _warn_eol(inv, specs):
    """Once, on stderr: legacy projects need the pin, but should know what they are running."""
    from pyswitch import legacy
    line = legacy.eol_warning((t, legacy.pinned_version(t, inv.resolve(t))) for t in specs)
    if line:
        warn([line])


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
    inv = Inventory(ctx)
    pins.check_specs(inv, specs, force)
    pins.write_pin(ctx.global_file, specs)
    resolve_cache.refresh(ctx)
