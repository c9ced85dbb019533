"""`pyswitch install`: get a Python through pyenv's python-build or uv, or a conda env."""
from __future__ import annotations

import click

from pyswitch.cli.common import context, warn


def _say(message: str) -> None:
    click.echo(message)


@click.command("install")
@click.argument("specs", nargs=-1, metavar="[SPEC]...")
@click.option("--python", "python", metavar="VERSION",
              help="For conda:NAME: the Python to put in the env (default: the newest).")
@click.option("--with", "with_tool", type=click.Choice(["uv", "python-build"]),
              help="Install a CPython version with uv (prebuilt, seconds) or python-build (compiled). "
                   "Default: python-build where found, else uv.")
def install_command(specs, python, with_tool):
    """Install SPEC, or everything the version file here asks for that is missing.

    A pyenv name (3.8, 3.8.18, pypy3.10-7.3.17, miniconda3-latest) is built by pyenv's
    python-build into $PYENV_ROOT/versions; a prefix picks the newest release definition.
    Where python-build is not found but uv is, a CPython version is installed with
    `uv python install` instead (prebuilt: seconds, no compiler); uv:3.12 always uses uv.
    conda:NAME is created with conda, mamba or micromamba, the first found (CONDA_EXE,
    MAMBA_EXE, then PATH). With no SPEC, a missing conda:NAME is created from an
    environment.yml beside the version file when there is one. The tool's own output shows
    through, and its exit status becomes pyswitch's.

    \b
    Examples:
      pyswitch install 3.12                 # newest 3.12.x python-build knows
      pyswitch install --with uv 3.12       # a prebuilt 3.12 from uv
      pyswitch install conda:ml --python 3.11
      pyswitch install                      # what ./.python-version lists
    """
    from pyswitch import install

    ctx = context()
    if specs:
        install.install_specs(ctx, specs, python, _say, with_tool)
    else:
        if python is not None:
            from pyswitch.errors import UsageError
            raise UsageError("--python needs a conda:NAME spec, as in: pyswitch install conda:ml --python 3.11")
        install.install_selected(ctx, _say, lambda m: warn([m]), with_tool)
