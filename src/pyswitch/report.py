"""What `version`, `versions`, `which`, `exec`, `export` and `check` do and print, without click.

These are the commands a person waits for at a prompt, so they run from here both through the
click commands (cli/version.py, cli/which.py) and through entry.py's fast path, which skips
loading click where the command line is one of their plain forms (SPEC 9; issue 14's budget for
export and check). `out` and `err` take one line each.
"""
from __future__ import annotations

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Callable, Optional, Sequence

    Say = Callable[[str], None]

from pathlib import Path

from pyswitch.errors import BrokenEnvironment, PyswitchError
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import resolve, resolve_here



def version(ctx: Context, as_json: bool, out: Say, err: Say) -> None:
    inv = Inventory(ctx)
    res = resolve_here(ctx, inv, lambda w: err(f"pyswitch: {w}"))
    sel = res.selection
    if res.broken is not None:
        raise BrokenEnvironment(res.broken.line("python"))
    env = res.primary
    notes = list(res.warnings)
    if sel.empty:
        notes.append(f"{sel.origin} holds no usable version; using system")
    from pyswitch import legacy

    mismatch = ctx.here and legacy.requires_python_problem(ctx.here, env.python_version, res.interpreter.name)
    if mismatch:
        notes.append(f"warning: {mismatch}")
    for note in notes:
        err(f"pyswitch: {note}")
    if as_json:
        import json

        data = env.to_json()
        data["origin"] = sel.origin
        data["spec"] = sel.specs[0]
        out(json.dumps(data, indent=2))
        return
    shown = f"{res.interpreter.name} with venv {env.prefix}" if env.kind == "venv" else env.name
    out(f"{shown} ({sel.decided_by()})")
    out(f"  spec:    {' '.join(sel.specs)}")
    out(f"  name:    {env.name}")
    out(f"  kind:    {env.kind}")
    out(f"  python:  {env.python_version or 'unknown'}")
    out(f"  prefix:  {env.prefix}")


def versions(ctx: Context, as_json: bool, bare: bool, size: bool, out: Say) -> None:
    from pyswitch.legacy import is_eol

    inv = Inventory(ctx)
    envs = inv.all()
    if bare:
        for e in envs:
            out(e.name)
        return
    try:
        selected = resolve(ctx, inv).primary
    except PyswitchError:  # a missing pin must not stop the listing
        selected = None
    sizes = {}
    if size:
        from pyswitch import disk

        sizes = {e.prefix: disk.environment_bytes(e) for e in envs}
    if as_json:
        import json

        rows = []
        for e in envs:
            row = e.to_json()
            row["selected"] = e == selected
            row["shadowed"] = e.shadowed
            row["eol"] = is_eol(e.python_version)
            if size:
                row["size_bytes"] = sizes[e.prefix]
            rows.append(row)
        out(json.dumps(rows, indent=2))
        return
    from pyswitch.units import human_bytes

    width = max((len(e.name) for e in envs), default=0)
    for e in envs:
        mark = "*" if e == selected else " "
        cols = [f"{mark} {e.name:<{width}}", f"{e.kind:<10}", f"{e.python_version or '?':<8}"]
        if size:
            cols.append(f"{human_bytes(sizes[e.prefix]):>9}")
        cols.append(str(e.prefix) + ("  (shadowed)" if e.shadowed else "")
                    + ("  (end of life)" if is_eol(e.python_version) else ""))
        out("  ".join(cols))


def which(ctx: Context, command: str, out: Say, err: Say) -> None:
    from pyswitch import routing

    inv = Inventory(ctx)
    res = resolve_here(ctx, inv, lambda w: err(f"pyswitch: {w}"))
    out(str(routing.find_command(ctx, inv, res, command)))


def exec_(ctx: Context, command: str, args: Sequence[str], err: Say) -> None:
    from pyswitch import resolve_cache, routing

    inv = Inventory(ctx)
    res = resolve_here(ctx, inv, lambda w: err(f"pyswitch: {w}"))
    path = routing.find_command(ctx, inv, res, command)
    environ = routing.exec_environment(ctx, path)
    routing.exec_command(path, tuple(args), environ, str(resolve_cache.rehash_stamp(ctx)))


def export(ctx: Context, as_json: bool, output: "Optional[str]", write: "Callable[[str], None]", err: Say) -> None:
    """`pyswitch export`: the text to `write`, or into OUTPUT (atomically) where one is named."""
    from pyswitch import export as exporting

    chosen, text = exporting.export_text(ctx, as_json)
    for w in chosen.warnings:
        err(f"pyswitch: {w}")
    if output is None or output == "-":
        write(text)
        return
    path = Path(output)
    exporting.write_atomic(path if path.is_absolute() else ctx.cwd / path, text, output)


def check(ctx: Context, file: "Optional[str]", as_json: bool, out: Say, err: Say) -> int:
    """`pyswitch check`: one line per difference (or JSON); 1 where there is any."""
    from pyswitch import check as checking

    result = checking.check(ctx, Path(file) if file is not None else None)
    for w in result.chosen.warnings:
        err(f"pyswitch: {w}")
    if as_json:
        import json

        out(json.dumps([d.to_json() for d in result.differences], indent=2))
    else:
        for d in result.differences:
            out(d.message)
    return 1 if result.differences else 0
