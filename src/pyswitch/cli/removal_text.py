"""What `uninstall` and `prune` show and ask: the report of a plan, and each result as it comes."""
from __future__ import annotations

import sys
from typing import List

import click

from pyswitch.cli.common import warn
from pyswitch.errors import PyswitchError
from pyswitch.units import count, size_text

_PIN_LABELS = {"project": "pinned by", "global": "global file", "pyenv-global": "pyenv global",
               "shell": "shell"}


def target_lines(t) -> List[str]:
    env = t.env
    lines = [f"{t.name}  ({env.kind}, python {env.python_version or 'unknown'})"]
    shown = str(env.prefix) + (f" -> {t.real_prefix}" if str(t.real_prefix) != str(env.prefix) else "")
    lines.append(f"  prefix:     {shown}")
    lines.append(f"  frees:      {size_text(t.size_bytes)}")
    if t.tool_command:
        lines.append(f"  removed by: {' '.join(t.tool_command)}")
    if t.selected:
        lines.append("  selected:   it is (or holds) the selected environment here; removing it (--force)")
    for p in t.pins:
        after = f"falls back to {p.fallback}" if p.fallback else "will name nothing installed"
        lines.append(f"  {_PIN_LABELS.get(p.source, p.source) + ':':<11} {p.file} ('{p.spec}' {after})")
    for v in t.venvs:
        what = "removed with it" if v.inside else "made from it; stops working"
        lines.append(f"  venv:       {v.name} ({what})")
    if not t.pins and not t.venvs:
        lines.append("  used by:    nothing pyswitch knows of")
    return lines


def leftover_lines(leftovers, dry_run: bool) -> List[str]:
    if not leftovers:
        return []
    verb = "would finish" if dry_run else "finishing"
    lines = [f"Interrupted removals ({verb}):"]
    for lo in leftovers:
        lines.append(f"  {lo.name}: {lo.path}  {size_text(lo.size_bytes)}")
    return lines


def show_leftover(r) -> None:
    """One finished interrupted removal (removal.finish_all's callback)."""
    if r.vanished:
        click.echo(f"{r.leftover.name} is already gone (another pyswitch removed it); nothing more to free")
        return
    click.echo(f"finished removing {r.leftover.name}: freed {size_text(r.freed_bytes)}")
    if r.remaining is not None:
        warn([f"could not delete everything in {r.remaining}: {'; '.join(r.errors)}; "
              "the next `pyswitch uninstall` or `pyswitch prune` tries again"])


def show_removed(r) -> None:
    """One removed environment (removal.remove_all's callback)."""
    for line in removed_lines(r):
        click.echo(line)
    warn(removal_problems(r))


def show_refused(reason: str) -> None:
    warn([reason])


def check_can_ask(yes: bool, what: str) -> None:
    """Without --yes a question must be asked; with no TTY to ask on, refuse (exit 1)."""
    if not yes and not sys.stdin.isatty():
        raise PyswitchError(f"refusing to {what} without confirmation: stdin is not a terminal; "
                            "pass --yes to go ahead (or --dry-run to see the report only)")


def require_confirmation(yes: bool, question: str, what: str) -> bool:
    """--yes, or a TTY and a yes (default no)."""
    check_can_ask(yes, what)
    return yes or click.confirm(question, default=False)


def removed_lines(r) -> List[str]:
    if r.already_gone:
        return [f"{r.target.name} is already gone (another pyswitch removed it); nothing more to free"]
    lines = [f"removed {r.target.name}: freed {size_text(r.freed_bytes)}"]
    for note in r.cache:
        lines.append(f"  conda package cache {note.pkgs}: `pyswitch prune` would free "
                     f"{size_text(note.size_bytes)} more ({count(note.entries, 'entry', 'entries')} no env links to)")
    return lines


def removal_problems(r) -> List[str]:
    out = []
    if r.leftover is not None:
        out.append(f"could not delete everything of {r.target.name}: {'; '.join(r.errors)}; "
                   f"what is left is hidden in {r.leftover} and the next `pyswitch uninstall` "
                   "or `pyswitch prune` finishes it")
    elif r.errors:
        out.append(f"{r.target.name}: {'; '.join(r.errors)}")
    return out
