"""Prune: every environment nothing uses, and conda package-cache entries no env links to.

SPEC section 6 (`prune`). Users of an environment are: the specs of recorded projects' version
files, the global files (pyswitch's and pyenv's), PYSWITCH_VERSION, the selection here, and
venvs made from it that are themselves used. Recorded projects' `.venv`s and trusted venvs
count as used while they exist: pyswitch cannot remove them, and removing the interpreter
they were made from would break them. An environment inside another (a pyenv-virtualenv env
inside its version) keeps the outer one; a version whose envs are all unused is offered once,
with them. A library: returns plans and results, never prints or asks.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Set, Tuple

from pyswitch import conda_tools, disk
from pyswitch.backends import conda as conda_backend
from pyswitch.environment import Environment
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.conda_files import ARCHIVE_SUFFIXES, CacheEntry, stale_package_cache_entries
from pyswitch.conda_tools import CondaTool
from pyswitch.files import is_within
from pyswitch.safety import allowed_parents, refusal
from pyswitch.uninstall import Leftover, Target, find_leftover_entries, make_target
from pyswitch.usage import project_venvs, real, selected_environments, venv_home, version_files


@dataclass(frozen=True)
class CacheOffer:
    """The unused part of one conda package cache (ROOT/pkgs)."""

    root: Path
    pkgs: Path
    entries: Tuple[CacheEntry, ...]      # packages no env links to, largest first
    in_use_archives: Tuple[Path, ...]         # archives `conda clean --tarballs` deletes as well
    in_use_archive_bytes: int
    command: Optional[Tuple[str, ...]]        # `conda clean ...`; None: the entries are deleted here

    @property
    def entry_bytes(self) -> int:
        return sum(e.size_bytes for e in self.entries)

    @property
    def size_bytes(self) -> int:
        return self.entry_bytes + self.in_use_archive_bytes


@dataclass(frozen=True)
class CacheResult:
    offer: CacheOffer
    freed_bytes: int
    errors: Tuple[str, ...] = ()


@dataclass(frozen=True)
class PrunePlan:
    targets: Tuple[Target, ...]       # environments nothing uses, largest first
    caches: Tuple[CacheOffer, ...]    # with every target gone (what --yes would do)
    leftovers: Tuple[Leftover, ...]

    @property
    def env_bytes(self) -> int:
        return sum(t.size_bytes for t in self.targets)

    @property
    def cache_bytes(self) -> int:
        return sum(c.size_bytes for c in self.caches)


# ----------------------------------------------------------------------------- usage


def used_prefixes(ctx: Context, inv: Inventory) -> Set[str]:
    """Real prefixes of every environment something uses (see the module doc)."""
    envs: List[Environment] = inv.pyenv + inv.conda + inv.others
    used: Set[str] = set()
    for _file, _source, specs in version_files(ctx):
        for spec in specs:
            env = inv.resolve(spec)
            if env is not None:
                used.add(real(env.prefix))
    selected, _origin = selected_environments(ctx, inv)
    used.update(real(e.prefix) for e in selected if e.kind != "system")
    project_homes = [h for h in (venv_home(v) for v in project_venvs(ctx)) if h]
    venv_homes = {real(e.prefix): venv_home(e.prefix) for e in envs}  # None: not a venv
    while True:
        homes = project_homes + [h for r, h in venv_homes.items() if h and r in used]
        added = False
        for e in envs:
            r = real(e.prefix)
            if r in used:
                continue
            # a used environment inside it, or a used venv (or project venv) made from it
            if any(is_within(u, r) for u in used) or any(is_within(h, r) for h in homes):
                used.add(r)
                added = True
        if not added:
            return used


# ----------------------------------------------------------------------------- planning


def plan_prune(ctx: Context, inv: Optional[Inventory] = None) -> PrunePlan:
    inv = inv or Inventory(ctx)
    used = used_prefixes(ctx, inv)
    parents = allowed_parents(ctx)
    candidates: List[Environment] = []
    for e in inv.pyenv + inv.conda + inv.others:
        r = real(e.prefix)
        if r in used or refusal(ctx, e, parents) is not None:
            continue
        if any(real(c.prefix) == r for c in candidates):
            continue
        candidates.append(e)
    reals = [real(e.prefix) for e in candidates]
    # offered once: an unused env inside an unused version goes with the version
    candidates = [e for e, r in zip(candidates, reals) if not any(o != r and is_within(r, o) for o in reals)]
    reals = [real(e.prefix) for e in candidates]
    after = inv.without(reals)
    files = version_files(ctx)
    tool = conda_tools.find(ctx) if any(e.kind == "conda" for e in candidates) else None
    targets = [make_target(ctx, inv, e, after, files, False, tool) for e in candidates]
    targets.sort(key=lambda t: (-t.size_bytes, t.name))
    caches = plan_caches(ctx, inv, excluding=reals)
    return PrunePlan(tuple(targets), tuple(caches), tuple(find_leftover_entries(ctx)))


def _archives(pkgs: Path) -> List[Path]:
    try:
        with os.scandir(pkgs) as it:
            return sorted(Path(e.path) for e in it
                          if e.name.endswith(ARCHIVE_SUFFIXES) and e.is_file(follow_symlinks=False))
    except OSError:
        return []


def clean_command(tool: Optional[CondaTool], root: Path) -> Optional[Tuple[str, ...]]:
    """`conda clean --packages --tarballs -y` when the tool found manages this root's cache."""
    if tool is None or tool.root is None or real(tool.root) != real(root):
        return None
    return (str(tool.path), "clean", "--packages", "--tarballs", "-y")


def plan_caches(ctx: Context, inv: Inventory, excluding: Sequence[str] = ()) -> List[CacheOffer]:
    """Unused entries of each conda root's pkgs/, as if the envs at ``excluding`` were gone.

    Every known conda env (of any root) is checked for links, so a package an env of another
    installation links to is never offered.
    """
    remaining = [e.prefix for e in inv.conda if not any(is_within(real(e.prefix), x) for x in excluding)]
    tool = conda_tools.find(ctx)
    offers = []
    seen: Set[str] = set()
    for root in conda_backend.conda_roots(ctx):
        pkgs = root / "pkgs"
        if not pkgs.is_dir() or real(pkgs) in seen:
            continue
        seen.add(real(pkgs))
        stale = stale_package_cache_entries(root, remaining, gone=excluding)
        command = clean_command(tool, root)
        extra: List[Path] = []
        if command is not None:  # --tarballs deletes the archives of packages in use too
            mine = {a for s in stale for a in s.archives}
            extra = [a for a in _archives(pkgs) if a not in mine]
        offer = CacheOffer(root, pkgs, tuple(stale), tuple(extra),
                           sum(disk.file_bytes(a) for a in extra), command)
        if offer.entries or offer.in_use_archives:
            offers.append(offer)
    return offers


# ----------------------------------------------------------------------------- cleaning


def clean_cache(ctx: Context, offer: CacheOffer) -> CacheResult:
    """Free one offer: through conda where it manages this cache, else delete exactly its entries."""
    if offer.command is not None:
        return _clean_with_conda(ctx, offer)
    freed, errors = 0, []
    pkgs_real = real(offer.pkgs)
    for entry in offer.entries:
        if entry.path is not None:
            try:
                res = disk.remove_tree(entry.path, parent_must_be=[offer.pkgs])
            except disk.RefusedRemoval as e:
                errors.append(e.reason)
                continue
            freed += res.freed_bytes
            errors.extend(res.errors)
            if res.leftover is not None:
                continue  # keep its archives: conda can still use them to re-extract
        for archive in entry.archives:
            if os.path.islink(archive) or os.path.dirname(real(archive)) != pkgs_real:
                errors.append(f"refusing to delete {archive}: not a file directly in {offer.pkgs}")
                continue
            size = disk.file_bytes(archive)
            try:
                os.unlink(archive)
                freed += size
            except FileNotFoundError:
                pass
            except OSError as e:
                errors.append(f"{archive}: {e.strerror or e}")
    return CacheResult(offer, freed, tuple(errors))


def _clean_with_conda(ctx: Context, offer: CacheOffer) -> CacheResult:
    before = disk.tree_size(offer.pkgs)
    argv = list(offer.command or ())
    errors: List[str] = []
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", env=dict(ctx.environ))
        if proc.returncode != 0:
            last = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or [""]
            errors.append(f"{Path(argv[0]).name} clean failed (exit {proc.returncode}): {last[0]}".rstrip(": "))
    except OSError as e:
        errors.append(f"cannot run {argv[0]}: {e.strerror or e}")
    try:
        after = disk.tree_size(offer.pkgs)
    except OSError:
        after = 0
    return CacheResult(offer, max(0, before - after), tuple(errors))
