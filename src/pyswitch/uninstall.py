"""Uninstall: which environment a spec names, what removing it frees and what it breaks.

SPEC section 7. A library: `plan_uninstall` resolves every spec to exactly one environment and
checks every refusal (safety.py) before anything is touched, and returns the plan with its
dependents (usage.py) and honest sizes; removal.py carries it out; the click layer renders it
and asks for confirmation.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from pyswitch import conda_tools, disk
from pyswitch.backends import installers
from pyswitch.backends.system import find_on_path
from pyswitch.environment import Environment, Kind
from pyswitch.errors import PyswitchError
from pyswitch.files import is_within
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.safety import allowed_parents, leftover_folders, refusal
from pyswitch.spec import check_token, parse_spec, prefix_matches, shown, without_python_prefix
from pyswitch.usage import (PinFile, PinUse, VenvUse, pins_of, real, selected_environments, short_links,
                            venvs_of, version_files)


@dataclass(frozen=True)
class Target:
    """One environment to remove, with everything the report says about it."""

    env: Environment
    real_prefix: Path         # symlinks resolved; what is actually deleted
    parent: Path              # the folder it must sit directly in
    size_bytes: int           # honest bytes removing it frees (disk.tree_size)
    pins: Tuple[PinUse, ...] = ()
    venvs: Tuple[VenvUse, ...] = ()
    selected: bool = False
    tool_command: Optional[Tuple[str, ...]] = None  # removed by its own tool (conda, uv, mise, asdf); None: here
    links: Tuple[Path, ...] = ()  # pyenv-virtualenv short-name symlinks in versions/ pointing into it

    @property
    def name(self) -> str:
        return self.env.name


@dataclass(frozen=True)
class Leftover:
    """The rest of an interrupted removal: a `.pyswitch-removing-*` entry."""

    path: Path
    name: str                 # what was being removed (`3.8.18`)
    size_bytes: int
    spec: str = ""            # the spec that named it (`3.8.18`, `3.8.18/envs/web`, `conda:ml`)


@dataclass(frozen=True)
class UninstallPlan:
    targets: Tuple[Target, ...]
    leftovers: Tuple[Leftover, ...]

    @property
    def total_bytes(self) -> int:
        return sum(t.size_bytes for t in self.targets)


class NothingToRemove(PyswitchError):
    """The spec names nothing installed (an interrupted removal of it may still be finished)."""


def resolve_one(inv: Inventory, token: str) -> Environment:
    """The one environment a spec names; a prefix matching several versions is refused."""
    check_token(token)
    spec = parse_spec(token)
    if spec.kind == "name":
        name = spec.name
        exact = [e for e in inv.pyenv if e.name == name]
        if not exact and name not in inv.short_names:
            bare = without_python_prefix(name) or name
            matches = prefix_matches(bare, inv.version_names)
            if len(matches) > 1:
                listed = ", ".join(reversed(matches))  # oldest first
                raise PyswitchError(f"'{token}' matches several installed versions: {listed}; "
                                    "name the one to remove exactly")
    env = inv.resolve(token)
    if env is not None and env.kind in installers.BY_KIND and env.name != token:
        asked = spec.name if spec.kind == env.kind else without_python_prefix(spec.name) or spec.name
        matches = prefix_matches(asked, inv.installer_names(env.kind))
        if len(matches) > 1:
            listed = ", ".join(f"{env.kind}:{m}" for m in reversed(matches))
            raise PyswitchError(f"'{token}' matches several installed versions: {listed}; "
                                "name the one to remove exactly")
    if env is None:
        names = [e.name for e in inv.pyenv] + [e.name for e in inv.conda if not e.shadowed]
        near = inv.closest(token)
        installed = ", ".join(near) if near else ("none" if not names else ", ".join(names[:5]))
        raise NothingToRemove(f"version '{shown(token)}' is not installed; installed: {installed}")
    return env


def make_target(ctx: Context, inv: Inventory, env: Environment, after: Inventory, files: List[PinFile],
                selected: bool, tool: Optional[conda_tools.CondaTool]) -> Target:
    gone = real(env.prefix)
    try:
        size = disk.tree_size(Path(gone))
    except OSError:
        size = 0
    command = None
    conda = (tool or conda_tools.of_root(env)) if env.kind == Kind.CONDA else None
    if conda is not None:
        command = conda_tools.conda_remove_command(conda, env)
    elif env.kind in installers.BY_KIND:  # uv, mise and asdf remove their own, where they are on PATH
        owner = installers.BY_KIND[env.kind]
        found = find_on_path(ctx, owner.tool)
        command = owner.remove(str(found), env) if found is not None else None
    return Target(
        env=env, real_prefix=Path(gone), parent=Path(os.path.dirname(gone)), size_bytes=size,
        pins=tuple(pins_of(inv, after, gone, files)),
        venvs=tuple(venvs_of(ctx, inv, gone)),
        selected=selected, tool_command=command,
        links=tuple(short_links(ctx, gone)),
    )


def find_leftover_entries(ctx: Context) -> List[Leftover]:
    out = []
    versions = real(ctx.pyenv_versions)
    for path in disk.find_leftovers(leftover_folders(ctx)):
        try:
            size = disk.tree_size(path)
        except OSError:
            size = 0
        name = disk.leftover_name(path)
        parent = real(path.parent)
        if parent == versions:
            spec = name
        elif os.path.dirname(os.path.dirname(parent)) == versions and os.path.basename(parent) == "envs" \
                and not os.path.isdir(os.path.join(os.path.dirname(parent), "conda-meta")):
            spec = f"{os.path.basename(os.path.dirname(parent))}/envs/{name}"
        elif os.path.basename(parent) == "envs":
            spec = f"conda:{name}"
        else:
            spec = installer_spec(ctx, parent, name)  # "" for a package-cache entry
        out.append(Leftover(path, name, size, spec))
    return out


def installer_spec(ctx: Context, parent: str, folder_name: str) -> str:
    """The spec of a uv, mise or asdf Python whose removal left `folder_name` in `parent`."""
    for installer in installers.INSTALLERS:
        if real(installer.folder(ctx)) == parent:
            version = installer.name_of(folder_name)
            return installer.spec(version) if version else ""
    return ""


def _names_leftover(token: str, spec: str) -> bool:
    """Whether `uninstall TOKEN` names this leftover: its spec, or a prefix of it."""
    return bool(spec) and (spec == token or spec.startswith(token + "."))


def plan_uninstall(ctx: Context, specs: Sequence[str], force: bool = False,
                   inv: Optional[Inventory] = None) -> UninstallPlan:
    """Resolve every spec and check every refusal before anything is touched."""
    if not specs:
        raise PyswitchError("name at least one environment to uninstall, e.g.: pyswitch uninstall 3.8.18")
    inv = inv or Inventory(ctx)
    parents = allowed_parents(ctx)
    leftovers = find_leftover_entries(ctx)
    chosen: List[Environment] = []
    for token in specs:
        try:
            env = resolve_one(inv, token)
        except NothingToRemove:
            if any(_names_leftover(token, lo.spec) for lo in leftovers):
                continue  # an interrupted removal of it: finished below, by the same spec
            raise
        why = refusal(ctx, env, parents)
        if why:
            raise PyswitchError(why)
        if all(real(env.prefix) != real(c.prefix) for c in chosen):
            chosen.append(env)
    # an environment inside another one being removed goes with it
    reals = [real(e.prefix) for e in chosen]
    chosen = [e for e, r in zip(chosen, reals) if not any(o != r and is_within(r, o) for o in reals)]
    reals = [real(e.prefix) for e in chosen]

    selected, origin = selected_environments(ctx, inv)
    selected_in: Dict[str, Environment] = {}
    for s in selected:
        if s.kind == "system":
            continue
        for r in reals:
            if is_within(real(s.prefix), r):
                selected_in.setdefault(r, s)
    if not force:
        for e, r in zip(chosen, reals):
            s = selected_in.get(r)
            if s is None:
                continue
            what = ("it is the selected environment here" if real(s.prefix) == r
                    else f"it holds {s.name}, the selected environment here")
            raise PyswitchError(f"refusing to uninstall '{e.name}': {what} (set by {origin}); "
                                "pass --force to remove it anyway")

    after = inv.without(reals)
    files = version_files(ctx)
    tool = conda_tools.find(ctx) if any(e.kind == Kind.CONDA for e in chosen) else None
    targets = tuple(make_target(ctx, inv, e, after, files, r in selected_in, tool)
                    for e, r in zip(chosen, reals))
    # every interrupted removal is finished too: each was already hidden and reported, and the
    # message that reported it promised the next uninstall or prune
    return UninstallPlan(targets, tuple(leftovers))
