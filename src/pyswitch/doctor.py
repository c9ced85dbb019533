"""`pyswitch doctor`: check the set-up, one result per finding, each with the command that fixes it.

Problems (exit 1): shims not first on PATH, hook not loaded, conda's auto_activate_base,
pins to versions not installed, venvs whose base interpreter is gone, shims missing for
installed commands. Advice (exit 0): end-of-life pins, ignored project venvs, requires-python.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Dict, List, Optional, Set, Tuple

from pyswitch import envvars, legacy, recorded
from pyswitch.backends import conda as conda_backend
from pyswitch.backends.venv import project_venv
from pyswitch.backends.system import is_pyenv_shims
from pyswitch.backends import installers
from pyswitch.files import is_within, same_file
from pyswitch.environment import Environment, Kind
from pyswitch.health import problem
from pyswitch.inventory import Inventory
from pyswitch.paths import VERSION_FILE, Context
from pyswitch.pyversion import python_in, read_pyvenv_cfg
from pyswitch.selection import select
from pyswitch.version_file import read_version_file

OK, PROBLEM, ADVICE = "ok", "problem", "advice"
# set by the shell hook: the bin folder(s) of the environment it activated itself
ACTIVE_BIN = "_PYSWITCH_ACTIVE_BIN"
_CONDARC_KEY = re.compile(r"^(auto_activate_base|auto_activate)\s*:\s*([^#\s]+)\s*(#.*)?$")


@dataclass(frozen=True)
class Check:
    name: str
    status: str              # ok, problem or advice
    message: str
    fix: Optional[str] = None


@dataclass(frozen=True)
class Project:
    folder: Path
    version_file: Path
    specs: Tuple[str, ...]
    here: bool


# --- shell facts ------------------------------------------------------------------------------
def shell_name(ctx: Context) -> str:
    name = ctx.environ.get(envvars.PYSWITCH_SHELL) or os.path.basename(ctx.environ.get("SHELL", "")) or "bash"
    return name if name in ("bash", "zsh", "fish") else "bash"


def init_line(shell: str) -> Tuple[str, str]:
    """(the line that loads pyswitch, the file it belongs in)."""
    if shell == "fish":
        return "pyswitch init fish | source", "~/.config/fish/config.fish"
    return f'eval "$(pyswitch init {shell})"', f"~/.{shell}rc"


def _real(p) -> str:
    return os.path.realpath(p)


# --- the checks -------------------------------------------------------------------------------
def check_path(ctx: Context, inv: Inventory) -> List[Check]:
    entries = [d for d in ctx.environ.get(envvars.PATH, "").split(os.pathsep) if d]
    line, rc = init_line(shell_name(ctx))
    # the shims folder however PATH spells it (`shims/`, `//`, a symlink): by identity
    index = next((i for i, d in enumerate(entries) if same_file(d, ctx.shims_dir)), None)
    if index is None:
        return [Check("path", PROBLEM, f"the shims folder {ctx.shims_dir} is not on PATH",
                      f"add `{line}` to {rc} and open a new shell")]
    active = {_real(d) for d in ctx.environ.get(ACTIVE_BIN, "").split(os.pathsep) if d}
    if ctx.environ.get(envvars.VIRTUAL_ENV):  # a venv the user activated by hand is meant to win
        active.add(_real(Path(ctx.environ[envvars.VIRTUAL_ENV]) / "bin"))
    ahead: List[Tuple[str, str]] = []
    for d in entries[:index]:
        real = _real(d)
        if real in active or same_file(d, ctx.shims_dir):
            continue
        parent = Path(d).parent
        if same_file(d, ctx.pyenv_root / "shims") or is_pyenv_shims(Path(d)):
            ahead.append((d, "pyenv's shims"))
        elif (parent / "conda-meta").is_dir():
            ahead.append((d, "a conda env's bin"))
        elif other_installer(ctx, d):
            ahead.append((d, other_installer(ctx, d)))
        elif (parent / "pyvenv.cfg").is_file():
            ahead.append((d, "a venv's bin"))
        elif python_in(Path(d)) is not None:
            ahead.append((d, "a folder with its own python"))
    if not ahead:
        return [Check("path", OK, f"the shims folder {ctx.shims_dir} comes first on PATH")]
    what = ", ".join(f"{d} ({why})" for d, why in ahead)
    first = ahead[0][1]
    if first == "pyenv's shims":
        fix = f"in {rc}, put `{line}` after pyenv's init line, and open a new shell"
    elif first == "a conda env's bin":
        fix = "conda deactivate; then conda config --set auto_activate_base false"
    else:
        fix = f"in {rc}, put `{line}` after every line that changes PATH, and open a new shell"
    return [Check("path", PROBLEM, f"PATH has {what} ahead of the shims {ctx.shims_dir}", fix)]


def other_installer(ctx: Context, entry: str) -> Optional[str]:
    """What a PATH entry of uv's, mise's or asdf's is, where it puts their Python ahead."""
    for installer in installers.INSTALLERS:
        shims = installer.shims(ctx)
        if shims is not None and same_file(entry, shims):
            return f"{installer.kind}'s shims"
        if is_within(_real(entry), _real(installer.folder(ctx))):
            return f"a {installer.kind} Python's bin"
    if same_file(entry, installers.uv_bin_dir(ctx)):
        uv = _real(installers.UV.folder(ctx))
        try:
            links = sorted(n for n in os.listdir(entry) if n.startswith("python")
                           and is_within(_real(os.path.join(entry, n)), uv))
        except OSError:
            links = []
        if links:
            return f"uv's Python links: {', '.join(links)}"
    return None


def check_hook(ctx: Context, inv: Inventory) -> List[Check]:
    shell = ctx.environ.get(envvars.PYSWITCH_SHELL)
    level = ctx.environ.get(envvars.SHELL_LEVEL)
    line, rc = init_line(shell_name(ctx))
    fix = f"echo '{line}' >> {rc}, then open a new shell"
    if shell and level is not None and level != ctx.environ.get("SHLVL", ""):
        # exported by an outer shell: this one (a nested `bash`, a script) never loaded it
        return [Check("hook", PROBLEM, f"the shell integration is not loaded in this shell (a parent shell, "
                                       f"SHLVL {level}, loaded it; this one is SHLVL {ctx.environ.get('SHLVL', '?')})",
                      fix)]
    if shell:
        return [Check("hook", OK, f"the shell integration is loaded ({shell})")]
    return [Check("hook", PROBLEM, "the shell integration is not loaded in this shell (PYSWITCH_SHELL is unset)", fix)]


def condarc_files(ctx: Context) -> List[Path]:
    """conda's own order, lowest first: each root's .condarc, the user's files, $CONDARC."""
    files = [root / ".condarc" for root in conda_backend.conda_roots(ctx)]
    files += [ctx.home / ".config" / "conda" / ".condarc", ctx.home / ".config" / "conda" / "condarc",
              ctx.home / ".condarc"]
    if ctx.environ.get("CONDARC"):
        files.append(Path(ctx.environ["CONDARC"]))
    return files


def condarc_auto_activate(path: Path) -> Optional[bool]:
    """The top-level `auto_activate_base:` (or conda 25's `auto_activate:`) of a .condarc."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:1 << 20]
    except OSError:
        return None
    found = None
    for line in text.splitlines():
        m = _CONDARC_KEY.match(line.rstrip())
        if m:
            value = m.group(2).strip("'\"").lower()
            if value in ("true", "yes", "on"):
                found = True
            elif value in ("false", "no", "off"):
                found = False
    return found


def check_conda(ctx: Context, inv: Inventory) -> List[Check]:
    setting, where = None, None
    for path in condarc_files(ctx):
        value = condarc_auto_activate(path)
        if value is not None:
            setting, where = value, path
    fix = "conda config --set auto_activate_base false"
    if setting:
        return [Check("conda", PROBLEM, f"auto_activate_base is true in {where}: every new shell activates "
                      "conda's base, whose bin goes ahead of the shims and fights the hook", fix)]
    if setting is False:
        return [Check("conda", OK, f"conda's auto_activate_base is off ({where})")]
    if conda_backend.conda_roots(ctx):
        return [Check("conda", ADVICE, "no .condarc sets auto_activate_base, and conda's default is true: "
                      "if conda's init is in your shell's rc file, base gets activated ahead of the shims", fix)]
    return [Check("conda", OK, "no conda installation activates base")]


def projects(ctx: Context) -> List[Project]:
    """The pinned folder here (when a .python-version decides), then every recorded project."""
    out: List[Project] = []
    seen: Set[str] = set()
    sel = select(ctx)
    if sel.source == "local":
        f = Path(sel.origin)
        out.append(Project(f.parent, f, sel.specs if not sel.empty else (), True))
        seen.add(_real(f))
    for folder in recorded.read_paths(ctx.projects_file):
        f = Path(folder) / VERSION_FILE
        if _real(f) in seen or not f.is_file():
            continue
        seen.add(_real(f))
        out.append(Project(Path(folder), f, read_version_file(f).specs, False))
    return out


def _where(p: Project) -> str:
    return f"{p.folder} (here)" if p.here else str(p.folder)


def _in(p: Project, command: str) -> str:
    return command if p.here else f"cd {p.folder} && {command}"


def check_pins(ctx: Context, inv: Inventory) -> List[Check]:
    found: List[Check] = []
    sel = select(ctx)
    if sel.source in ("global", "pyenv-global", "shell", "pyenv-shell") and not sel.empty:
        origin = sel.origin  # a file's path, or the variable's name
        for token in dict.fromkeys(sel.specs):
            if inv.resolve(token) is None:
                found.append(Check("pins", PROBLEM, f"'{token}' is not installed (set by {origin})",
                                   f"pyswitch install {token}"))
    all_projects = projects(ctx)
    for p in all_projects:
        for token in dict.fromkeys(p.specs):
            if inv.resolve(token) is None:
                found.append(Check("pins", PROBLEM, f"{_where(p)} pins '{token}', which is not installed "
                                   f"(set by {p.version_file})", _in(p, "pyswitch install")))
    if found:
        return found
    return [Check("pins", OK, f"every pin is installed ({len(all_projects)} pinned project(s) checked)")]


def _base_gone(venv: Path) -> Optional[str]:
    """The `home` of a venv whose base interpreter no longer exists, else None."""
    home = read_pyvenv_cfg(venv).get("home")
    if not home:
        return None
    if python_in(Path(home)) is None:
        return home
    return None


def check_venvs(ctx: Context, inv: Inventory) -> List[Check]:
    found: List[Check] = []
    checked = 0
    # trusted venvs, and the venvs of pinned projects trusted or not (SPEC 6: every venv whose
    # base interpreter is gone is a problem, an ignored one too)
    venvs = dict.fromkeys(recorded.read_paths(ctx.trust_file))
    for p in projects(ctx):
        venvs.setdefault(_real(p.folder / ctx.venv_dir))
    for real in venvs:
        venv = Path(real)
        if not (venv / "pyvenv.cfg").is_file():
            continue
        checked += 1
        home = _base_gone(venv)
        if home:
            found.append(Check("venvs", PROBLEM, f"the project venv {venv} was made from {home}, which is gone",
                               f"cd {venv.parent} && pyswitch local --venv --force"))
    for e in inv.pyenv:
        if e.kind != "virtualenv" or not (e.prefix / "pyvenv.cfg").is_file():
            continue
        checked += 1
        home = _base_gone(e.prefix)
        if home:
            found.append(Check("venvs", PROBLEM, f"the virtualenv {e.name} was made from {home}, which is gone",
                               f"pyswitch uninstall {e.name}  # then make it again"))
    if found:
        return found
    return [Check("venvs", OK, f"every venv's base interpreter is there ({checked} checked)")]


def check_broken(ctx: Context, inv: Inventory) -> List[Check]:
    """Environments that cannot run python (a conda env without python, a dangling bin/python);
    venvs whose base is gone are check_venvs's."""
    found = []
    envs = [e for e in inv.pyenv + inv.conda + inv.others if e.kind != Kind.VIRTUALENV and not e.shadowed]
    for e in envs:
        broken = problem(e)
        if broken is not None:
            found.append(Check("broken", PROBLEM, f"{e.name} cannot run python: {broken.why}", broken.fix))
    return found or [Check("broken", OK, f"every environment has a working python ({len(envs)} checked)")]


def check_leftovers(ctx: Context, inv: Inventory) -> List[Check]:
    """What an interrupted removal left (SPEC section 7): named, with the command that finishes it."""
    from pyswitch.uninstall import find_leftover_entries

    found = []
    for lo in find_leftover_entries(ctx):
        fix = f"pyswitch uninstall --yes {lo.spec}" if lo.spec else "pyswitch prune"
        found.append(Check("leftovers", PROBLEM, f"an interrupted removal of {lo.spec or lo.name} left "
                           f"{lo.path} ({lo.size_bytes} bytes)", fix))
    return found or [Check("leftovers", OK, "no interrupted removal left anything behind")]


def check_shims(ctx: Context, inv: Inventory) -> List[Check]:
    from pyswitch.shims import wanted_commands

    wanted = wanted_commands(inv)
    try:
        present = {n for n in os.listdir(ctx.shims_dir) if not n.startswith(".")}
    except OSError:
        present = set()
    missing = sorted(wanted - present)
    if not missing:
        return [Check("shims", OK, f"a shim for each of the {len(wanted)} installed commands")]
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return [Check("shims", PROBLEM, f"{len(missing)} installed command(s) have no shim (stale rehash): {shown}",
                  "pyswitch rehash")]


def _primary(inv: Inventory, p: Project) -> Optional[Environment]:
    return inv.resolve(p.specs[0]) if p.specs else None


def check_eol(ctx: Context, inv: Inventory, today: Optional[date] = None) -> List[Check]:
    found: List[Check] = []
    for p in projects(ctx):
        for token in dict.fromkeys(p.specs):
            version = legacy.pinned_version(token, inv.resolve(token))
            if legacy.is_eol(version, today):
                shown = token if token == version else f"{token} (Python {version})"
                found.append(Check("eol", ADVICE, f"{_where(p)} pins {shown}, past its end of life on "
                                   f"{legacy.eol_date(version).isoformat()}: no more security fixes"))
    return found or [Check("eol", OK, "no pinned project is on an end-of-life Python")]


def check_project_venvs(ctx: Context, inv: Inventory) -> List[Check]:
    found: List[Check] = []
    for p in projects(ctx):
        primary = _primary(inv, p)
        if primary is None or primary.kind == "venv":
            continue
        pv = project_venv(ctx, p.folder, primary)
        if pv is None or pv.status == "trusted":
            continue
        if _base_gone(pv.path):
            continue  # a problem, trusted or not: check_venvs reports it
        if pv.status == "untrusted":
            found.append(Check("trust", ADVICE, f"{pv.path} is ignored until you trust it",
                               f"pyswitch trust {p.folder}"))
        else:
            found.append(Check("trust", ADVICE, f"{pv.path} is ignored: it was made from "
                               f"{pv.home or 'an unknown interpreter'}, not {primary.name}",
                               _in(p, "pyswitch local --venv --force")))
    return found or [Check("trust", OK, "no project venv is being ignored")]


def check_requires_python(ctx: Context, inv: Inventory) -> List[Check]:
    found: List[Check] = []
    installed = [e.python_version for e in inv.pyenv if e.kind == "pyenv" and e.python_version]
    for p in projects(ctx):
        primary = _primary(inv, p)
        if primary is None:
            continue
        start = ctx.cwd if p.here else p.folder
        problem = legacy.requires_python_problem(start, primary.python_version, primary.name)
        if problem:
            req = legacy.requires_python(start)
            better = legacy.suggest(installed, req.specifier) if req else None
            fix = _in(p, f"pyswitch local {better}") if better else None
            found.append(Check("requires-python", ADVICE, f"{_where(p)}: {problem}", fix))
    return found or [Check("requires-python", OK, "every pin meets its project's requires-python")]


CHECKS: Tuple[Tuple[str, Callable[[Context, Inventory], List[Check]]], ...] = (
    ("path", check_path),
    ("hook", check_hook),
    ("conda", check_conda),
    ("pins", check_pins),
    ("venvs", check_venvs),
    ("broken", check_broken),
    ("leftovers", check_leftovers),
    ("shims", check_shims),
    ("eol", check_eol),
    ("trust", check_project_venvs),
    ("requires-python", check_requires_python),
)


def run_checks(ctx: Context) -> List[Check]:
    inv = Inventory(ctx)
    results: List[Check] = []
    for name, check in CHECKS:
        try:
            results.extend(check(ctx, inv))
        except Exception as e:  # one broken check must not hide the others
            results.append(Check(name, PROBLEM, f"could not be checked: {type(e).__name__}: {e}"))
    inv.probe.save()
    return results


def has_problems(results: List[Check]) -> bool:
    return any(r.status == PROBLEM for r in results)


def summary(results: List[Check]) -> Dict[str, int]:
    out = {OK: 0, PROBLEM: 0, ADVICE: 0}
    for r in results:
        out[r.status] += 1
    return out
