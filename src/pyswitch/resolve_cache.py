"""The resolution cache: the engine's answers, for the shims and the shell hooks to look up.

The shims and hooks must stay builtins-only on their common path, so they never read or
interpret a version file or a variable's value themselves: they find which source decides
(PYSWITCH_VERSION, PYENV_VERSION, the nearest `.python-version`, the global files) and look up
what the engine made of *that source* here. Every rule of SPEC 2-4 therefore lives in the
engine alone; a source the cache does not know, or may know stale, sends them to the engine,
which answers and records the answer here for next time.

Layout of $PYSWITCH_ROOT/cache (each file written atomically, the main files last):
  resolve.sh, resolve.fish   the main files: the generation, `_pyswitch_stale` (has anything that
                             decides answers changed since this was written?), `_pyswitch_skip`
                             (is a PATH entry a shims folder?) and `_pyswitch_value` (a variable's
                             value -> the key of its answer)
  sel/f<PATH>.sh|.fish       the answer for the version file at PATH (the path mirrored below
                             sel/f, so a shell finds it by string concatenation alone)
  sel/v<N>.sh|.fish          the answer for a variable's value; sel/default.* when nothing decides
  seen.json                  the sources seen lately, so that they stay answered

An answer file defines `_pyswitch_memo`, which checks the answer still holds (this generation;
the file and its folder not modified since the engine read them) and sets what the shim routes
with (warnings, the error, the environments in order) and what the hook activates. The cache
and every answer carry the mtime of the moment *before* discovery started, so anything changed
while the engine was reading is newer and sends the next caller back to the engine.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from pyswitch import cache_syntax, envvars
from pyswitch.cache_sources import AUTO_VAR, Sources, merge, names_file, read_seen, seen_file, sources_here
from pyswitch.backends import conda as conda_backend
from pyswitch.backends import installers
from pyswitch.backends.system import shim_dirs
from pyswitch.backends.venv import TRUSTED
from pyswitch.environment import Environment, Kind
from pyswitch.errors import NotInstalled
from pyswitch.executables import commands_of
from pyswitch.files import FileLock, atomic_write
from pyswitch.health import core_commands
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import (Resolution, Selection, default_selection,
                                resolve, select_file, select_value)
from pyswitch.version_file import examine

# env vars whose value changes what discovery finds: a shim seeing another value asks the engine
WATCHED_VARS = (envvars.PYENV_ROOT, envvars.PYSWITCH_CONDA_ROOTS, envvars.CONDA_EXE, envvars.PYSWITCH_CONFIG,
                envvars.HOME, "XDG_CONFIG_HOME", *installers.VARIABLES)
# the kernel stamps files with a coarse clock; backdating the cache by this much means a change
# made while discovery ran is always newer than the cache
CLOCK_MARGIN_NS = 50_000_000
SHELL_KINDS = ("sh", "fish")


# --- what an answer holds ---------------------------------------------------------------------
@dataclass(frozen=True)
class Routed:
    """One environment as a shim tries it."""

    kind: str
    bin: str
    prepend: str                       # put first on the child's PATH ("" where it cannot be)
    commands: Optional[Tuple[str, ...]] = None  # conda: only these may be routed (never curl, openssl)


@dataclass(frozen=True)
class Activation:
    """What the shell hook activates for an answer (SPEC section 5)."""

    kind: str      # "venv" or "conda"
    prefix: str
    bin: str
    name: str = ""  # CONDA_DEFAULT_ENV


@dataclass(frozen=True)
class Answer:
    key: str                              # the file name below sel/, without the shell's suffix
    checks: Tuple[Tuple[str, ...], ...]   # (test, path): "older", "link", "notlink", "regular";
                                          # ("same", path, real): path still leads to real
    skip: bool = False                    # a version file that is skipped: the walk goes on
    warnings: Tuple[str, ...] = ()        # full `pyswitch: ...` lines a shim prints
    error: str = ""                       # the full line a shim prints before exit 1
    envs: Tuple[Routed, ...] = ()
    core: Tuple[str, ...] = ()            # the primary's python/pip names: from it, or fail
    broken: str = ""                      # "WHY; fix: FIX" of a primary that cannot run python
    activation: Optional[Activation] = None
    notice_dir: str = ""                  # the project whose ignored .venv the hook mentions once
    notice: str = ""                      # the line after `pyswitch: ignoring <path> `


def answer_key_for_file(path: str) -> str:
    return f"f{path}"


def _routed(env: Environment) -> Routed:
    bin_dir = str(env.bin_dir)
    safe = os.pathsep not in bin_dir and "\n" not in bin_dir
    commands = tuple(commands_of(env)) if env.kind == Kind.CONDA else None
    return Routed(env.kind, bin_dir, bin_dir if safe and env.kind != Kind.SYSTEM else "", commands)


def _activation(res: Resolution) -> Optional[Activation]:
    env = res.primary
    if env.kind == Kind.CONDA:
        act = Activation("conda", str(env.prefix), str(env.bin_dir), "base" if env.is_conda_base else env.prefix.name)
    elif env.kind in (Kind.VENV, Kind.VIRTUALENV):
        act = Activation("venv", str(env.prefix), str(env.bin_dir))
    else:
        return None
    if os.pathsep in act.bin or "\n" in act.bin:
        return None  # cannot go on PATH as one entry; the shims still route it (notice below)
    return act


def build_answer(ctx: Context, inv: Inventory, key: str, sel: Selection,
                 checks: Tuple[Tuple[str, ...], ...], own_warnings: Sequence[str]) -> Answer:
    warnings = tuple(f"pyswitch: {w}" for w in own_warnings)
    try:
        res = resolve(ctx, inv, sel)
        if res.venv is not None:  # trust and the base are decided on real paths (SPEC 3)
            checks += _same_checks(str(res.venv.path), res.venv.home or "")
    except NotInstalled as e:
        if sel.specs[0] == "system":  # PATH decides system at run time: the shim walks it
            return Answer(key, checks, warnings=warnings, envs=(Routed(Kind.SYSTEM, "", ""),))
        return Answer(key, checks, warnings=warnings, error=f"pyswitch: {e}")
    primary = res.primary
    core = tuple(sorted(core_commands(primary))) if primary.kind != Kind.SYSTEM else ()
    notice_dir, notice = "", ""
    activation = _activation(res)
    if res.venv is not None and res.venv.status != TRUSTED:
        notice_dir, notice = str(res.venv.path.parent), res.venv.notice("{}").split("{} ", 1)[-1]
    elif activation is None and res.venv is not None and os.pathsep in str(res.primary.bin_dir):
        notice_dir = str(res.venv.path.parent)
        notice = f"(its path holds '{os.pathsep}', which PATH cannot hold); not activated, the shims still run it"
    return Answer(key, checks, warnings=warnings, envs=tuple(_routed(e) for e in res.environments), core=core,
                  broken=f"{res.broken.why}; fix: {res.broken.fix}" if res.broken else "",
                  activation=activation, notice_dir=notice_dir, notice=notice)


def file_answer(ctx: Context, inv: Inventory, path: str, source: str) -> Optional[Answer]:
    """The answer for the version file at `path` (walk spelling), or None when nothing is there."""
    found = examine(path, global_file=source != "local")
    if found is None:
        return None
    key = answer_key_for_file(path)
    folder = os.path.dirname(path) or "/"
    checks: List[Tuple[str, ...]] = [("link" if found.link else "notlink", path)]
    if found.link:  # a retargeted or replaced link changes the folders along it
        checks += [("older", d) for d in _link_folders(path)]
    checks.append(("older", folder))
    checks += _same_checks(folder)  # a symlinked folder on the way, retargeted, is another project
    if not found.use:
        return Answer(key, tuple(checks), skip=True, warnings=(f"pyswitch: {found.warning}",))
    checks += [("regular", path), ("older", path)]
    if source == "local":  # a venv made, replaced or remade beside it changes these
        venv = os.path.join(folder, ctx.venv_dir)
        if os.path.isdir(venv):
            checks += [("older", venv)] + ([("older", venv + "/pyvenv.cfg")]
                                          if os.path.exists(venv + "/pyvenv.cfg") else [])
    sel = select_file(Path(path), source)
    return build_answer(ctx, inv, key, sel, tuple(checks), sel.warnings)


def _same_checks(*paths: str) -> Tuple[Tuple[str, ...], ...]:
    """For each path that passes through a symlink: it must still lead where it led. The
    mtimes cannot tell, as a retargeted link on the way shows the new target's old files."""
    out = []
    for p in paths:
        real = os.path.realpath(p) if p and os.path.exists(p) else p
        if real != p:
            out.append(("same", p, real))
    return tuple(out)


def _link_folders(path: str) -> List[str]:
    """The folders a symlink chain passes through (the link's own one is checked anyway)."""
    out: List[str] = []
    seen = 0
    current = path
    while seen < 16:
        try:
            target = os.readlink(current)
        except OSError:
            break
        current = os.path.join(os.path.dirname(current), target)
        folder = os.path.dirname(os.path.realpath(current))
        if folder not in out:
            out.append(folder)
        seen += 1
    return out


def value_answer(ctx: Context, inv: Inventory, key: str, name: str, value: str) -> Optional[Answer]:
    sel = select_value(name, value)
    if sel is None:
        return None
    return build_answer(ctx, inv, key, sel, (), sel.warnings)


# --- what makes the whole cache stale ---------------------------------------------------------
def watched_paths(ctx: Context, inv: Inventory) -> Tuple[List[str], List[str]]:
    """(folders/files whose mtime decides answers, paths whose appearance does)."""
    present: List[str] = []
    absent: List[str] = []

    def watch(p: Path) -> None:
        (present if p.exists() else absent).append(str(p))

    watch(ctx.pyenv_versions)
    for e in inv.pyenv:
        if e.kind == Kind.PYENV:
            watch(e.prefix)
            if (e.prefix / "envs").exists():
                watch(e.prefix / "envs")
    for root in conda_backend.conda_roots(ctx):
        watch(root)
        watch(root / "envs")
    for root in ctx.usual_conda_roots():
        if not root.exists():
            absent.append(str(root))
    for installer in installers.INSTALLERS:  # uv's, mise's and asdf's Pythons come and go here
        watch(installer.folder(ctx))
    watch(ctx.conda_environments_txt)
    watch(ctx.trust_file)
    # the config as it was when read (ctx was made), not as it is now: one deleted or made since
    # then is stale at once, where `now` would make this cache look fresh
    (present if ctx.config_seen else absent).append(str(ctx.config_path))
    return sorted(set(present)), sorted(set(absent))


# --- what the files say -----------------------------------------------------------------------
def answer_fields(a: Answer) -> List[Tuple[str, str]]:
    act = a.activation
    return [
        ("_PYSWITCH_SKIP", "1" if a.skip else ""),
        ("_PYSWITCH_WARN", "\n".join(a.warnings)),
        ("_PYSWITCH_ERR", a.error),
        ("_PYSWITCH_N", str(len(a.envs))),
        ("_PYSWITCH_CORE", f" {' '.join(a.core)} " if a.core else ""),
        ("_PYSWITCH_BROKEN", a.broken),
        ("_PYSWITCH_A_KIND", act.kind if act else ""),
        ("_PYSWITCH_A_PREFIX", act.prefix if act else ""),
        ("_PYSWITCH_A_BIN", act.bin if act else ""),
        ("_PYSWITCH_A_NAME", act.name if act else ""),
        ("_PYSWITCH_A_NOTICE_DIR", a.notice_dir),
        ("_PYSWITCH_A_NOTICE", a.notice),
    ]


def env_fields(r: Routed) -> List[Tuple[str, str]]:
    cmds = f" {' '.join(r.commands)} " if r.commands is not None else ""
    return [("_PYSWITCH_KIND", r.kind), ("_PYSWITCH_BIN", r.bin), ("_PYSWITCH_PREPEND", r.prepend),
            ("_PYSWITCH_CMDS", cmds)]


def render_answer(shell: str, a: Answer, gen: str) -> str:
    return cache_syntax.answer(cache_syntax.SYNTAXES[shell], gen, a.checks, answer_fields(a),
                               [env_fields(r) for r in a.envs])


def render_main(shell: str, ctx: Context, gen: str, present: Sequence[str], absent: Sequence[str],
                skip: Sequence[str], values: Sequence[Tuple[str, str, str]], bins: Sequence[str]) -> str:
    settings = [("_PYSWITCH_C_GEN", gen), ("_PYSWITCH_C_FILE", str(cache_file(ctx, shell))),
                ("_PYSWITCH_C_STAMP", str(rehash_stamp(ctx))),
                ("_PYSWITCH_C_SEL", str(answers_dir(ctx))), ("_PYSWITCH_C_VENV_DIR", ctx.venv_dir),
                ("_PYSWITCH_C_AUTO", "1" if ctx.config.auto_activate else "0"),
                ("_PYSWITCH_C_GLOBAL", str(ctx.global_file)), ("_PYSWITCH_C_PYENV_GLOBAL", str(ctx.pyenv_global_file))]
    watched = [(var, ctx.environ.get(var)) for var in WATCHED_VARS]
    return cache_syntax.main(cache_syntax.SYNTAXES[shell], gen, settings, watched, present, absent, skip, values,
                             bins)


def rehash_watch(inv: Inventory, present: Sequence[str]) -> List[str]:
    """What a rehash depends on: the folders environments appear in, and every known bin/."""
    bins = [str(e.bin_dir) for e in inv.pyenv + inv.conda + inv.venvs + inv.others if e.bin_dir.is_dir()]
    return sorted(set(present) | set(bins))


# --- writing ----------------------------------------------------------------------------------
def cache_file(ctx: Context, shell: str = "sh") -> Path:
    return ctx.cache_dir / f"resolve.{shell}"


def answers_dir(ctx: Context) -> Path:
    return ctx.cache_dir / "sel"


def rehash_stamp(ctx: Context) -> Path:
    """Touched by every rehash, with the time it started: a bin/ newer than it has commands
    the shims may not have yet."""
    return ctx.cache_dir / "rehashed"


def lock_file(ctx: Context) -> Path:
    return ctx.cache_dir / ".lock"


def read_since(ctx: Context) -> int:
    """The mtime for what is written from ctx: as old as the first thing read (the config, read
    when ctx was made, perhaps long before), less the clock's margin."""
    now = time.time_ns()
    return min(now, ctx.born_ns or now) - CLOCK_MARGIN_NS


def write_cache(ctx: Context, inv: Optional[Inventory] = None,
                extra_values: Iterable[Tuple[str, str]] = ()) -> None:
    """Answer every source seen lately (and this call's own) from what is on disk now."""
    started = read_since(ctx)
    inv = inv or Inventory(ctx)
    ctx.cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(lock_file(ctx)):
        sources = merge(sources_here(ctx, extra_values), read_seen(ctx))
        gen = f"{time.time_ns()}.{os.getpid()}"
        answers: List[Answer] = [build_answer(ctx, inv, "default", default_selection(), (), ())]
        kept = Sources()
        for path, source in sources.files:
            try:
                a = file_answer(ctx, inv, path, source)
            except OSError:
                continue
            if a is not None:
                answers.append(a)
                kept.add_file(path, source)
        values: List[Tuple[str, str, str]] = []
        for n, (name, value) in enumerate(sources.values, 1):
            kept.add_value(name, value)
            if name == AUTO_VAR:
                values.append((name, value, "off" if _auto_off(value) else "on"))
                continue
            a = value_answer(ctx, inv, f"v{n}", name, value)
            values.append((name, value, a.key if a else ""))
            if a is not None:
                answers.append(a)
        present, absent = watched_paths(ctx, inv)
        skip = [str(s) for s in shim_dirs(ctx) if s.exists()]
        written = set()
        for a in answers:
            for shell in SHELL_KINDS:
                target = answers_dir(ctx) / f"{a.key}.{shell}"
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write(target, render_answer(shell, a, gen), mtime_ns=started)
                    written.add(str(target))
                except OSError:
                    continue  # a path too long to mirror: that source is answered by the engine
        bins = rehash_watch(inv, present)
        for shell in SHELL_KINDS:
            atomic_write(cache_file(ctx, shell), render_main(shell, ctx, gen, present, absent, skip, values, bins),
                         mtime_ns=started)
        atomic_write(seen_file(ctx), json.dumps({"files": kept.files, "values": kept.values}))
        # for completion (fast_complete.py): the names, and what would make them stale
        names = {"specs": inv.spec_names(), "removable": inv.spec_names(removable_only=True),
                 "present": present, "absent": absent, "vars": {v: ctx.environ.get(v) for v in WATCHED_VARS}}
        atomic_write(names_file(ctx), json.dumps(names), mtime_ns=started)
        _drop_unwritten(answers_dir(ctx), written)
    inv.probe.save()


def refresh(ctx: Context, extra_values: Iterable[Tuple[str, str]] = ()) -> None:
    """After a command changed what decides (a pin, trust, `pyswitch shell`): answer it ahead of
    time, so the next shim call and prompt need no slow path. A cache that cannot be written only
    costs that one slow path."""
    try:
        write_cache(ctx, extra_values=extra_values)
    except OSError:
        pass


def _auto_off(value: str) -> bool:
    return value.strip().lower() in ("0", "false", "no", "off")


def _drop_unwritten(top: Path, written: set) -> None:
    """Answers of an older generation that nothing needs any more (a reader that still opens one
    finds its generation wrong, and asks the engine)."""
    for folder, dirs, files in os.walk(top, topdown=False):
        for name in files:
            p = os.path.join(folder, name)
            if p not in written:
                try:
                    os.unlink(p)
                except OSError:
                    pass
        if folder != str(top):
            try:
                os.rmdir(folder)
            except OSError:
                pass


def activation_lines(ctx: Context, inv: Optional[Inventory] = None) -> List[str]:
    """What the hook activates here, for `pyswitch _resolve`: kind, prefix, bin, conda env name,
    notice folder, notice (empty lines where there is nothing). The kind is empty where
    activation is off: said here, as this call read the config, since the cache may by now hold
    what a concurrent rehash read before it."""
    from pyswitch.selection import select

    inv = inv or Inventory(ctx)
    a = build_answer(ctx, inv, "here", select(ctx), (), ())
    act = a.activation
    fields = [act.kind if ctx.auto_activate else "", act.prefix, act.bin, act.name] if act else ["", "", "", ""]
    notice = [a.notice_dir, a.notice] if "\n" not in a.notice_dir + a.notice else ["", ""]
    return fields + notice
