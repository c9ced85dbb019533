"""pip, conda and mamba through a shim: run, wait, rehash if they changed a bin/, pass the status on.

SPEC section 4: shims never go stale by surprise. `pip install black` puts `black` in the
environment's bin/; the shim of `pip` therefore runs pip as a child instead of exec'ing it,
and when pip exits, rehashes where that bin/ (or, for conda and mamba, any environment) changed,
so `black` has a shim at once, as pyenv's pip-rehash does. The child keeps the terminal, stdin
and the process group: Ctrl-C reaches it directly; TERM, HUP and USR1/2 sent to the shim are
passed on; its exit status (or the signal that ended it) becomes the shim's.

    python -I -m pyswitch.shim_wait STAMP TARGET ARGS...

STAMP is the rehash stamp (resolve_cache.rehash_stamp) as the shim's cache names it, so that a
pip run that adds nothing costs no more than starting this small module.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from typing import Dict, NoReturn, Optional, Sequence

PASSED_ON = ("SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2")
ALWAYS_REHASH = ("conda", "mamba", "micromamba")  # they make and remove whole environments
# the commands a shim waits for (the same list as shims/shim.sh's `case`)
WAITED_FOR = re.compile(r"^(pip|pip[0-9].*|conda|mamba|micromamba)$")


def waits_for(command: str) -> bool:
    return bool(WAITED_FOR.match(command))


def _changed(bin_dir: str, stamp: str) -> bool:
    try:
        return os.stat(bin_dir).st_mtime_ns > os.stat(stamp).st_mtime_ns
    except OSError:
        return True


def main() -> None:
    run_and_rehash(sys.argv[2], sys.argv[3:], stamp=sys.argv[1])


def run_and_rehash(target: str, args: Sequence[str], environ: Optional[Dict[str, str]] = None,
                   stamp: Optional[str] = None) -> NoReturn:
    """Run TARGET as a child, wait, rehash where needed, and end with its status."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    try:
        child = subprocess.Popen([target, *args], env=environ)
    except OSError as e:
        print(f"pyswitch: cannot run {target}: {e.strerror}", file=sys.stderr)
        sys.exit(126)
    for name in PASSED_ON:
        signal.signal(getattr(signal, name), lambda signum, frame: child.send_signal(signum))
    # the terminal sends these to the whole process group, the child included
    for sig in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_IGN)
    status = child.wait()
    _rehash_if_needed(target, stamp)
    if status < 0:  # ended by a signal: end the same way, so the caller sees what it would have
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    sys.exit(status)


def _rehash_if_needed(target: str, stamp: Optional[str]) -> None:
    always = os.path.basename(target).startswith(ALWAYS_REHASH)
    if not always and stamp and not _changed(os.path.dirname(target), stamp):
        return  # nothing new in its bin/: no engine to load at all
    from pyswitch import shims
    from pyswitch.errors import PyswitchError
    from pyswitch.paths import Context

    try:
        problem = shims.rehash_after_change(Context.from_env())
    except (PyswitchError, OSError) as e:
        problem = f"could not rebuild the shims ({e}); run: pyswitch rehash"
    if problem:
        print(f"pyswitch: {problem}", file=sys.stderr)


if __name__ == "__main__":
    main()
