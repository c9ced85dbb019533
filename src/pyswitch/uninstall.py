"""Uninstall: which environment a spec names, what removing it frees and breaks, and the removal.

SPEC section 7. A library: it returns plans and results, never prints and never asks; the
click layer (cli/uninstall.py, cli/prune.py) renders them and asks for confirmation.

Safety lives here, before anything is touched: `system`, conda base envs, anything whose real
path is not directly inside the pyenv versions folder, a `versions/V/envs` folder or a conda
envs folder (a symlinked environment is refused, never followed), and the environment this
process runs in are refused; the selected environment needs `force`. Removal renames the
environment out of the way in its own folder, then deletes it (disk.remove_tree), so an
interruption leaves either a usable environment or a hidden `.pyswitch-removing-*` leftover
that the next uninstall or prune finishes.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from pyswitch import disk, envvars, records
from pyswitch.backends import conda as conda_backend
from pyswitch.backends.system import find_on_path
from pyswitch.environment import Environment
from pyswitch.errors import PyswitchError
from pyswitch.files import FileLock
from pyswitch.inventory import Inventory
from pyswitch.paths import VERSION_FILE, Context
from pyswitch.pyversion import read_pyvenv_cfg
from pyswitch.selection import resolve, select
from pyswitch.spec import shown, check_token, parse_spec, prefix_matches, release_tuple, without_python_prefix
from pyswitch.version_file import read_pyswitch_version, read_version_file


# ----------------------------------------------------------------------------- values


@dataclass(frozen=True)
class PinUse:
    """A version file whose spec resolves to an environment that is going away."""

    file: str                 # the version file's path, or PYSWITCH_VERSION
    spec: str
    source: str               # "project", "global", "pyenv-global" or "shell"
    fallback: Optional[str]   # what the spec resolves to once it is gone; None: nothing


@dataclass(frozen=True)
class VenvUse:
    """A venv made from an environment that is going away."""

    path: Path
    name: str                 # the spec of a pyenv-virtualenv env, else the path
    inside: bool              # removed together with it (a pyenv-virtualenv env inside it)


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
    conda_command: Optional[Tuple[str, ...]] = None  # a conda env removed by conda; None: deleted here
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


# ----------------------------------------------------------------------------- helpers


def within(path: str, top: str) -> bool:
    """Whether ``path`` is ``top`` or below it (both already real paths)."""
    top = top.rstrip(os.sep) or os.sep
    return path == top or path.startswith(top if top.endswith(os.sep) else top + os.sep)


def real(path: "Path | str") -> str:
    return os.path.realpath(path)


def inventory_without(inv: Inventory, gone: Iterable[str]) -> Inventory:
    """The inventory as it will be once the environments at these real prefixes are gone.

    A conda env that was shadowed by a removed one becomes the one its name resolves to.
    """
    gone = list(gone)

    def keep(e: Environment) -> bool:
        return not any(within(real(e.prefix), g) for g in gone)

    after = Inventory(inv.ctx)
    after.probe = inv.probe
    # cached_property has no __set__: assigning fills the cache
    after.pyenv = [e for e in inv.pyenv if keep(e)]  # type: ignore[misc]
    names: Set[str] = set()
    conda_envs = []
    for e in inv.conda:
        if not keep(e):
            continue
        conda_envs.append(dataclasses.replace(e, shadowed=e.name in names))
        names.add(e.name)
    after.conda = conda_envs  # type: ignore[misc]
    after.venvs = [e for e in inv.venvs if keep(e)]  # type: ignore[misc]
    after.system = inv.system  # type: ignore[misc]
    after.short_names = inv.short_names  # type: ignore[misc]
    return after


def selected_environments(ctx: Context, inv: Inventory) -> Tuple[List[Environment], str]:
    """The environments the selection here uses (venv, primary, others), and what decided it."""
    sel = select(ctx)
    try:
        res = resolve(ctx, inv, sel)
        envs = list(res.environments) + [res.interpreter]
    except PyswitchError:  # a missing primary: the others may still be installed
        envs = [e for e in (inv.resolve(s) for s in sel.specs) if e is not None]
    return envs, sel.origin


def _is_running_in(prefix_real: str) -> bool:
    return any(within(real(p), prefix_real) for p in {sys.prefix, sys.base_prefix})


def allowed_parents(ctx: Context) -> List[str]:
    """Real paths of the folders an environment may be removed from.

    The pyenv versions folder, `versions/V/envs` of each real (not symlinked) version, the
    `envs/` folder of each conda root and `~/.conda/envs`.
    """
    out: List[str] = []
    versions = ctx.pyenv_versions
    if versions.is_dir():
        out.append(real(versions))
        try:
            names = sorted(os.listdir(versions))
        except OSError:
            names = []
        for n in names:
            p = versions / n
            if not p.is_symlink() and (p / "envs").is_dir() and not (p / "envs").is_symlink():
                out.append(real(p / "envs"))
    for root in conda_backend.conda_roots(ctx):
        if (root / "envs").is_dir():
            out.append(real(root / "envs"))
    home_envs = ctx.home / ".conda" / "envs"
    if home_envs.is_dir():
        out.append(real(home_envs))
    seen: Set[str] = set()
    return [p for p in out if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def leftover_folders(ctx: Context) -> List[Path]:
    """Where interrupted removals may have left `.pyswitch-removing-*` entries."""
    folders = [Path(p) for p in allowed_parents(ctx)]
    for root in conda_backend.conda_roots(ctx):
        pkgs = root / "pkgs"
        if pkgs.is_dir() and not pkgs.is_symlink():
            folders.append(pkgs)
    return folders


def is_base(env: Environment) -> bool:
    """A conda base env, including a conda installation in pyenv's versions."""
    return env.is_conda_base or (env.kind == "pyenv" and (env.prefix / "conda-meta").is_dir())


def refusal(ctx: Context, env: Environment, parents: Sequence[str]) -> Optional[str]:
    """Why this environment may never be removed (one line), or None."""
    if env.kind == "system":
        return f"refusing to uninstall 'system': pyswitch never removes the system Python ({env.prefix})"
    if is_base(env):
        extra = f"; use: pyenv uninstall {env.name}" if env.kind == "pyenv" else ""
        return (f"refusing to uninstall '{env.name}': {env.prefix} is a conda base env "
                f"(a whole conda installation){extra}")
    prefix = os.fspath(env.prefix)
    if os.path.islink(prefix):
        return (f"refusing to uninstall '{env.name}': {prefix} is a symlink to {real(prefix)}; "
                "pyswitch never follows it")
    if not os.path.isdir(prefix):
        return f"refusing to uninstall '{env.name}': {prefix} is not a folder"
    where = real(prefix)
    if os.path.dirname(where) not in parents:
        return (f"refusing to uninstall '{env.name}': its real path {where} is outside the pyenv "
                "versions folder and the conda envs folders")
    if _is_running_in(where):
        return f"refusing to uninstall '{env.name}': pyswitch itself runs from it ({sys.prefix})"
    return None


# ----------------------------------------------------------------------------- spec -> env


class NothingToRemove(PyswitchError):
    """The spec names nothing installed (an interrupted removal of it may still be finished)."""


def removal_lock(ctx: Context) -> FileLock:
    """Held around each removal, so that two at once never delete or count the same files:
    the second finds the first's work done. Dropped by the kernel if its holder dies."""
    return FileLock(ctx.root / ".remove-lock", timeout=3600)


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
    if env is None:
        names = [e.name for e in inv.pyenv] + [e.name for e in inv.conda if not e.shadowed]
        near = inv.closest(token)
        installed = ", ".join(near) if near else ("none" if not names else ", ".join(names[:5]))
        raise NothingToRemove(f"version '{shown(token)}' is not installed; installed: {installed}")
    return env


# ----------------------------------------------------------------------------- dependents


def _version_files(ctx: Context) -> List[Tuple[str, str, Tuple[str, ...]]]:
    """(file, source, specs) for recorded projects, the global files and PYSWITCH_VERSION."""
    out = []
    for project in records.read_paths(ctx.projects_file):
        f = Path(project) / VERSION_FILE
        if f.is_file():
            out.append((str(f), "project", read_version_file(f).specs))
    for f, source in ((ctx.global_file, "global"), (ctx.pyenv_global_file, "pyenv-global")):
        if f.is_file():
            out.append((str(f), source, read_version_file(f).specs))
    value = ctx.environ.get(envvars.PYSWITCH_VERSION)
    if value and value.strip():
        out.append((envvars.PYSWITCH_VERSION, "shell", read_pyswitch_version(value, envvars.PYSWITCH_VERSION).specs))
    return out


def project_venvs(ctx: Context) -> List[Path]:
    """Venvs of recorded projects and trusted venvs that exist, each once (by real path)."""
    found: Dict[str, Path] = {}
    for project in records.read_paths(ctx.projects_file):
        v = Path(project) / ctx.venv_dir
        if (v / "pyvenv.cfg").is_file():
            found.setdefault(real(v), v)
    for venv in records.read_paths(ctx.trust_file):
        v = Path(venv)
        if (v / "pyvenv.cfg").is_file():
            found.setdefault(real(v), v)
    return list(found.values())


def venv_home(prefix: Path) -> Optional[str]:
    """Real path of the `home` a venv's pyvenv.cfg names, or None."""
    home = read_pyvenv_cfg(prefix).get("home")
    return real(home) if home else None


def _pins_of(ctx: Context, inv: Inventory, after: Inventory, gone: str,
             files: List[Tuple[str, str, Tuple[str, ...]]]) -> List[PinUse]:
    uses = []
    for file, source, specs in files:
        for spec in specs:
            env = inv.resolve(spec)
            if env is None or not within(real(env.prefix), gone):
                continue
            fallback = after.resolve(spec)
            uses.append(PinUse(file, spec, source, fallback.name if fallback else None))
    return uses


def _venvs_of(ctx: Context, inv: Inventory, env: Environment, gone: str) -> List[VenvUse]:
    out: Dict[str, VenvUse] = {}
    for e in inv.pyenv:
        r = real(e.prefix)
        if r == gone or e.kind != "virtualenv":
            continue
        if within(r, gone):
            out[r] = VenvUse(e.prefix, e.name, True)
            continue
        home = venv_home(e.prefix)
        if home and within(home, gone):
            out[r] = VenvUse(e.prefix, e.name, False)
    for v in project_venvs(ctx):
        home = venv_home(v)
        r = real(v)
        if r not in out and home and within(home, gone) and not within(r, gone):
            out[r] = VenvUse(v, str(v), False)
    return list(out.values())


def _short_links(ctx: Context, gone: str) -> List[Path]:
    """pyenv-virtualenv's `versions/NAME` symlinks that point into an environment."""
    links = []
    try:
        names = sorted(os.listdir(ctx.pyenv_versions))
    except OSError:
        return links
    for n in names:
        p = ctx.pyenv_versions / n
        if p.is_symlink() and within(real(p), gone):
            links.append(p)
    return links


# ----------------------------------------------------------------------------- conda tool


@dataclass(frozen=True)
class CondaTool:
    path: Path
    kind: str               # "conda", "mamba" or "micromamba"
    root: Optional[Path]    # the installation it manages by name, when known


def find_conda_tool(ctx: Context) -> Optional[CondaTool]:
    """conda, mamba or micromamba: CONDA_EXE, MAMBA_EXE, then PATH (after the shims), in that order."""
    candidates: List[Path] = []
    for var in (envvars.CONDA_EXE, envvars.MAMBA_EXE):
        value = ctx.environ.get(var)
        if value:
            candidates.append(Path(value))
    for name in ("conda", "mamba", "micromamba"):
        found = find_on_path(ctx, name)
        if found is not None:
            candidates.append(found)
    for path in candidates:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        kind = "micromamba" if "micromamba" in path.name else ("mamba" if "mamba" in path.name else "conda")
        if kind == "micromamba":
            value = ctx.environ.get("MAMBA_ROOT_PREFIX")
            root = Path(value) if value else None
        else:
            root = path.parent.parent  # ROOT/bin/conda or ROOT/condabin/conda
        return CondaTool(path, kind, root)
    return None


def conda_remove_command(tool: CondaTool, env: Environment) -> Tuple[str, ...]:
    """`env remove -n NAME -y` for an env of the tool's own installation, else `-p PREFIX`."""
    by_name = (
        tool.root is not None
        and not env.shadowed
        and env.name.startswith("conda:")
        and real(env.prefix.parent) == real(tool.root / "envs")
    )
    if by_name:
        return (str(tool.path), "env", "remove", "-n", env.name[len("conda:"):], "-y")
    return (str(tool.path), "env", "remove", "-p", str(env.prefix), "-y")


# ----------------------------------------------------------------------------- planning


def make_target(ctx: Context, inv: Inventory, env: Environment, after: Inventory,
                files: List[Tuple[str, str, Tuple[str, ...]]], selected: bool,
                tool: Optional[CondaTool]) -> Target:
    gone = real(env.prefix)
    try:
        size = disk.tree_size(Path(gone))
    except OSError:
        size = 0
    command = conda_remove_command(tool, env) if env.kind == "conda" and tool is not None else None
    return Target(
        env=env, real_prefix=Path(gone), parent=Path(os.path.dirname(gone)), size_bytes=size,
        pins=tuple(_pins_of(ctx, inv, after, gone, files)),
        venvs=tuple(_venvs_of(ctx, inv, env, gone)),
        selected=selected, conda_command=command,
        links=tuple(_short_links(ctx, gone)),
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
            spec = ""  # a package-cache entry
        out.append(Leftover(path, name, size, spec))
    return out


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
            if any(lo.spec == token for lo in leftovers):
                continue  # an interrupted removal of it: finished below, by the same spec
            raise
        why = refusal(ctx, env, parents)
        if why:
            raise PyswitchError(why)
        if all(real(env.prefix) != real(c.prefix) for c in chosen):
            chosen.append(env)
    # an environment inside another one being removed goes with it
    reals = [real(e.prefix) for e in chosen]
    chosen = [e for e, r in zip(chosen, reals) if not any(o != r and within(r, o) for o in reals)]
    reals = [real(e.prefix) for e in chosen]

    selected, origin = selected_environments(ctx, inv)
    selected_in: Dict[str, Environment] = {}
    for s in selected:
        if s.kind == "system":
            continue
        for r in reals:
            if within(real(s.prefix), r):
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

    after = inventory_without(inv, reals)
    files = _version_files(ctx)
    tool = find_conda_tool(ctx) if any(e.kind == "conda" for e in chosen) else None
    targets = tuple(make_target(ctx, inv, e, after, files, r in selected_in, tool)
                    for e, r in zip(chosen, reals))
    return UninstallPlan(targets, tuple(leftovers))


# ----------------------------------------------------------------------------- removal


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
        disk.atomic_rewrite_lines(ctx.conda_environments_txt,
                                  lambda line: disk.conda_env_line_matches(line, prefix))
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
    if target.conda_command is not None:
        removed = _remove_with_conda(ctx, target)
    else:
        res = disk.remove_tree(env.prefix, parent_must_be=[target.parent])
        if env.kind == "conda":
            _unlist_if_gone(ctx, env.prefix)
        removed = Removed(target, res.freed_bytes, res.leftover, tuple(res.errors))
    _drop_links(target.links)
    if with_cache_notes and env.kind == "conda" and not os.path.lexists(env.prefix):
        removed = dataclasses.replace(removed, cache=tuple(cache_notes(ctx, env)))
    return removed


def _remove_with_conda(ctx: Context, target: Target) -> Removed:
    env = target.env
    # refuse exactly as the direct path would, before conda is asked anything
    why = refusal(ctx, env, [str(target.parent)])
    if why:
        raise disk.RefusedRemoval(why)
    try:
        before = disk.tree_size(env.prefix)
    except OSError:
        before = 0
    argv = list(target.conda_command or ())
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
        # conda leaves files it did not install (caches, user files): finish the job safely
        res = disk.remove_tree(env.prefix, parent_must_be=[target.parent])
        leftover = res.leftover
        errors.extend(res.errors)
    if not os.path.lexists(env.prefix):
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
        stale = disk.stale_package_cache_entries(root, remaining)
        size = sum(s.size_bytes for s in stale)
        if stale:
            out.append(CacheNote(root / "pkgs", len(stale), size))
    return out


def rehash(ctx: Context) -> Optional[str]:
    """Rebuild the shims so removed commands disappear; a warning line, or None when done."""
    try:
        from pyswitch import shims
    except ImportError:
        return None  # shims not part of this build yet
    try:
        shims.rehash(ctx)
    except PyswitchError as e:
        return f"rehash failed: {e}"
    except OSError as e:
        return f"rehash failed: {e.strerror or e}"
    return None
