"""`pyswitch init [SHELL]`: print the shell integration to evaluate in the shell's rc file."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Tuple

import click

from pyswitch.cli.common import context
from pyswitch.errors import PyswitchError, UsageError
from pyswitch.shells import SHELLS


def detect_shell() -> Tuple[str, str]:
    """(shell name, how it was found), with shellingham; an unsupported shell is a usage error."""
    import shellingham

    try:
        name, path = shellingham.detect_shell()
    except shellingham.ShellDetectionFailure:
        raise UsageError("cannot tell which shell this is; name it: pyswitch init bash|zsh|fish") from None
    name = name.lower()
    if name not in SHELLS:
        raise UsageError(f"unsupported shell '{name}' (detected); supported: {', '.join(SHELLS)}")
    return name, f"detected shell: {name} ({path}, by shellingham); name it to skip detection: pyswitch init {name}"


@click.command("init")
@click.argument("shell", required=False, type=click.Choice(SHELLS), metavar="[bash|zsh|fish]")
def init_command(shell: Optional[str]):
    """Print the shell integration: shims on PATH, `pyswitch shell`, activation on cd.

    \b
    Examples (put the line for your shell in its rc file):
      eval "$(pyswitch init bash)"      # ~/.bashrc
      eval "$(pyswitch init zsh)"       # ~/.zshrc
      pyswitch init fish | source       # ~/.config/fish/config.fish

    With no SHELL, the shell is detected (and the output says so). Activation on cd is off
    with PYSWITCH_AUTO_ACTIVATE=0 or `auto_activate = false` in the config.
    """
    from pyswitch import resolve_cache, shims
    from pyswitch.shells.completion import completion_file
    from pyswitch.shells.render import render_init

    header = None
    if shell is None:
        shell, header = detect_shell()
    ctx = context()
    if not _has_shims(ctx.shims_dir):
        try:
            shims.rehash(ctx)  # a first run: the PATH entry below would otherwise be an empty folder
        except OSError as e:
            raise PyswitchError(f"cannot build the shims in {ctx.shims_dir}: {e.strerror or e}; "
                                "check PYSWITCH_ROOT, then run: pyswitch rehash") from None
    values = {
        "SHIMS": str(ctx.shims_dir),
        "CACHE": str(resolve_cache.cache_file(ctx, "fish" if shell == "fish" else "sh")),
        "TRUST": str(ctx.trust_file),
        "COMPLETION": str(completion_file(shell)),
    }
    click.echo(render_init(shell, values, header), nl=False)


def _has_shims(folder: Path) -> bool:
    try:
        return any(not name.startswith(".") for name in os.listdir(folder))
    except OSError:
        return False
