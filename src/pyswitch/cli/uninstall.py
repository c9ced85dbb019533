"""`pyswitch uninstall`: show what removing environments frees and breaks, ask, remove, report."""
from __future__ import annotations

import sys
from typing import List, Sequence

import click

from pyswitch.cli.complete import complete_installed

from pyswitch.cli.common import context, warn
from pyswitch.errors import PyswitchError

_PIN_LABELS = {"project": "pinned by", "global": "global file", "pyenv-global": "pyenv global",
               "shell": "shell"}


def human(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    value = n / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def size_text(n: int) -> str:
    """Human units and the exact figure: `1.2 GiB (1288490188 bytes)`."""
    return f"{human(n)} ({n} bytes)"


def target_lines(t) -> List[str]:
    env = t.env
    lines = [f"{t.name}  ({env.kind}, python {env.python_version or 'unknown'})"]
    shown = str(env.prefix) + (f" -> {t.real_prefix}" if str(t.real_prefix) != str(env.prefix) else "")
    lines.append(f"  prefix:     {shown}")
    lines.append(f"  frees:      {size_text(t.size_bytes)}")
    if t.conda_command:
        lines.append(f"  removed by: {' '.join(t.conda_command)}")
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


def report_leftovers(ctx, leftovers) -> tuple:
    """Finish interrupted removals and say what each freed; (freed bytes, all went)."""
    from pyswitch.uninstall import finish_leftovers

    freed, ok = 0, True
    for r in finish_leftovers(ctx, leftovers):
        if r.vanished:
            continue  # another pyswitch finished it meanwhile
        freed += r.freed_bytes
        click.echo(f"finished removing {r.leftover.name}: freed {size_text(r.freed_bytes)}")
        if r.remaining is not None:
            ok = False
            warn([f"could not delete everything in {r.remaining}: {'; '.join(r.errors)}; "
                  "the next `pyswitch uninstall` or `pyswitch prune` tries again"])
    return freed, ok


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
                     f"{size_text(note.size_bytes)} more ({note.entries} entries no env links to)")
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


def interrupted_line(t) -> str:
    """What an interruption left: the environment intact, or a hidden leftover."""
    import os

    from pyswitch import disk

    if os.path.lexists(t.env.prefix):
        return f"interrupted: {t.name} is still at {t.env.prefix}"
    name = os.path.basename(str(t.real_prefix))
    left = [p for p in disk.find_leftovers([t.parent]) if disk.leftover_name(p) == name]
    if not left:
        return f"interrupted: {t.name} was removed"
    return (f"interrupted: {t.name} is gone from the list; what is left is hidden in {left[-1]} "
            "and the next `pyswitch uninstall` or `pyswitch prune` finishes it")


def remove_all(ctx, targets: Sequence, with_cache_notes: bool = True) -> tuple:
    """Remove targets in order; (freed bytes, all went well, anything removed)."""
    from pyswitch import disk
    from pyswitch.uninstall import remove_target

    freed, ok, removed_any = 0, True, False
    for t in targets:
        try:
            r = remove_target(ctx, t, with_cache_notes=with_cache_notes)
        except disk.RefusedRemoval as e:
            warn([e.reason])
            ok = False
            continue
        except KeyboardInterrupt:
            warn([interrupted_line(t)])
            click.get_current_context().exit(130)
        removed_any = True
        freed += r.freed_bytes
        for line in removed_lines(r):
            click.echo(line)
        problems = removal_problems(r)
        if problems:
            ok = False
            warn(problems)
    return freed, ok, removed_any


def rehash_after(ctx) -> None:
    from pyswitch.uninstall import rehash

    problem = rehash(ctx)
    if problem:
        warn([problem])


@click.command("uninstall")
@click.argument("specs", nargs=-1, required=True, shell_complete=complete_installed)
@click.option("--dry-run", is_flag=True, help="Show the report and remove nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask; needed when stdin is not a terminal.")
@click.option("--force", is_flag=True, help="Also remove the environment selected here.")
def uninstall_command(specs, dry_run, yes, force):
    """Remove environments, after showing what it frees and what depends on them.

    Each SPEC must name exactly one environment: a pyenv version (3.8.18), a
    pyenv-virtualenv env (3.8.18/envs/web) or a conda env (conda:ml). A prefix such as
    3.8 that matches several versions is refused. The report shows the prefix, the bytes
    removal really frees (hard links from outside, such as conda's package cache, free
    nothing), projects and global files that pin it, and venvs made from it.

    \b
    Examples:
      pyswitch uninstall 3.8.18 --dry-run     # the report only
      pyswitch uninstall 3.8.18 conda:ml      # asks first (default no)
      pyswitch uninstall 3.7.17 --yes         # no question, e.g. in a script
    """
    from pyswitch.uninstall import plan_uninstall

    ctx = context()
    plan = plan_uninstall(ctx, specs, force=force)
    for line in leftover_lines(plan.leftovers, dry_run):
        click.echo(line)
    for t in plan.targets:
        for line in target_lines(t):
            click.echo(line)
    n = len(plan.targets)
    if n > 1:
        click.echo(f"total: {size_text(plan.total_bytes)}")
    if dry_run:
        click.echo("dry run: nothing was removed")
        return
    names = ", ".join(t.name for t in plan.targets)
    question = f"Remove {names}, freeing {human(plan.total_bytes)}?" if plan.targets else \
        "Finish the interrupted removal?"
    if not require_confirmation(yes, question, "uninstall"):
        raise PyswitchError("nothing was removed")
    left_freed, ok = report_leftovers(ctx, plan.leftovers)
    freed, removed_ok, _ = remove_all(ctx, plan.targets)
    freed += left_freed
    rehash_after(ctx)
    if n > 1:
        click.echo(f"freed {size_text(freed)} in total")
    if not (ok and removed_ok):
        sys.exit(1)
