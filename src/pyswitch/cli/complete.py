"""Completion of installed environment names, for arguments that take a SPEC.

Wire one to a click argument with `shell_complete=`: `complete_specs` offers every spec that
selects something (system included), `complete_installed` only what uninstall may remove
(neither `system` nor a conda base env).
"""
from __future__ import annotations

from typing import List


def installed_names(removable_only: bool = False) -> List[str]:
    from pyswitch.inventory import Inventory
    from pyswitch.paths import Context

    return Inventory(Context.from_env()).spec_names(removable_only)


def _items(incomplete: str, removable_only: bool):
    from click.shell_completion import CompletionItem

    try:
        names = installed_names(removable_only)
    except Exception:  # a broken config must not break the user's Tab key
        return []
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


def complete_specs(ctx, param, incomplete: str):
    return _items(incomplete, removable_only=False)


def complete_installed(ctx, param, incomplete: str):
    return _items(incomplete, removable_only=True)
