"""`pyswitch install`: hand the work to pyenv's python-build or to conda/mamba/micromamba.

pyswitch never builds or downloads anything itself: it finds the tool, works out its
arguments, and runs it with the terminal attached, so the tool's own progress shows through
and its exit status becomes ours. After anything was installed, the shims are rebuilt.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple


from pyswitch import conda_tools, envvars, shims
from pyswitch.backends.system import find_on_path
from pyswitch.environment import Environment, Kind
from pyswitch.errors import PyswitchError
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import Selection, select
from pyswitch.spec import check_token, latest, parse_spec, without_python_prefix

ENV_FILES = ("environment.yml", "environment.yaml")
_PYTHON_ARG = re.compile(r"^\d+(\.\d+){0,2}$")

PYENV_HELP = ("install pyenv (https://github.com/pyenv/pyenv#installation) or put python-build "
              "on PATH")
CONDA_HELP = ("install Miniforge (https://github.com/conda-forge/miniforge) or micromamba "
              "(https://mamba.readthedocs.io), or set CONDA_EXE to your conda")

Say = Callable[[str], None]


class ToolFailed(PyswitchError):
    """The installing tool exited non-zero: its status becomes pyswitch's."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.exit_code = status


@dataclass(frozen=True)
class Tool:
    name: str               # what the user is told: python-build, pyenv, conda, mamba, micromamba
    argv: Tuple[str, ...]   # how to run it: the executable, and `install` for pyenv


# --- finding the tools ----------------------------------------------------------------------
def _executable(path: Path) -> bool:
    return os.access(path, os.X_OK) and not path.is_dir()


def find_python_build(ctx: Context) -> Tool:
    """python-build on PATH, in pyenv's plugins, else `pyenv install` (PATH, then PYENV_ROOT)."""
    found = find_on_path(ctx, "python-build")
    if found:
        return Tool("python-build", (str(found),))
    plugin = ctx.pyenv_root / "plugins" / "python-build" / "bin" / "python-build"
    if _executable(plugin):
        return Tool("python-build", (str(plugin),))
    pyenv = find_on_path(ctx, "pyenv")
    if pyenv is None and _executable(ctx.pyenv_root / "bin" / "pyenv"):
        pyenv = ctx.pyenv_root / "bin" / "pyenv"
    if pyenv is not None:
        return Tool("pyenv", (str(pyenv), "install"))
    raise PyswitchError(f"python-build not found (looked on PATH, in {plugin.parent} and for pyenv): "
                        f"{PYENV_HELP}")


def find_conda(ctx: Context) -> Tool:
    """conda, mamba or micromamba, found as every command finds it (conda_tools)."""
    found = conda_tools.find(ctx)
    if found is None:
        raise PyswitchError(f"no conda, mamba or micromamba found (looked at CONDA_EXE, MAMBA_EXE and PATH): "
                            f"{CONDA_HELP}")
    return Tool(found.kind, (str(found.path),))


# --- running them ---------------------------------------------------------------------------
def _child_env(ctx: Context) -> Dict[str, str]:
    env = dict(ctx.environ)
    env[envvars.PYENV_ROOT] = str(ctx.pyenv_root)  # pyenv install must write where we look
    return env


def run_tool(ctx: Context, tool: Tool, args: Sequence[str], what: str) -> None:
    """Run with the terminal attached: output streams live; a failure carries the tool's status."""
    argv = [*tool.argv, *args]
    try:
        status = subprocess.call(argv, env=_child_env(ctx))
    except OSError as e:
        raise PyswitchError(f"cannot run {tool.name} ({argv[0]}): {e.strerror}") from None
    if status < 0:  # killed by a signal: report it the way a shell would
        if -status == signal.SIGINT:
            raise KeyboardInterrupt
        status = 128 - status
    if status != 0:
        raise ToolFailed(f"{tool.name} failed (exit {status}) while installing {what}", status)


# --- pyenv versions -------------------------------------------------------------------------
def definitions(ctx: Context, tool: Tool) -> List[str]:
    """What python-build can build, in its own order (`pyenv install --list` for pyenv)."""
    args = ["--definitions"] if tool.name == "python-build" else ["--list"]
    try:
        out = subprocess.run([*tool.argv, *args], env=_child_env(ctx), capture_output=True, text=True,
                             stdin=subprocess.DEVNULL)
    except OSError as e:
        raise PyswitchError(f"cannot run {tool.name} ({tool.argv[0]}): {e.strerror}") from None
    if out.returncode != 0:
        detail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise ToolFailed(f"{tool.name} could not list its definitions: {detail}", out.returncode)
    names = []
    for line in out.stdout.splitlines():
        word = line.strip()
        if word and " " not in word and not word.endswith(":"):
            names.append(word)
    return names


def pick_definition(token: str, available: Sequence[str]) -> Optional[str]:
    """The exact name, else what `pyenv latest -k` picks: the newest definition with that prefix,
    never a -dev, -src, rc, a/b or free-threaded one (unless asked for with a `t`)."""
    name = without_python_prefix(token) or token
    return latest(name, available)


def prereleases(token: str, available: Sequence[str]) -> List[str]:
    """The definitions a prefix matches but never picks (rc, a/b, -dev, free-threaded), in order."""
    name = without_python_prefix(token) or token
    return [d for d in available
            if d.startswith(name) and d[len(name):len(name) + 1] in (".", "-") and latest(name, [d]) is None]


# --- the installer ----------------------------------------------------------------------------
class Installer:
    """Installs specs one by one, telling the user what it does through `say`."""

    def __init__(self, ctx: Context, say: Say, with_tool: Optional[str] = None):
        self.ctx = ctx
        self.say = say
        self.with_tool = with_tool      # "uv" or "python-build" (--with); None: python-build, else uv
        self.installed: List[str] = []
        self._defs: Optional[List[str]] = None
        self._build_tool: Optional[Tool] = None

    def inventory(self) -> Inventory:
        return Inventory(self.ctx)  # fresh each time: an install changes what is there

    def install(self, token: str, python: Optional[str] = None, env_file: Optional[Path] = None,
                newest: bool = False) -> bool:
        """Install one spec; False when it was already there. With `newest` (a spec the user
        typed), a pyenv prefix means the newest release definition, as `pyenv install 3.8` does,
        even where an older 3.8.x is installed; a version file's spec is there once it resolves."""
        check_token(token)
        spec = parse_spec(token)
        if python is not None and spec.kind != "conda":
            raise PyswitchError(f"--python only applies to conda:NAME, not '{token}'")
        inv = self.inventory()
        existing = inv.resolve(token)
        if existing is not None and newest and self._newer_definition(token, existing):
            self._pyenv(token)
            return True
        if existing is not None:
            shown = f"{token} ({existing.name})" if existing.name != token else token
            self.say(f"{shown} is already installed in {existing.prefix}")
            return False
        if spec.kind == "system":
            raise PyswitchError("'system' is your operating system's Python: install it with the system's "
                                "package manager")
        if spec.kind == "conda":
            self._conda(spec.name, python, env_file)
        elif spec.kind == "envs":
            self._envs(token, spec.parent, spec.name, python)
        elif spec.kind == Kind.UV:
            self._uv(spec.name)
        elif spec.kind in (Kind.MISE, Kind.ASDF):
            raise PyswitchError(f"pyswitch installs {spec.kind}'s Pythons only through {spec.kind} itself; "
                                f"{inv.install_hint(token)}")
        elif self.with_tool == "uv" or (self.with_tool is None and self._uv_instead(token)):
            self._uv(without_python_prefix(token) or token)
        else:
            self._pyenv(token)
        return True

    def _newer_definition(self, token: str, existing: Environment) -> bool:
        """Whether python-build defines a newer release for this pyenv prefix than the one
        installed (never asked of uv, or where python-build is not found)."""
        if existing.kind != Kind.PYENV or existing.name == token or self.with_tool == "uv":
            return False
        try:
            self._build_tool = self._build_tool or find_python_build(self.ctx)
        except PyswitchError:
            return False
        if self._defs is None:
            self._defs = definitions(self.ctx, self._build_tool)
        name = pick_definition(token, self._defs)
        return name is not None and name != existing.name and not (self.ctx.pyenv_versions / name).exists()

    def _uv_instead(self, token: str) -> bool:
        """Where python-build is not found but uv is, a CPython spec goes to uv (prebuilt, no compiler)."""
        try:
            self._build_tool = self._build_tool or find_python_build(self.ctx)
            return False
        except PyswitchError:
            name = without_python_prefix(token) or token
            if find_on_path(self.ctx, "uv") is not None and re.match(r"^\d+(\.\d+){0,2}t?$", name):
                return True
            raise

    def _uv(self, request: str) -> None:
        uv = find_on_path(self.ctx, "uv")
        if uv is None:
            raise PyswitchError("uv not found on PATH: install it (https://docs.astral.sh/uv/), or build with "
                                "python-build: pyswitch install --with python-build")
        tool = Tool("uv", (str(uv), "python", "install"))
        self.say(f"installing {request} with uv ({uv}): a prebuilt CPython")
        run_tool(self.ctx, tool, [request], request)
        self.installed.append(f"uv:{request}")

    def _pyenv(self, token: str) -> None:
        try:
            tool = self._build_tool or find_python_build(self.ctx)
        except PyswitchError as e:
            if self.with_tool is None and find_on_path(self.ctx, "uv") is not None:
                raise PyswitchError(f"{e}; or install it with uv: pyswitch install --with uv {token}") from None
            raise
        self._build_tool = tool
        if self._defs is None:
            self._defs = definitions(self.ctx, tool)
        name = pick_definition(token, self._defs)
        if name is None:
            hint = "python-build --definitions" if tool.name == "python-build" else "pyenv install --list"
            pre = prereleases(token, self._defs)
            if pre:  # a prefix never picks one; say which there are, and how to ask for one
                raise PyswitchError(f"no {tool.name} release matches '{token}'; a prefix never picks these: "
                                    f"{', '.join(pre[-5:])}; name one exactly: pyswitch install {pre[-1]}")
            raise PyswitchError(f"no {tool.name} definition matches '{token}'; see the list with: {hint}")
        prefix = self.ctx.pyenv_versions / name
        if prefix.exists():
            self.say(f"{name} is already installed in {prefix}")
            return
        self.say(f"installing {name} with {tool.name} ({tool.argv[0]}) into {prefix}")
        args = [name, str(prefix)] if tool.name == "python-build" else [name]
        run_tool(self.ctx, tool, args, name)
        self.installed.append(name)

    def _conda(self, name: str, python: Optional[str], env_file: Optional[Path]) -> None:
        if not name:
            raise PyswitchError("conda: needs an environment name, as in conda:ml")
        if python is not None and not _PYTHON_ARG.match(python):
            raise PyswitchError(f"--python '{python}' is not a version such as 3.8 or 3.11.7")
        tool = find_conda(self.ctx)
        if env_file is not None:
            self.say(f"creating conda:{name} from {env_file} with {tool.name} ({tool.argv[0]})")
            if tool.name == "micromamba":
                args = ["create", "-y", "-n", name, "-f", str(env_file)]
            else:
                args = ["env", "create", "-f", str(env_file), "-n", name]
        else:
            wanted = f"python={python}" if python else "python"
            self.say(f"creating conda:{name} ({wanted}) with {tool.name} ({tool.argv[0]})")
            args = ["create", "-n", name, wanted, "-y"]
        run_tool(self.ctx, tool, args, f"conda:{name}")
        self.installed.append(f"conda:{name}")

    def _envs(self, token: str, parent: str, name: str, python: Optional[str]) -> None:
        """`miniconda3-latest/envs/NAME`: an env of a conda that pyenv installed."""
        base = self.ctx.pyenv_versions / parent
        if not (base / "conda-meta").is_dir():
            raise PyswitchError(f"'{token}' is a pyenv-virtualenv env: make it with: pyenv virtualenv "
                                f"{parent} {name}")
        for tool_name in conda_tools.TOOLS:
            exe = base / "bin" / tool_name
            if _executable(exe):
                break
        else:
            raise PyswitchError(f"{base} has no bin/conda to create '{token}' with: {CONDA_HELP}")
        tool = Tool(tool_name, (str(exe),))
        wanted = f"python={python}" if python else "python"
        prefix = base / "envs" / name
        self.say(f"creating {token} ({wanted}) with {tool.name} ({exe})")
        run_tool(self.ctx, tool, ["create", "-p", str(prefix), wanted, "-y"], token)
        self.installed.append(token)

    def rehash(self) -> None:
        if self.installed:
            problem = shims.rehash_after_change(self.ctx)
            if problem:
                raise PyswitchError(f"done, but {problem}")


def env_file_beside(selection: Selection) -> Optional[Path]:
    path = selection.origin_file
    if path is None:
        return None
    for name in ENV_FILES:
        candidate = path.parent / name
        if candidate.is_file():
            return candidate
    return None


def install_specs(ctx: Context, tokens: Sequence[str], python: Optional[str], say: Say,
                  with_tool: Optional[str] = None) -> List[str]:
    """`pyswitch install SPEC...`; returns what was installed."""
    installer = Installer(ctx, say, with_tool)
    try:
        for token in tokens:
            installer.install(token, python, newest=True)
    finally:
        installer.rehash()
    return installer.installed


def install_selected(ctx: Context, say: Say, warn: Say, with_tool: Optional[str] = None) -> List[str]:
    """`pyswitch install`: every missing spec of the selected version file, in order.

    Stops at the first failure (its status becomes ours), after rehashing what it did install.
    """
    sel = select(ctx)
    for w in sel.warnings:
        warn(w)
    if sel.source == "default":
        raise PyswitchError("no .python-version here or above and no global version: nothing to install; "
                            "name one: pyswitch install 3.12")
    if sel.empty:
        raise PyswitchError(f"{sel.origin} holds no usable version: nothing to install")
    where = "PYSWITCH_VERSION" if sel.source == "shell" else sel.origin
    say(f"installing what {where} asks for: {' '.join(sel.specs)}")
    env_file = env_file_beside(sel)
    installer = Installer(ctx, say, with_tool)
    try:
        for token in dict.fromkeys(sel.specs):
            if token == "system":
                continue
            wants_file = env_file if parse_spec(token).kind == "conda" else None
            installer.install(token, None, wants_file)
    finally:
        installer.rehash()
    if not installer.installed:
        say("nothing to install: everything is already there")
    from pyswitch.check import install_report
    install_report(ctx, say)  # SPEC 8: what `check` would say, without failing
    return installer.installed
