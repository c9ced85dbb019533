"""Rehash: one shim per command of every environment, in $PYSWITCH_ROOT/shims (SPEC section 4).

The shim itself is `shims/shim.sh` (shipped as `pyswitch.shim_source`), filled in with the
path of the resolution cache and of this interpreter; what it looks up is resolve_cache's.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Set, Tuple

from pyswitch import resolve_cache
from pyswitch.executables import commands_of
from pyswitch.files import FileLock, atomic_write
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.quoting import sh_quote

SHIM_TEMPLATE = "shim.sh"


def shim_source() -> str:
    import pyswitch.shim_source as src
    return (Path(src.__file__).parent / SHIM_TEMPLATE).read_text()


def render_shim(ctx: Context) -> str:
    return (shim_source().replace("@CACHE@", sh_quote(str(resolve_cache.cache_file(ctx, "sh"))))
            .replace("@PYTHON@", sh_quote(sys.executable)))


def wanted_commands(inv: Inventory) -> Set[str]:
    names: Set[str] = set()
    for e in inv.pyenv + inv.conda + inv.venvs + inv.others:
        names.update(c for c in commands_of(e) if _safe_name(c))
    return names


def _safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and name not in (".", "..") and not any(ord(c) < 32 for c in name)


@dataclass(frozen=True)
class RehashResult:
    added: Tuple[str, ...]
    removed: Tuple[str, ...]
    total: int


def lock_file(ctx: Context) -> Path:
    return ctx.root / ".rehash-lock"


def rehash(ctx: Context, inv: Optional[Inventory] = None) -> RehashResult:
    """Make one shim per command of every environment; drop shims nothing provides any more.

    Under a lock, so that two rehashes at once each either do the work or find it done; every
    shim is written to a temporary name and renamed, so a running shim never reads half of one.
    """
    started = resolve_cache.read_since(ctx)  # a bin changed while this runs is newer
    inv = inv or Inventory(ctx)
    shims = ctx.shims_dir
    shims.mkdir(parents=True, exist_ok=True)
    body = render_shim(ctx)
    wanted = wanted_commands(inv)
    with FileLock(lock_file(ctx)):
        existing = {n for n in os.listdir(shims) if not n.startswith(".")}
        added = []
        for name in sorted(wanted):
            target = shims / name
            if name in existing and _same(target, body):
                continue
            atomic_write(target, body, mode=0o755)
            if name not in existing:
                added.append(name)
        removed = sorted(existing - wanted)
        for name in removed:
            try:
                (shims / name).unlink()
            except FileNotFoundError:
                pass
        for leftover in shims.glob(".*.tmp"):  # only a rehash killed mid-write leaves these
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass
    resolve_cache.write_cache(ctx, inv)
    atomic_write(resolve_cache.rehash_stamp(ctx), "", mtime_ns=started)
    return RehashResult(tuple(added), tuple(removed), len(wanted))


def _same(path: Path, body: str) -> bool:
    try:
        return path.read_text() == body
    except (OSError, UnicodeDecodeError):
        return False


def rehash_after_change(ctx: Context) -> Optional[str]:
    """After install, uninstall, prune or `local --venv`: rebuild the shims so new commands
    appear and removed ones go. The change stands when this fails; the line says what to do."""
    try:
        rehash(ctx)
    except OSError as e:
        return f"rebuilding the shims failed ({e.strerror or e}); run: pyswitch rehash"
    return None
