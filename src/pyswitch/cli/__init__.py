"""The thin click layer: parse, call the library, render. Errors become one `pyswitch:` line."""
from __future__ import annotations

import importlib

import click

from pyswitch import __version__
from pyswitch.errors import PyswitchError, describe

# command name -> module in this package defining a click command of that name
COMMANDS = {
    "init": "init", "shell": "shell", "local": "pin", "global": "pin", "version": "version",
    "versions": "version", "which": "which", "exec": "which", "rehash": "rehash",
    "install": "install", "uninstall": "uninstall", "prune": "prune", "trust": "trust",
    "doctor": "doctor", "export": "export", "check": "export",
}
HIDDEN = {"_resolve": "rehash"}


class Group(click.Group):
    """Loads command modules on demand, so `--help` and the shims' slow path stay quick."""

    def list_commands(self, ctx):
        return [name for name in COMMANDS if self._load(name) is not None]

    def get_command(self, ctx, name):
        return self._load(name)

    def _load(self, name):
        module = COMMANDS.get(name) or HIDDEN.get(name)
        if module is None:
            return None
        try:
            mod = importlib.import_module(f"pyswitch.cli.{module}")
        except ModuleNotFoundError as e:
            if e.name == f"pyswitch.cli.{module}":
                return None
            raise
        return getattr(mod, f"{name.strip('_')}_command", None) or getattr(mod, f"{name}_command", None)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (PyswitchError, OSError, KeyboardInterrupt) as e:
            line, status = describe(e)
            click.echo(line, err=True)
            ctx.exit(status)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pyswitch")
def cli():
    """Pick the right Python for the directory you are in.

    \b
    Example:
      pyswitch local 3.8        # pin this project to the newest installed 3.8.x
      pyswitch version          # what is selected here, and why
    """


def main(argv=None):
    cli.main(args=argv, prog_name="pyswitch")
