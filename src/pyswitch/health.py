"""Whether an environment can still run Python (SPEC section 4, broken environments).

A broken environment never hands over to another Python in silence: the commands that belong
to its interpreter (`core_commands`) fail with `pyswitch: NAME is broken: WHY; fix: ...`
instead of falling through to PATH. Read from the disk only (stat and pyvenv.cfg), never by
running anything.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import FrozenSet, Optional

from pyswitch.environment import Environment, Kind
from pyswitch.pyversion import python_in, read_pyvenv_cfg
from pyswitch.values import value

_MAJOR_MINOR = r"^(\d+)\.(\d+)"


@value
class Broken:
    why: str
    fix: str

    def line(self, command: str) -> str:
        return f"{command} is broken: {self.why}; fix: {self.fix}"


def core_commands(env: Environment) -> FrozenSet[str]:
    """python, pip and their versioned names for this env's Python (python3, python3.8, pip3.8):
    the commands that must come from this environment or fail, never from another."""
    names = {"python", "pip"}
    m = re.match(_MAJOR_MINOR, env.python_version or "")
    majors = [m.group(1)] if m else ["3"]
    for major in majors:
        names.update({f"python{major}", f"pip{major}"})
        if m:
            names.update({f"python{major}.{m.group(2)}", f"pip{major}.{m.group(2)}"})
    return frozenset(names)


def problem(env: Environment) -> Optional[Broken]:
    """Why this environment has no working interpreter, or None."""
    if env.kind == Kind.SYSTEM:
        return None
    home = read_pyvenv_cfg(env.prefix).get("home") if env.kind in (Kind.VIRTUALENV, Kind.VENV) else None
    if home and python_in(Path(home)) is None:
        return Broken(f"{env.name} was made from {home}, which is gone", _fix_base_gone(env))
    if python_in(env.bin_dir) is not None:
        return None
    if env.kind == Kind.CONDA or (env.prefix / "conda-meta").is_dir():
        return Broken(f"{env.name} has no python", f"conda install {_conda_target(env)} python")
    what = "is a dangling symlink" if os.path.islink(env.bin_dir / "python") else "is missing"
    return Broken(f"{env.bin_dir / 'python'} {what}", _fix_reinstall(env))


def missing_command(env: Environment, command: str) -> Broken:
    """A core command the environment itself lacks (a venv made --without-pip, a conda env
    without pip): said, rather than run from another environment."""
    if command.startswith("pip"):
        if env.kind == Kind.CONDA:
            fix = f"conda install {_conda_target(env)} pip"
        else:
            fix = f"{env.bin_dir / 'python'} -m ensurepip"
        return Broken(f"{env.name} has no {command}", fix)
    return Broken(f"{env.name} has no {command}", _fix_reinstall(env))


def _conda_target(env: Environment) -> str:
    if env.kind == Kind.CONDA and env.name.startswith("conda:") and not env.shadowed:
        return f"-n {env.name[len('conda:'):]}"
    return f"-p {env.prefix}"


def _fix_base_gone(env: Environment) -> str:
    if env.kind == Kind.VIRTUALENV:
        return f"reinstall its base, or remove it: pyswitch uninstall {env.name}"
    return f"recreate it from the pinned Python: cd {env.prefix.parent} && pyswitch local --venv --force"


def _fix_reinstall(env: Environment) -> str:
    if env.kind == Kind.VENV:
        return f"recreate it: cd {env.prefix.parent} && pyswitch local --venv --force"
    if env.kind == Kind.VIRTUALENV:
        return f"remove it (pyswitch uninstall {env.name}) and make it again"
    return f"reinstall it: pyswitch uninstall {env.name} && pyswitch install {env.name}"
