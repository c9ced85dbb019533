"""Care for old projects: CPython end-of-life dates, and pyproject.toml's requires-python."""
from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Dict, Iterable, Optional, Tuple

from pyswitch.environment import Environment
from pyswitch.files import find_up, read_regular
from pyswitch.spec import release_tuple
from pyswitch.values import value

# packaging and tomllib are imported where used: `versions` only needs the table, and fast

# CPython feature releases and the day they stopped getting security fixes (PEP 101 and the
# release PEPs; future ones at the end of their planned five years)
END_OF_LIFE: Dict[Tuple[int, int], date] = {
    (2, 6): date(2013, 10, 29),
    (2, 7): date(2020, 1, 1),
    (3, 0): date(2009, 6, 27),
    (3, 1): date(2012, 4, 9),
    (3, 2): date(2016, 2, 20),
    (3, 3): date(2017, 9, 29),
    (3, 4): date(2019, 3, 18),
    (3, 5): date(2020, 9, 13),
    (3, 6): date(2021, 12, 23),
    (3, 7): date(2023, 6, 27),
    (3, 8): date(2024, 10, 7),
    (3, 9): date(2025, 10, 31),
    (3, 10): date(2026, 10, 31),
    (3, 11): date(2027, 10, 31),
    (3, 12): date(2028, 10, 31),
    (3, 13): date(2029, 10, 31),
    (3, 14): date(2030, 10, 31),
}
_LEADING = r"^(\d+)\.(\d+)"


def feature_release(python_version: Optional[str]) -> Optional[Tuple[int, int]]:
    """(3, 8) for '3.8.18' or '3.8'; None when it does not start with X.Y."""
    m = re.match(_LEADING, python_version or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def eol_date(python_version: Optional[str]) -> Optional[date]:
    """When this CPython line stopped getting fixes; None when unknown (or still to come)."""
    key = feature_release(python_version)
    if key is None:
        return None
    if key in END_OF_LIFE:
        return END_OF_LIFE[key]
    if key < (3, 6):  # an old line missing from the table is long past it
        return date(2000, 1, 1)
    return None


def is_eol(python_version: Optional[str], today: Optional[date] = None) -> bool:
    ends = eol_date(python_version)
    return ends is not None and (today or date.today()) >= ends


def pinned_version(token: str, env: Optional[Environment]) -> Optional[str]:
    """The Python version a spec pins: the environment's, else the spec's own digits (3.7)."""
    if env is not None and env.python_version:
        return env.python_version
    return token if release_tuple(token) is not None else None


def eol_warning(pinned: Iterable[Tuple[str, Optional[str]]], today: Optional[date] = None) -> Optional[str]:
    """One line naming every end-of-life version among (spec, python version) pairs."""
    past = []
    for token, version in pinned:
        if is_eol(version, today):
            shown = token if token == version else f"{token} (Python {version})"
            past.append(f"{shown} since {eol_date(version).isoformat()}")
    if not past:
        return None
    return (f"warning: end of life, no more security fixes: {'; '.join(past)}; "
            "pinned anyway (see docs/legacy-projects.md)")


# --- requires-python --------------------------------------------------------------------------
@value
class RequiresPython:
    pyproject: Path
    specifier: str


def find_pyproject(start: Path) -> Optional[Path]:
    return find_up(start, "pyproject.toml")


def requires_python(start: Path) -> Optional[RequiresPython]:
    """`project.requires-python` of the nearest pyproject.toml at or above `start`."""
    path = find_pyproject(start)
    if path is None:
        return None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.8 in CI
        import tomli as tomllib
    try:
        data = tomllib.loads(read_regular(path, 1 << 20).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # not ours to judge: the build tool will say what is wrong with it
    project = data.get("project")
    value = project.get("requires-python") if isinstance(project, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    return RequiresPython(path, value.strip())


def satisfies(python_version: str, specifier: str) -> Optional[bool]:
    """Whether a version meets a requires-python; None when either cannot be read."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version
    try:
        return SpecifierSet(specifier).contains(Version(python_version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return None


def requires_python_problem(start: Path, python_version: Optional[str], name: str) -> Optional[str]:
    """A one-line complaint when the pinned Python does not meet the project's requires-python."""
    req = requires_python(start)
    if req is None or not python_version:
        return None
    if satisfies(python_version, req.specifier) is not False:
        return None
    shown = name if name == python_version else f"{name} (Python {python_version})"
    return f"{shown} does not satisfy requires-python '{req.specifier}' of {req.pyproject}"


def suggest(versions: Iterable[str], specifier: str) -> Optional[str]:
    """The newest of these Python versions that meets the specifier."""
    from packaging.version import Version
    ok = [v for v in versions if v and satisfies(v, specifier)]
    return max(ok, key=lambda v: Version(v), default=None)
