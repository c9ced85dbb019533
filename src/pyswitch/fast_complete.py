"""TAB completion of SPEC arguments from the resolution cache, without loading the CLI.

`pyswitch local|global|shell|uninstall ... <TAB>` completes installed environment names. The
engine writes them, with what would make them stale, to `cache/names.json` whenever it writes the
cache; this module reads that file and answers in click's own output format for bash, zsh and
fish. Where it cannot answer (another word being completed, an option, a cache that is missing
or may be stale) it says so and the full CLI answers instead. Standard library only, kept small:
it runs on every TAB press.
"""
from __future__ import annotations

import json
import os
import shlex
import sys

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import List, Mapping, Optional, Tuple

SPEC_COMMANDS = {"local": "specs", "global": "specs", "shell": "specs", "uninstall": "removable"}


def _root(environ: Mapping[str, str]) -> str:
    if environ.get("PYSWITCH_ROOT"):
        return os.path.expanduser(environ["PYSWITCH_ROOT"])
    from pyswitch import envvars

    return envvars.user_dir(environ, envvars.XDG_DATA_HOME)


def _words(environ: Mapping[str, str], shell: str) -> Optional[Tuple[List[str], str]]:
    """(the words before the one being completed, that word), as click reads them."""
    try:
        words = shlex.split(environ["COMP_WORDS"])
        if shell == "fish":
            incomplete = environ["COMP_CWORD"]
            incomplete = shlex.split(incomplete)[0] if incomplete else ""
            args = words[1:]
            if args and args[-1] == incomplete:
                args = args[:-1]
            return args, incomplete
        cword = int(environ["COMP_CWORD"])
    except (KeyError, ValueError, IndexError):
        return None
    return words[1:cword], words[cword] if cword < len(words) else ""


def _fresh(data: dict, mtime_ns: int, environ: Mapping[str, str]) -> bool:
    """The rule of the cache's own `_pyswitch_stale`: nothing that decides names changed since."""
    for var, value in data["vars"].items():
        if environ.get(var) != value:
            return False
    for path in data["present"]:
        try:
            if os.stat(path).st_mtime_ns >= mtime_ns:
                return False
        except OSError:
            return False
    return not any(os.path.exists(p) for p in data["absent"])


def names(environ: Mapping[str, str], which: str) -> Optional[List[str]]:
    path = os.path.join(_root(environ), "cache", "names.json")
    try:
        with open(path, "rb") as f:
            mtime_ns = os.fstat(f.fileno()).st_mtime_ns
            data = json.loads(f.read(1 << 20))
        if not _fresh(data, mtime_ns, environ):
            return None
        return [str(n) for n in data[which]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def answer(environ: Mapping[str, str]) -> bool:
    """Print the completions and return True, or False to let the CLI answer."""
    mode = environ.get("_PYSWITCH_COMPLETE", "")
    shell = mode[:-len("_complete")] if mode.endswith("_complete") else ""
    if shell not in ("bash", "zsh", "fish"):
        return False
    found = _words(environ, shell)
    if found is None:
        return False
    args, incomplete = found
    if not args or args[0] not in SPEC_COMMANDS or incomplete.startswith("-") \
            or any(a.startswith("-") for a in args[1:]):
        return False
    offered = names(environ, SPEC_COMMANDS[args[0]])
    if offered is None:
        return False
    out = [n for n in offered if n.startswith(incomplete)]
    if shell == "zsh":
        text = "".join(f"plain\n{n}\n_\n" for n in out)
    else:
        text = "".join(f"plain,{n}\n" for n in out)
    sys.stdout.write(text)
    return True
