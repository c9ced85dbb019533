"""Conda envs: folders holding conda-meta/, under each root's envs/ and in ~/.conda/environments.txt."""
from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import List, Set

from pyswitch.environment import Environment
from pyswitch.paths import Context
from pyswitch.pyversion import VersionProbe, from_conda_meta, python_in


def is_conda_env(prefix: "str | Path") -> bool:
    return os.path.isdir(os.path.join(prefix, "conda-meta"))


def conda_roots(ctx: Context) -> List[Path]:
    """Roots in SPEC order: CONDA_EXE's, configured, pyenv's conda installations, usual places."""
    candidates = list(ctx.configured_conda_roots())
    try:
        pyenv_names = sorted(n for n in os.listdir(ctx.pyenv_versions) if not n.startswith("."))
    except OSError:
        pyenv_names = []
    versions = str(ctx.pyenv_versions)
    candidates += [ctx.pyenv_versions / n for n in pyenv_names if is_conda_env(os.path.join(versions, n))]
    candidates += list(ctx.usual_conda_roots())
    roots, seen = [], set()
    for root in candidates:
        real = os.path.realpath(root)
        if real in seen or not (is_conda_env(real) or os.path.isdir(os.path.join(real, "envs"))):
            continue
        seen.add(real)
        roots.append(root)
    return roots


def environments_txt(ctx: Context) -> List[Path]:
    try:
        data = ctx.conda_environments_txt.read_bytes()[:1 << 20]
    except OSError:
        return []
    out = []
    for raw in data.splitlines():
        line = raw.decode("utf-8", "surrogateescape").strip()
        if line and not line.startswith("#") and os.path.isabs(line):
            out.append(Path(line))
    return out


def _env(name: str, prefix: "str | Path", root: "Path | None", base: bool, seen_names: Set[str]) -> Environment:
    shadowed = name in seen_names
    seen_names.add(name)
    prefix = os.fspath(prefix)
    return Environment(f"conda:{name}", "conda", Path(prefix), from_conda_meta(prefix) or None,
                       Path(prefix + "/bin"), shadowed=shadowed, conda_root=root, is_conda_base=base)


def discover(ctx: Context, probe: VersionProbe) -> List[Environment]:
    envs: List[Environment] = []
    names: Set[str] = set()
    for root in conda_roots(ctx):
        if is_conda_env(root):
            envs.append(_env("base", root, root, True, names))
        envs_dir = os.path.join(root, "envs")  # strings until an Environment is made: every command runs this
        try:
            children = sorted(n for n in os.listdir(envs_dir) if not n.startswith("."))
        except OSError:
            children = []
        for n in children:
            prefix = os.path.join(envs_dir, n)
            if is_conda_env(prefix):
                envs.append(_env(n, prefix, root, False, names))
    listed = environments_txt(ctx)
    seen_prefixes: Set[str] = {os.path.realpath(e.prefix) for e in envs} if listed else set()
    for prefix in listed:
        real = os.path.realpath(prefix)
        if real in seen_prefixes or not is_conda_env(prefix):
            continue
        seen_prefixes.add(real)
        root = prefix.parent.parent if prefix.parent.name == "envs" else None
        envs.append(_env(prefix.name, prefix, root, False, names))
    # conda-meta usually says the version; an env without python-*.json has no python to run
    out = []
    for e in envs:
        if e.python_version is None:
            py = python_in(e.bin_dir)
            if py:
                e = e._replace(python_version=probe.version_of(py))
        out.append(e)
    return out
