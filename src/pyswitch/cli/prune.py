"""`pyswitch prune`: offer every environment nothing uses and the conda cache nothing links to."""
from __future__ import annotations

import sys
from typing import List

import click

from pyswitch.cli.common import context, warn
from pyswitch.cli.removal_text import check_can_ask, leftover_lines, show_leftover, show_refused, show_removed
from pyswitch.units import count, human_bytes, size_text

_SHOWN_ENTRIES = 50


def env_lines(targets) -> List[str]:
    if not targets:
        return ["No environment is unused."]
    width = max(len(t.name) for t in targets)
    lines = ["Environments nothing uses (largest first):"]
    for t in targets:
        lines.append(f"  {t.name:<{width}}  {t.env.kind:<10}  {size_text(t.size_bytes)}  {t.env.prefix}")
        for v in t.venvs:
            lines.append(f"  {'':<{width}}  includes {v.name}" if v.inside else
                         f"  {'':<{width}}  venv made from it: {v.name} (stops working)")
    lines.append(f"  total: {size_text(sum(t.size_bytes for t in targets))}")
    return lines


def cache_lines(offer) -> List[str]:
    lines = [f"Conda package cache {offer.pkgs}: {count(len(offer.entries), 'entry', 'entries')} no env links to, "
             f"{size_text(offer.entry_bytes)}"]
    width = max((len(e.name) for e in offer.entries[:_SHOWN_ENTRIES]), default=0)
    for e in offer.entries[:_SHOWN_ENTRIES]:
        lines.append(f"  {e.name:<{width}}  {size_text(e.size_bytes)}")
    if len(offer.entries) > _SHOWN_ENTRIES:
        lines.append(f"  ... and {len(offer.entries) - _SHOWN_ENTRIES} more")
    if offer.command:
        lines.append(f"  removed by: {' '.join(offer.command)}")
        if offer.in_use_archives:
            lines.append(f"  which also deletes {count(len(offer.in_use_archives), 'archive')} of packages in use: "
                         f"{size_text(offer.in_use_archive_bytes)}")
    lines.append(f"  total: {size_text(offer.size_bytes)}")
    return lines


@click.command("prune")
@click.option("--dry-run", is_flag=True, help="Show what would be offered and remove nothing.")
@click.option("--yes", "-y", is_flag=True, help="Remove everything offered without asking.")
def prune_command(dry_run, yes):
    """Offer every environment nothing uses, largest first, and remove the ones you confirm.

    An environment is used when a recorded project's .python-version, the global file,
    PYSWITCH_VERSION or the selection here names it, or when a venv made from it is used.
    Never offered: system, conda base envs, the selected environment. Then offers the
    entries of each conda package cache (ROOT/pkgs) that no env links to any more.

    \b
    Examples:
      pyswitch prune --dry-run     # what is unused, with sizes and a total
      pyswitch prune               # asks for each one (default no)
      pyswitch prune --yes         # removes everything offered
    """
    from pyswitch import removal, shims
    from pyswitch.inventory import Inventory
    from pyswitch.prune import clean_cache, plan_caches, plan_prune

    ctx = context()
    plan = plan_prune(ctx)
    for line in leftover_lines(plan.leftovers, dry_run) + env_lines(plan.targets):
        click.echo(line)
    if dry_run:
        if plan.caches and plan.targets:
            click.echo("(package caches as they will be once the environments above are gone)")
        for offer in plan.caches:
            for line in cache_lines(offer):
                click.echo(line)
        if not plan.caches:
            click.echo("No conda package-cache entry is unused" +
                       (" (once the environments above are gone)." if plan.targets else "."))
        everything = plan.env_bytes + plan.cache_bytes + sum(lo.size_bytes for lo in plan.leftovers)
        click.echo(f"prune --yes would free {size_text(everything)} in all")
        click.echo("dry run: nothing was removed")
        return
    if not (plan.targets or plan.caches or plan.leftovers):
        click.echo("Nothing to prune.")
        return
    check_can_ask(yes, "prune")
    finished = removal.finish_all(ctx, plan.leftovers, show_leftover)
    chosen = [t for t in plan.targets
              if yes or click.confirm(f"Remove {t.name} ({human_bytes(t.size_bytes)})?", default=False)]
    done = removal.remove_all(ctx, chosen, show_removed, show_refused, with_cache_notes=False)  # offered below
    freed = finished.freed_bytes + done.freed_bytes
    ok = finished.ok and done.ok
    offers = plan_caches(ctx, Inventory(ctx))  # afresh: removed envs may have freed more
    for offer in offers:
        for line in cache_lines(offer):
            click.echo(line)
        if not (yes or click.confirm(f"Clean {offer.pkgs} ({human_bytes(offer.size_bytes)})?", default=False)):
            continue
        res = clean_cache(ctx, offer)
        freed += res.freed_bytes
        click.echo(f"cleaned {offer.pkgs}: freed {size_text(res.freed_bytes)}")
        if res.errors:
            ok = False
            warn(res.errors)
    if done.removed_any:
        warn([p for p in [shims.rehash_after_change(ctx)] if p])
    click.echo(f"freed {size_text(freed)} in total")
    if not ok:
        sys.exit(1)
