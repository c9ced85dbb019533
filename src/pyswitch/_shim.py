"""`python -I -m pyswitch._shim CMD ARGS...`: the entry point that shims written by any pyswitch
version exec on their slow path (see shim_fallback)."""
from pyswitch.shim_fallback import main

if __name__ == "__main__":
    main()
