"""Carrying out a removal (SPEC section 7): rename first, then delete, and finish leftovers.

Removal renames the environment out of the way in its own folder, then deletes it
(disk.remove_tree), so an interruption leaves either a usable environment or a hidden
`.pyswitch-removing-*` leftover that the next uninstall or prune finishes. A conda env goes
through conda where conda is found. Each removal holds a lock, so two at once never delete or
count the same files. A library: results go to callbacks, never to the terminal.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

from pyswitch import conda_files, disk
from pyswitch.backends import conda as conda_backend
from pyswitch.environment import Environment, Kind
from pyswitch.errors import PyswitchError
from pyswitch.files import FileLock
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.safety import refusal
from pyswitch.uninstall import Leftover, Target
from pyswitch.usage import real


@dataclass(frozen=True)
class LeftoverResult:
    leftover: Leftover
    freed_bytes: int
    remaining: Optional[Path]
    errors: Tuple[str, ...]
    vanished: bool = False    # another pyswitch finished it meanwhile


@dataclass(frozen=True)
class CacheNote:
    """What `prune` would now free from a conda package cache."""

    pkgs: Path
    entries: int
    size_bytes: int


@dataclass(frozen=True)
class Removed:
    target: Target
    freed_bytes: int
    leftover: Optional[Path] = None           # what could not be deleted (finished by the next run)
    errors: Tuple[str, ...] = ()
    cache: Tuple[CacheNote, ...] = ()         # conda envs: what prune would free from the cache now
    already_gone: bool = False                # another pyswitch removed it meanwhile

    @property
    def ok(self) -> bool:
        return not self.errors


class Interrupted(PyswitchError):
    """Ctrl-C during a removal; the message says what it left."""

    exit_code = 130


@dataclass
class Outcome:
    freed_bytes: int = 0
    ok: bool = True
    removed_any: bool = False


def removal_lock(ctx: Context) -> FileLock:
    """Held around each removal, so that two at once never delete or count the same files:
    the second finds the first's work done. Dropped by the kernel if its holder dies."""
    return FileLock(ctx.root / ".remove-lock", timeout=3600)


def finish_leftovers(ctx: Context, leftovers: Iterable[Leftover]) -> List[LeftoverResult]:
    """Delete what interrupted removals left behind, and unlist conda envs that are gone."""
    out = []
    for lo in leftovers:
        with removal_lock(ctx):
            if not os.path.lexists(lo.path):
                out.append(LeftoverResult(lo, 0, None, (), vanished=True))
                continue
            res = disk.finish_leftover(lo.path)
            _unlist_if_gone(ctx, lo.path.parent / lo.name)
        out.append(LeftoverResult(lo, res.freed_bytes, res.leftover, tuple(res.errors)))
    return out


def _unlist_if_gone(ctx: Context, prefix: Path) -> None:
    if os.path.lexists(prefix):
        return
    try:
        conda_files.atomic_rewrite_lines(ctx.conda_environments_txt,
                                  lambda line: conda_files.conda_env_line_matches(line, prefix))
    except OSError:
        pass


def _drop_links(links: Iterable[Path]) -> None:
    for link in links:
        try:
            if link.is_symlink() and not link.exists():  # only once its target is gone
                link.unlink()
        except OSError:
            pass


def remove_target(ctx: Context, target: Target, *, with_cache_notes: bool = True) -> Removed:
    """Remove one planned environment. Raises RefusedRemoval if it changed since the plan.

    For a conda env, ``with_cache_notes`` also says what prune would now free from the cache.
    """
    with removal_lock(ctx):
        if not os.path.lexists(target.env.prefix):
            return Removed(target, 0, already_gone=True)
        return _remove_target(ctx, target, with_cache_notes)


def _remove_target(ctx: Context, target: Target, with_cache_notes: bool) -> Removed:
    env = target.env
    if target.tool_command is not None:
        removed = _remove_with_tool(ctx, target)
    else:
        res = disk.remove_tree(env.prefix, parent_must_be=[target.parent])
        if env.kind == "conda":
            _unlist_if_gone(ctx, env.prefix)
        removed = Removed(target, res.freed_bytes, res.leftover, tuple(res.errors))
    _drop_links(target.links)
    if with_cache_notes and env.kind == "conda" and not os.path.lexists(env.prefix):
        removed = dataclasses.replace(removed, cache=tuple(cache_notes(ctx, env)))
    return removed


def _remove_with_tool(ctx: Context, target: Target) -> Removed:
    env = target.env
    # refuse exactly as the direct path would, before the tool is asked anything
    why = refusal(ctx, env, [str(target.parent)])
    if why:
        raise disk.RefusedRemoval(why)
    try:
        before = disk.tree_size(env.prefix)
    except OSError:
        before = 0
    argv = list(target.tool_command or ())
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", env=dict(ctx.environ))
    except OSError as e:
        return Removed(target, 0, None, (f"cannot run {argv[0]}: {e.strerror or e}",))
    errors: List[str] = []
    leftover: Optional[Path] = None
    if proc.returncode != 0:
        last = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or [""]
        errors.append(f"{Path(argv[0]).name} {' '.join(argv[1:3])} failed (exit {proc.returncode}): "
                      f"{last[0]}".rstrip(": "))
    elif os.path.lexists(env.prefix) and not os.path.islink(env.prefix):
        # the tool leaves files it did not install (caches, user files): finish the job safely
        res = disk.remove_tree(env.prefix, parent_must_be=[target.parent])
        leftover = res.leftover
        errors.extend(res.errors)
    if env.kind == Kind.CONDA and not os.path.lexists(env.prefix):
        _unlist_if_gone(ctx, env.prefix)
    try:
        remaining = disk.tree_size(env.prefix) if os.path.lexists(env.prefix) else 0
        if leftover is not None:
            remaining += disk.tree_size(leftover)
    except OSError:
        remaining = 0
    return Removed(target, max(0, before - remaining), leftover, tuple(errors))


def cache_notes(ctx: Context, env: Environment) -> List[CacheNote]:
    """How much `prune` would now free from the package cache a removed conda env used."""
    roots = conda_backend.conda_roots(ctx)
    mine = [r for r in roots if env.conda_root is not None and real(r) == real(env.conda_root)
            and (r / "pkgs").is_dir()]
    inv = Inventory(ctx)
    remaining = [e.prefix for e in inv.conda]
    out = []
    for root in mine or [r for r in roots if (r / "pkgs").is_dir()]:
        stale = conda_files.stale_package_cache_entries(root, remaining)
        size = sum(s.size_bytes for s in stale)
        if stale:
            out.append(CacheNote(root / "pkgs", len(stale), size))
    return out


def finish_all(ctx: Context, leftovers: Iterable[Leftover], on_result: Callable[[LeftoverResult], None]) -> Outcome:
    """Finish interrupted removals, telling each result (`vanished`: another pyswitch finished it)."""
    out = Outcome()
    for r in finish_leftovers(ctx, leftovers):
        out.freed_bytes += r.freed_bytes
        out.ok = out.ok and r.remaining is None
        on_result(r)
    return out


def remove_all(ctx: Context, targets: Sequence[Target], on_removed: Callable[[Removed], None],
               on_refused: Callable[[str], None], with_cache_notes: bool = True) -> Outcome:
    """Remove targets in order; Ctrl-C raises Interrupted, saying what was left."""
    out = Outcome()
    for t in targets:
        try:
            r = remove_target(ctx, t, with_cache_notes=with_cache_notes)
        except disk.RefusedRemoval as e:
            on_refused(e.reason)
            out.ok = False
            continue
        except KeyboardInterrupt:
            raise Interrupted(interrupted_state(t)) from None
        out.removed_any = True
        out.freed_bytes += r.freed_bytes
        out.ok = out.ok and r.ok and r.leftover is None
        on_removed(r)
    return out


def interrupted_state(t: Target) -> str:
    """What an interruption left: the environment intact, or a hidden leftover."""
    if os.path.lexists(t.env.prefix):
        return f"interrupted: {t.name} is still at {t.env.prefix}"
    name = os.path.basename(str(t.real_prefix))
    left = [p for p in disk.find_leftovers([t.parent]) if disk.leftover_name(p) == name]
    if not left:
        return f"interrupted: {t.name} was removed"
    return (f"interrupted: {t.name} is gone from the list; what is left is hidden in {left[-1]} "
            "and the next `pyswitch uninstall` or `pyswitch prune` finishes it")
