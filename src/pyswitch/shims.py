"""Rehash and the resolution cache the shims and shell hooks read with builtins only.

The cache is one POSIX sh file (`cache/resolve.sh`, also sourced by the bash and zsh hooks)
and its fish twin (`cache/resolve.fish`). It maps every spec that names something installed
to that environment, lists trusted venvs, and carries a `_pyswitch_stale` check: the folders
whose contents decide any answer (versions/, envs/ folders, conda roots, environments.txt,
the trust file, the config) compared by mtime against the cache file itself, whose mtime is
set to just *before* discovery started. Anything newer means the answer may have changed, and
the caller falls back to `pyswitch` once, which rewrites the cache.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Set, Tuple

from pyswitch import envvars, records
from pyswitch.backends import conda as conda_backend
from pyswitch.backends.system import shim_dirs
from pyswitch.commands import commands_of
from pyswitch.environment import Environment
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.pyversion import read_pyvenv_cfg
from pyswitch.spec import release_tuple

SHIM_TEMPLATE = "shim.sh"
# env vars whose value changes what discovery finds: a shim seeing another value goes slow
WATCHED_VARS = (envvars.PYENV_ROOT, envvars.PYSWITCH_CONDA_ROOTS, envvars.CONDA_EXE, envvars.PYSWITCH_CONFIG,
                envvars.HOME, "XDG_CONFIG_HOME")
# the kernel stamps files with a coarse clock; backdating the cache by this much means a change
# made while discovery ran is always newer than the cache
CLOCK_MARGIN_NS = 50_000_000
LOCK_STALE_SECONDS = 30


def sh_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def fish_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def cache_file(ctx: Context, shell: str = "sh") -> Path:
    return ctx.cache_dir / f"resolve.{shell}"


# --- what the cache holds ---------------------------------------------------------------
@dataclass(frozen=True)
class CacheEntry:
    keys: Tuple[str, ...]
    env: Environment
    commands: Tuple[str, ...]   # conda envs only: what shims may route to (python*, pip*, entry points)
    env_name: str               # conda: the CONDA_DEFAULT_ENV value


def spec_keys(inv: Inventory) -> List[CacheEntry]:
    """Every spec string that resolves, grouped by the environment it names."""
    by_env: Dict[Environment, List[str]] = {}

    def add(key: str, env) -> None:
        if env is not None and key not in by_env.setdefault(env, []):
            by_env[env].append(key)

    for e in inv.pyenv:
        add(e.name, inv.resolve(e.name))
        rel = release_tuple(e.name)
        if e.kind == "pyenv" and rel:  # every prefix: 3, 3.8, 3.8.18
            for n in range(1, len(rel) + 1):
                prefix = ".".join(map(str, rel[:n]))
                add(prefix, inv.resolve(prefix))
    for short in inv.short_names:
        add(short, inv.resolve(short))
    for e in inv.conda:
        if not e.shadowed:
            add(e.name, e)
        if e.conda_root is not None and e.conda_root.parent == inv.ctx.pyenv_versions and not e.is_conda_base:
            add(f"{e.conda_root.name}/envs/{e.prefix.name}", inv.resolve(f"{e.conda_root.name}/envs/{e.prefix.name}"))
    if inv.system is not None:
        add("system", inv.system)
    entries = []
    for env, keys in by_env.items():
        keys = keys + [f"python-{k}" for k in keys if k[:1].isdigit()]
        cmds = tuple(commands_of(env)) if env.kind == "conda" else ()
        name = "base" if env.is_conda_base else env.prefix.name
        entries.append(CacheEntry(tuple(keys), env, cmds, name if env.kind == "conda" else ""))
    return entries


def watched_paths(ctx: Context, inv: Inventory) -> Tuple[List[str], List[str]]:
    """(folders/files whose mtime decides answers, paths whose appearance does)."""
    present: List[str] = []
    absent: List[str] = []

    def watch(p: Path) -> None:
        (present if p.exists() else absent).append(str(p))

    watch(ctx.pyenv_versions)
    for e in inv.pyenv:
        if e.kind == "pyenv":
            watch(e.prefix)
            if (e.prefix / "envs").exists():
                watch(e.prefix / "envs")
    for root in conda_backend.conda_roots(ctx):
        watch(root)
        watch(root / "envs")
    for root in ctx.usual_conda_roots():
        if not root.exists():
            absent.append(str(root))
    watch(ctx.conda_environments_txt)
    watch(ctx.trust_file)
    watch(ctx.config_path)
    return sorted(set(present)), sorted(set(absent))


# --- rendering --------------------------------------------------------------------------
def render_sh(ctx: Context, inv: Inventory, entries: List[CacheEntry], present, absent) -> str:
    q = sh_quote
    gen = f"{time.time_ns()}.{os.getpid()}"
    out = [f"# pyswitch resolution cache {gen}; generated, do not edit",
           f"_PYSWITCH_C_GEN={q(gen)}",
           f"_PYSWITCH_C_VENV_DIR={q(ctx.venv_dir)}",
           f"_PYSWITCH_C_AUTO={'1' if ctx.config.auto_activate else '0'}",
           f"_PYSWITCH_C_GLOBAL={q(str(ctx.global_file))}",
           f"_PYSWITCH_C_PYENV_GLOBAL={q(str(ctx.pyenv_global_file))}",
           f"_PYSWITCH_C_SKIP={q(':'.join(shim_dirs(ctx)))}",
           "_pyswitch_stale() {"]
    for var in WATCHED_VARS:
        value = ctx.environ.get(var)
        test = f'[ "${{{var}+x}}" = x ]' if value is not None else f'[ -z "${{{var}+x}}" ]'
        if value is not None:
            test += f' && [ "${var}" = {q(value)} ]'
        out.append(f"  {{ {test}; }} || return 0")
    # "cache not newer than P" is also true when P was deleted: one stat covers both changes
    for p in present:
        out.append(f'  [ "$1" -nt {q(p)} ] || return 0')
    for p in absent:
        out.append(f"  [ -e {q(p)} ] && return 0")
    out += ["  return 1", "}", "_pyswitch_spec() {", "  case $1 in"]
    for e in entries:
        pattern = "|".join(q(k) for k in e.keys)
        cmds = " " + " ".join(e.commands) + " " if e.env.kind == "conda" else ""
        out.append(f"    {pattern}) _PYSWITCH_KIND={e.env.kind} _PYSWITCH_NAME={q(e.env.name)}"
                   f" _PYSWITCH_PREFIX={q(str(e.env.prefix))} _PYSWITCH_BIN={q(str(e.env.bin_dir))}"
                   f" _PYSWITCH_ENVNAME={q(e.env_name)} _PYSWITCH_CMDS={q(cmds)} ;;")
    out += ["    *) return 1 ;;", "  esac", "}",
            "# a trusted venv, with the home its pyvenv.cfg named when the cache was written",
            "_pyswitch_trusted() {"]
    for t in records.read_paths(ctx.trust_file):
        home = read_pyvenv_cfg(Path(t)).get("home", "")
        out.append(f'  [ "$1" -ef {q(t)} ] && _PYSWITCH_HOME={q(home)} && return 0')
    out += ["  return 1", "}", ""]
    return "\n".join(out)


def render_fish(ctx: Context, inv: Inventory, entries: List[CacheEntry], present, absent) -> str:
    q = fish_quote
    gen = f"{time.time_ns()}.{os.getpid()}"
    out = [f"# pyswitch resolution cache {gen}; generated, do not edit",
           f"set -g _PYSWITCH_C_GEN {q(gen)}",
           f"set -g _PYSWITCH_C_VENV_DIR {q(ctx.venv_dir)}",
           f"set -g _PYSWITCH_C_AUTO {'1' if ctx.config.auto_activate else '0'}",
           f"set -g _PYSWITCH_C_GLOBAL {q(str(ctx.global_file))}",
           f"set -g _PYSWITCH_C_PYENV_GLOBAL {q(str(ctx.pyenv_global_file))}",
           "function _pyswitch_stale --argument-names cache",
           "    set -l t (path mtime -- $cache)"]
    for var in WATCHED_VARS:
        value = ctx.environ.get(var)
        if value is None:
            out.append(f"    set -q {var}; and return 0")
        else:
            out.append(f"    set -q {var}; or return 0")
            out.append(f'    test "${var}" = {q(value)}; or return 0')
    # fish's `test -nt` is missing before 3.7; compare whole-second mtimes, erring towards stale
    for p in present:
        out.append(f"    test (path mtime -- {q(p)}; or echo $t) -ge $t; and return 0")  # gone: stale too
    for p in absent:
        out.append(f"    test -e {q(p)}; and return 0")
    out += ["    return 1", "end", "function _pyswitch_spec --argument-names spec", "    switch $spec"]
    for e in entries:
        out.append(f"        case {' '.join(q(k) for k in e.keys)}")
        out.append(f"            set -g _PYSWITCH_KIND {e.env.kind}; set -g _PYSWITCH_NAME {q(e.env.name)}")
        out.append(f"            set -g _PYSWITCH_PREFIX {q(str(e.env.prefix))}; set -g _PYSWITCH_BIN {q(str(e.env.bin_dir))}")
        out.append(f"            set -g _PYSWITCH_ENVNAME {q(e.env_name)}")
    out += ["        case '*'", "            return 1", "    end", "end",
            "function _pyswitch_trusted --argument-names venv"]
    for t in records.read_paths(ctx.trust_file):
        out.append(f"    test -e $venv; and test (path resolve -- $venv) = {q(t)}; and return 0")
    out += ["    return 1", "end", ""]
    return "\n".join(out)


def _atomic_write(path: Path, text: str, mtime_ns: int, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.utime(tmp, ns=(mtime_ns, mtime_ns))
    os.replace(tmp, path)


def write_cache(ctx: Context, inv: Inventory = None) -> None:
    """Rebuild both cache files from what is on disk now."""
    started = time.time_ns() - CLOCK_MARGIN_NS
    inv = inv or Inventory(ctx)
    entries = spec_keys(inv)
    present, absent = watched_paths(ctx, inv)
    ctx.cache_dir.mkdir(parents=True, exist_ok=True)
    _atomic_write(cache_file(ctx, "sh"), render_sh(ctx, inv, entries, present, absent), started)
    _atomic_write(cache_file(ctx, "fish"), render_fish(ctx, inv, entries, present, absent), started)
    inv.probe.save()


# --- shims ------------------------------------------------------------------------------
def shim_source() -> str:
    import pyswitch.shim_source as src
    return (Path(src.__file__).parent / SHIM_TEMPLATE).read_text()


def render_shim(ctx: Context) -> str:
    text = shim_source()
    return (text.replace("@CACHE@", sh_quote(str(cache_file(ctx, "sh"))))
                .replace("@PYTHON@", sh_quote(sys.executable))
                .replace("@CR@", "\r"))


def wanted_commands(inv: Inventory) -> Set[str]:
    names: Set[str] = set()
    for e in inv.pyenv + inv.conda + inv.venvs:
        names.update(c for c in commands_of(e) if _safe_name(c))
    return names


def _safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and name not in (".", "..") and not any(ord(c) < 32 for c in name)


@dataclass(frozen=True)
class RehashResult:
    added: Tuple[str, ...]
    removed: Tuple[str, ...]
    total: int


class _Lock:
    """A lock folder holding the owner's pid; a dead owner or an old lock is taken over."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        deadline = time.monotonic() + 60
        while True:
            try:
                self.path.mkdir()
                (self.path / "pid").write_text(str(os.getpid()))
                return self
            except FileExistsError:
                if self._stale():
                    self._break()
                    continue
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _stale(self) -> bool:
        try:
            pid = int((self.path / "pid").read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            # no pid file yet (owner between mkdir and write) counts as stale only when old
            try:
                return time.time() - self.path.stat().st_mtime > 2 or (self.path / "pid").exists()
            except OSError:
                return False
        try:
            return time.time() - self.path.stat().st_mtime > LOCK_STALE_SECONDS
        except OSError:
            return False

    def _break(self) -> None:
        try:
            os.rename(self.path, f"{self.path}.stale.{os.getpid()}")
        except OSError:
            return
        for p in Path(f"{self.path}.stale.{os.getpid()}").glob("*"):
            p.unlink()
        os.rmdir(f"{self.path}.stale.{os.getpid()}")

    def __exit__(self, *exc):
        try:
            (self.path / "pid").unlink()
            self.path.rmdir()
        except OSError:
            pass


def rehash(ctx: Context, inv: Inventory = None) -> RehashResult:
    """Make one shim per command of every environment; drop shims nothing provides any more."""
    inv = inv or Inventory(ctx)
    shims = ctx.shims_dir
    shims.mkdir(parents=True, exist_ok=True)
    body = render_shim(ctx)
    wanted = wanted_commands(inv)
    with _Lock(ctx.root / ".rehash.lock"):
        existing = {n for n in os.listdir(shims) if not n.startswith(".")}
        added = []
        for name in sorted(wanted):
            target = shims / name
            if name in existing and _same(target, body):
                continue
            tmp = shims / f".{name}.{os.getpid()}.tmp"
            tmp.write_text(body)
            os.chmod(tmp, 0o755)
            os.replace(tmp, target)
            if name not in existing:
                added.append(name)
        removed = sorted(existing - wanted)
        for name in removed:
            try:
                (shims / name).unlink()
            except FileNotFoundError:
                pass
        for leftover in shims.glob(".*.tmp"):  # from a rehash that was killed mid-write
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass
        write_cache(ctx, inv)
    return RehashResult(tuple(added), tuple(removed), len(wanted))


def _same(path: Path, body: str) -> bool:
    try:
        return path.read_text() == body
    except (OSError, UnicodeDecodeError):
        return False

