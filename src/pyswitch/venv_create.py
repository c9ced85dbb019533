"""`pyswitch local SPEC --venv`: a project venv made from the pinned interpreter, trusted.

Two steps, so that a refusal leaves nothing written: `plan_venv` decides (before the pin is
written) and `make_venv` acts (after). A `.venv` from another interpreter, or one nobody
trusted yet, is only replaced with `--force`; a folder that is not a venv never is.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from pyswitch import envvars, recorded
from pyswitch.backends.venv import is_trusted, made_from
from pyswitch.environment import Environment
from pyswitch.errors import PyswitchError
from pyswitch.legacy import feature_release
from pyswitch.paths import Context
from pyswitch.pyversion import python_in, read_pyvenv_cfg

Say = Callable[[str], None]

VIRTUALENV_HELP = ("install it for that Python ({python} -m pip install 'virtualenv<20.22') "
                   "or put a virtualenv command on PATH")


@dataclass(frozen=True)
class VenvPlan:
    path: Path
    interpreter: Environment
    python: Path
    action: str            # "create", "recreate" or "keep"
    maker: Tuple[str, ...] = ()  # the command that makes it, before the venv's path


def plan_venv(ctx: Context, project_dir: Path, interpreter: Environment, force: bool) -> VenvPlan:
    """What `--venv` will do here; raises (having written nothing) when it must not."""
    if interpreter.kind in ("venv", "virtualenv"):
        raise PyswitchError(f"'{interpreter.name}' is itself a virtualenv: --venv needs an interpreter "
                            "(a pyenv version, a conda env or system); nothing was written")
    python = python_in(interpreter.bin_dir)
    if python is None:
        raise PyswitchError(f"no python in {interpreter.bin_dir} to make a venv with; nothing was written")
    path = project_dir / ctx.venv_dir
    plan = _plan(ctx, path, interpreter, python, force)
    if plan.action != "keep":  # a Python 2 without virtualenv is refused before anything is written
        plan = VenvPlan(plan.path, interpreter, python, plan.action, tuple(maker_command(ctx, interpreter, python)))
    return plan


def _plan(ctx: Context, path: Path, interpreter: Environment, python: Path, force: bool) -> VenvPlan:
    project_dir = path.parent
    if os.path.islink(path):
        raise PyswitchError(f"{path} is a symlink; pyswitch will not replace it: remove it and run again; "
                            "nothing was written")
    if not os.path.lexists(path):
        return VenvPlan(path, interpreter, python, "create")
    if not path.is_dir():
        raise PyswitchError(f"{path} exists and is not a venv: move it away and run again; nothing was written")
    if not (path / "pyvenv.cfg").is_file():
        if not os.listdir(path):
            return VenvPlan(path, interpreter, python, "create")
        raise PyswitchError(f"{path} exists and is not a venv (no pyvenv.cfg): move it away and run again; "
                            "nothing was written")
    if made_from(path, interpreter):
        if is_trusted(ctx, path):
            return VenvPlan(path, interpreter, python, "keep")
        if not force:
            raise PyswitchError(f"{path} exists but nobody trusted it (it may have come with the project): "
                                f"use it as it is with `pyswitch trust {project_dir}`, or add --force to "
                                "recreate it; nothing was written")
    elif not force:
        home = read_pyvenv_cfg(path).get("home") or "an unknown interpreter"
        raise PyswitchError(f"{path} was made from {home}, not {interpreter.name}: add --force to recreate it; "
                            "nothing was written")
    return VenvPlan(path, interpreter, python, "recreate")


def make_venv(ctx: Context, plan: VenvPlan, say: Say, warn: Say) -> Path:
    """Carry out a plan: build the venv, trust it, rehash; say only what happened."""
    path = plan.path
    if plan.action == "keep":
        _trust(ctx, path, f"{path} was already made from {plan.interpreter.name}; kept")
        say(f"{path} was already made from {plan.interpreter.name}; kept and trusted")
        _rehash(ctx, path, warn)
        return path
    old: Optional[Path] = None
    if plan.action == "recreate" and os.path.lexists(path):
        old = path.with_name(f"{path.name}.pyswitch-old-{os.getpid()}")
        os.rename(path, old)  # kept until the new one works, so a failure loses nothing
    try:
        _build(ctx, plan)
    except BaseException:
        if os.path.lexists(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        if old is not None:
            os.rename(old, path)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    verb = "recreated" if old is not None else "created"
    made = f"{verb} {path} from {plan.interpreter.name} ({plan.python})"
    _trust(ctx, path, made)
    say(f"{made} and trusted it")
    if not made_from(path, plan.interpreter):
        warn(f"{path}/pyvenv.cfg does not name {plan.interpreter.bin_dir} as its home, "
             "so pyswitch will not use it as the project venv")
    _rehash(ctx, path, warn)
    return path


def _trust(ctx: Context, path: Path, done: str) -> None:
    try:
        recorded.add_path(ctx.trust_file, path)
    except PyswitchError as e:
        raise PyswitchError(f"{done}, but could not trust it ({e}), so it is not used yet; once the "
                            f"root is writable: pyswitch trust {path.parent}") from None


def _rehash(ctx: Context, path: Path, warn: Say) -> None:
    from pyswitch.shims import rehash_after_change
    problem = rehash_after_change(ctx)
    if problem:
        warn(f"{path} is ready, but {problem}")


def _child_env(ctx: Context) -> dict:
    env = dict(ctx.environ)
    for var in ("PYTHONHOME", "PYTHONPATH", envvars.VIRTUAL_ENV, "__PYVENV_LAUNCHER__"):
        env.pop(var, None)
    return env


def maker_command(ctx: Context, interpreter: Environment, python: Path) -> List[str]:
    if (feature_release(interpreter.python_version) or (3, 0)) < (3, 0):
        return virtualenv_command(ctx, python)
    return [str(python), "-m", "venv"]


def _build(ctx: Context, plan: VenvPlan) -> None:
    version = plan.interpreter.python_version
    argv = [*plan.maker, str(plan.path)]
    tool = " ".join(plan.maker[:3]) if "venv" in plan.maker else "virtualenv"
    try:
        status = subprocess.call(argv, env=_child_env(ctx), cwd=str(plan.path.parent))
    except OSError as e:
        raise PyswitchError(f"cannot run {argv[0]}: {e.strerror}") from None
    if status != 0:
        raise PyswitchError(f"{tool} failed (exit {status}); nothing was kept in {plan.path}")
    cfg = plan.path / "pyvenv.cfg"
    if not cfg.is_file():  # virtualenv before 20 writes none; pyswitch recognises venvs by it
        cfg.write_text(f"home = {plan.interpreter.bin_dir}\ninclude-system-site-packages = false\n"
                       f"version = {version or ''}\n", encoding="utf-8")


def virtualenv_command(ctx: Context, python: Path) -> List[str]:
    """How to make a Python 2 env: its own virtualenv module, else a virtualenv on PATH."""
    try:  # an answer that must be computed, so that only a real import passes
        out = subprocess.run([str(python), "-c", "import virtualenv; print(6 * 7)"], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, env=_child_env(ctx), timeout=30)
        has_module = out.returncode == 0 and out.stdout.strip() == "42"
    except (OSError, subprocess.SubprocessError):
        has_module = False
    if has_module:
        return [str(python), "-m", "virtualenv"]
    from pyswitch.backends.system import find_on_path  # the same PATH walk, skipping shims
    found = find_on_path(ctx, "virtualenv")
    if found is not None:
        return [str(found), "-p", str(python)]
    raise PyswitchError("Python 2 has no venv module and no virtualenv was found: "
                        + VIRTUALENV_HELP.format(python=python))
