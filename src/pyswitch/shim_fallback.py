"""The shims' slow path: answer with the full engine, record the answer in the cache, and exec.

Run as `python -I -m pyswitch.shim_fallback CMD ARGS...` only when a shim could not answer from the
cache (a stale or missing cache, a source it has no answer for, a command found nowhere, a
core command the primary lacks). Kept free of click so it starts quickly.
"""
from __future__ import annotations

import sys


def main() -> None:
    from pyswitch.errors import PyswitchError

    command, args = sys.argv[1], tuple(sys.argv[2:])
    try:
        from pyswitch import resolve_cache, routing
        from pyswitch.inventory import Inventory
        from pyswitch.paths import Context
        from pyswitch.selection import resolve_here

        ctx = Context.from_env()
        inv = Inventory(ctx)
        try:
            resolve_cache.write_cache(ctx, inv)
        except OSError:
            pass  # a read-only root costs speed, not correctness
        res = resolve_here(ctx, inv, lambda w: print(f"pyswitch: {w}", file=sys.stderr))
        path = routing.find_command(ctx, inv, res, command)
        environ = routing.exec_environment(ctx, path)
    except PyswitchError as e:
        print(f"pyswitch: {e}", file=sys.stderr)
        sys.exit(e.exit_code)
    except OSError as e:
        print(f"pyswitch: {e.strerror or e}{f': {e.filename}' if e.filename else ''}", file=sys.stderr)
        sys.exit(1)
    routing.exec_command(path, args, environ, str(resolve_cache.rehash_stamp(ctx)))


if __name__ == "__main__":
    main()
