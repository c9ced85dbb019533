"""A token of a version file -> what it names (SPEC section 3), and the rules every reader shares.

One home for each rule: which tokens are refused (`token_problem`), how a token is shown in a
message (`shown`), and pyenv's prefix rule (`latest`), which the engine, `install` and the
shims' cache all use.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Iterable, List, Optional, Tuple

from pyswitch.errors import PyswitchError
from pyswitch.values import value

MAX_TOKEN_BYTES = 255
SHOWN_CHARS = 64
# installers whose Pythons a spec can name with a prefix: `uv:3.12`
INSTALLER_PREFIXES = ("uv", "mise", "asdf")

_RELEASE = r"^\d+(\.\d+)*$"
_ENVS_FORM = r"^[^/]+/envs/[^/]+$"


@value
class Spec:
    token: str         # as written
    kind: str          # "system", "conda", "envs" (VERSION/envs/NAME), "name" (pyenv name or prefix),
                       # or an installer of INSTALLER_PREFIXES
    name: str          # the token without its `kind:` prefix; for envs the env name
    parent: Optional[str] = None  # VERSION of VERSION/envs/NAME


def parse_spec(token: str) -> Spec:
    if token == "system":
        return Spec(token, "system", "system")
    kind, sep, rest = token.partition(":")
    if sep and kind == "conda":
        return Spec(token, "conda", rest)
    if sep and kind in INSTALLER_PREFIXES:
        return Spec(token, kind, rest)
    if "/" in token:
        parent, _, name = token.split("/", 2)
        return Spec(token, "envs", name, parent)
    return Spec(token, "name", token)


# --- refusing and showing tokens ------------------------------------------------------------
def token_problem(token: str) -> Optional[str]:
    """Why a token is refused (SPEC section 3), or None when it is safe to look up."""
    if len(token.encode("utf-8", "surrogateescape")) > MAX_TOKEN_BYTES:
        return "too long"
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in token):  # C0 (NUL too), DEL and C1 controls
        return "control character"
    if token.startswith("/"):
        return "absolute path"
    parts = token.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "path traversal"
    if len(parts) > 1 and not re.match(_ENVS_FORM, token):
        return "path"
    return None


def shown(token: str) -> str:
    """A token as messages quote it: at most 64 characters, escaped as repr would, `…` where cut."""
    return repr(token[:SHOWN_CHARS])[1:-1] + ("…" if len(token) > SHOWN_CHARS else "")


def invalid_in(token: str, source: str) -> str:
    """The warning for a refused token read from a version file or a variable."""
    return f"invalid version '{shown(token)}' ignored in '{source}'"


def check_token(token: str) -> None:
    """A spec given on the command line: refused tokens are an error, with one message."""
    if not token or token.startswith("#") or token_problem(token):
        raise PyswitchError(f"invalid version '{shown(token)}': a spec names an environment "
                            "(3.8, 3.8.18/envs/web, conda:ml, system), never a path; nothing was written")


# --- versions and prefixes --------------------------------------------------------------------
def without_python_prefix(name: str) -> Optional[str]:
    """`python-3.12` means `3.12`, as in pyenv."""
    return name[len("python-"):] if name.startswith("python-") and len(name) > 7 else None


def release_tuple(name: str) -> Optional[Tuple[int, ...]]:
    """(3, 8, 18) for a plain CPython release name; None for rc/dev/t builds and other names."""
    if not re.match(_RELEASE, name):
        return None
    return tuple(int(p) for p in name.split("."))


_T_PREFIX = r"^(.*[0-9])t$"
_NEVER = r"(-dev|-src|-latest|(a|b|rc)[0-9]+)$"
_FREE_THREADED = r"[0-9]t$"
_NAMED = r"^[A-Za-z0-9]+-"
_NUMBER = r"\s*(-?\d+)"


def prefix_matches(prefix: str, names: Iterable[str]) -> List[str]:
    """The names pyenv 2.6's `pyenv latest PREFIX` chooses among, best first (exact name alone).

    The exact name; else the names that continue the prefix with `.` or `-`, without -dev,
    -src, -latest and a/b/rc builds, and without free-threaded (`...t`) builds unless the prefix
    ends in a digit and `t`, sorted as pyenv sorts them (the first dot-field as text, the next
    three as numbers, then the whole line).
    """
    names = list(names)
    if prefix in names:
        return [prefix]
    suffix = ""
    m = re.match(_T_PREFIX, prefix)
    if m:
        prefix, suffix = m.group(1), "t"
    picked = [n for n in names
              if n.startswith(prefix) and n[len(prefix):len(prefix) + 1] in ("-", ".") and n.endswith(suffix)
              and not re.search(_NEVER, n) and (suffix or not re.search(_FREE_THREADED, n))]
    return sorted(picked, key=_SortKey)


def latest(prefix: str, names: Iterable[str]) -> Optional[str]:
    """What `pyenv latest PREFIX` prints for these installed (or known) names, or None."""
    found = prefix_matches(prefix, names)
    return found[0] if found else None


class _SortKey:
    """`sort -t. -k1,1r -k2,2nr -k3,3nr -k4,4nr` over pyenv's `KEY|NAME` lines, then the whole line."""

    def __init__(self, name: str):
        m = re.match(_NAMED, name)
        key = f"{name[:m.end() - 1]}.{name[m.end():]}.." if m else f"{name}..."
        self.line = f"{key}|{name}"
        fields = self.line.split(".")
        self.text = fields[0]
        self.numbers = [_number(f) for f in (fields[1:4] + ["", "", ""])[:3]]

    def __lt__(self, other: "_SortKey") -> bool:
        if self.text != other.text:
            return self.text > other.text
        if self.numbers != other.numbers:
            return self.numbers > other.numbers
        return self.line < other.line


def _number(field: str) -> int:
    m = re.match(_NUMBER, field)
    return int(m.group(1)) if m else 0
