"""`pyswitch rehash`, and the hidden helpers the shims and hooks call on their slow path."""
from __future__ import annotations

import click

from pyswitch import shims
from pyswitch.cli.common import context
from pyswitch.errors import PyswitchError


@click.command("rehash")
def rehash_command():
    """Rebuild the shims: one per command of every environment.

    Runs by itself after install, uninstall and `local --venv`; run it by hand after
    `pip install` adds a new command to an environment.

    \b
    Example:
      pyswitch rehash
    """
    ctx = context()
    try:
        result = shims.rehash(ctx)
    except OSError as e:
        raise PyswitchError(f"cannot write the shims in {ctx.shims_dir}: {e.strerror}; "
                            f"check that {ctx.root} (PYSWITCH_ROOT) is a writable folder") from None
    parts = [f"{result.total} shims"]
    if result.added:
        parts.append(f"added {len(result.added)}")
    if result.removed:
        parts.append(f"removed {len(result.removed)}: {', '.join(result.removed)}")
    click.echo("rehashed: " + ", ".join(parts))


@click.command("_resolve", hidden=True)
def resolve_command():
    """The shell hooks' slow path: refresh the resolution cache and print what to activate here.

    Six lines: kind (venv, conda or empty), prefix, bin, conda env name, and the folder and text
    of the ignored-venv notice.
    """
    from pyswitch import resolve_cache

    ctx = context()
    try:
        resolve_cache.write_cache(ctx)
    except OSError:
        pass  # a read-only root: the hook asks again next time
    click.echo("\n".join(resolve_cache.activation_lines(ctx)))
