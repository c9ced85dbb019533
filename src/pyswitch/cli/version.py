"""`pyswitch version` and `pyswitch versions`."""
from __future__ import annotations

import json

import click

from pyswitch.cli.common import context, warn
from pyswitch.inventory import Inventory
from pyswitch.errors import BrokenEnvironment, PyswitchError
from pyswitch.units import human_bytes
from pyswitch.selection import resolve, resolve_here


@click.command("version")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: name, kind, python_version, prefix, origin.")
def version_command(as_json):
    """Show the selected environment and what decided it.

    \b
    Example:
      pyswitch version
      pyswitch version --json
    """
    ctx = context()
    inv = Inventory(ctx)
    res = resolve_here(ctx, inv, lambda w: warn([w]))
    sel = res.selection
    if res.broken is not None:
        raise BrokenEnvironment(res.broken.line("python"))
    env = res.primary
    notes = list(res.warnings)
    if sel.empty:
        notes.append(f"{sel.origin} holds no usable version; using system")
    from pyswitch import legacy
    mismatch = legacy.requires_python_problem(ctx.cwd, env.python_version, res.interpreter.name)
    if mismatch:
        notes.append(f"warning: {mismatch}")
    warn(notes)
    if as_json:
        out = env.to_json()
        out["origin"] = sel.origin
        out["spec"] = sel.specs[0]
        click.echo(json.dumps(out, indent=2))
        return
    shown = f"{res.interpreter.name} with venv {env.prefix}" if env.kind == "venv" else env.name
    click.echo(f"{shown} ({sel.decided_by()})")
    click.echo(f"  spec:    {' '.join(sel.specs)}")
    click.echo(f"  name:    {env.name}")
    click.echo(f"  kind:    {env.kind}")
    click.echo(f"  python:  {env.python_version or 'unknown'}")
    click.echo(f"  prefix:  {env.prefix}")


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
    from pyswitch import disk
    from pyswitch.legacy import is_eol

    ctx = context()
    inv = Inventory(ctx)
    envs = inv.all()
    try:
        selected = resolve(ctx, inv).primary
    except PyswitchError:  # a missing pin must not stop the listing
        selected = None
    sizes = {}
    if size:
        sizes = {e.prefix: disk.environment_bytes(e) for e in envs}
    if bare:
        for e in envs:
            click.echo(e.name)
        return
    if as_json:
        rows = []
        for e in envs:
            row = e.to_json()
            row["selected"] = e == selected
            row["shadowed"] = e.shadowed
            row["eol"] = is_eol(e.python_version)
            if size:
                row["size_bytes"] = sizes[e.prefix]
            rows.append(row)
        click.echo(json.dumps(rows, indent=2))
        return
    width = max((len(e.name) for e in envs), default=0)
    for e in envs:
        mark = "*" if e == selected else " "
        cols = [f"{mark} {e.name:<{width}}", f"{e.kind:<10}", f"{e.python_version or '?':<8}"]
        if size:
            cols.append(f"{human_bytes(sizes[e.prefix]):>9}")
        cols.append(str(e.prefix) + ("  (shadowed)" if e.shadowed else "")
                    + ("  (end of life)" if is_eol(e.python_version) else ""))
        click.echo("  ".join(cols))
