"""The shims' slow path: resolve with the full engine, refresh the cache, and exec.

Run as `python -I -m pyswitch._shim CMD ARGS...` only when the shim could not answer from the
cache (stale or missing cache, a spec it does not know, a command found nowhere). Kept free of
click so it starts quickly.
"""
from __future__ import annotations

import sys


def main() -> None:
    from pyswitch.errors import PyswitchError

    command, args = sys.argv[1], tuple(sys.argv[2:])
    try:
        from pyswitch import routing, shims
        from pyswitch.inventory import Inventory
        from pyswitch.paths import Context
        from pyswitch.selection import resolve, select

        ctx = Context.from_env()
        inv = Inventory(ctx)
        try:
            shims.write_cache(ctx, inv)
        except OSError:
            pass  # a read-only root costs speed, not correctness
        sel = select(ctx)
        for warning in sel.warnings:  # before resolving: a refused token may be why it fails
            print(f"pyswitch: {warning}", file=sys.stderr)
        res = resolve(ctx, inv, sel)
        path = routing.find_command(ctx, inv, res, command)
    except PyswitchError as e:
        print(f"pyswitch: {e}", file=sys.stderr)
        sys.exit(e.exit_code)
    routing.exec_command(path, args, routing.exec_environment(ctx, path))


if __name__ == "__main__":
    main()
