"""conda's package specs (`numpy=1.24`, `numpy==1.24.3=py311h_0`, `numpy >=1.24,<2`), as conda reads them.

The subset of conda's MatchSpec that environment.yml files use: an optional `channel::`
prefix, the name, a version spec and a build string (after `=` or a space), and the
`[version=..., build=...]` bracket form. Versions compare with conda's VersionOrder rules
(components split at `.` and `_`, numbers as numbers, `dev` lowest, `post` highest, missing
parts are 0), not PEP 440's, so `1.1.1w` and `9e` order as conda orders them.
"""
from __future__ import annotations

import fnmatch
import re
from typing import List, NamedTuple, Optional, Tuple

_EXPORTED = r"^([A-Za-z0-9_][A-Za-z0-9_.+-]*)=([A-Za-z0-9_.+!]+)=([A-Za-z0-9_.+]+)$"
_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$"
_VERSION_ATOM = r"^(==|!=|<=|>=|~=|<|>|=)?([A-Za-z0-9_.+!*-]*)$"
_BRACKET_ITEM = re.compile(r"""\s*([a-z_]+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^,\]]*?))\s*(?:,|$)""")


class CondaSpec(NamedTuple):
    name: str
    version: Optional[str]   # a conda version spec (`1.24*`, `1.24.3`, `>=1.24,<2`), None for any
    build: Optional[str]     # a build string, `*` globs allowed; None for any
    constraint: str          # what follows the name, as written: `=1.24`, `==1.24.3=py311h_0`

    def matches(self, version: str, build: Optional[str]) -> bool:
        if self.version is not None and not version_matches(self.version, version):
            return False
        if self.build is not None and not build_matches(self.build, build or ""):
            return False
        return True


def parse(text: str) -> CondaSpec:
    """A conda spec; ValueError when it is not one conda would read."""
    s = text.strip()
    exact = re.match(_EXPORTED, s)
    if exact:  # name=version=build, as export writes every line: exact version and build
        name, version, build = exact.groups()
        _check_version_spec(version)
        return CondaSpec(name, version, build, s[len(name):])
    if " #" in s or s.startswith("#"):
        s = s.split("#", 1)[0].strip()
    if not s:
        raise ValueError("empty spec")
    bracket = {}
    m = re.search(r"\[([^\[\]]*)\]\s*$", s)
    if m:
        bracket = _bracket(m.group(1))
        s = s[: m.start()].rstrip()
    if "::" in s:
        s = s.rsplit("::", 1)[1]
    m = re.match(r"^([^ =<>!~]+)\s*(.*)$", s)
    if not m or not re.match(_NAME, m.group(1)):
        raise ValueError("not a package name")
    name, rest = m.group(1), m.group(2).strip()
    version, build = _version_and_build(rest)
    if "version" in bracket:
        version = bracket["version"].replace(" ", "") or None
    if "build" in bracket:
        build = bracket["build"] or None
    if version is not None:
        _check_version_spec(version)
    shown = text.strip()
    constraint = shown[shown.find(name) + len(name):].strip() if name in shown else rest
    return CondaSpec(name, version, build, constraint)


def _bracket(body: str) -> dict:
    out = {}
    pos = 0
    body = body.strip()
    while pos < len(body):
        m = _BRACKET_ITEM.match(body, pos)
        if not m or m.end() == pos:
            raise ValueError("unreadable [...]")
        out[m.group(1)] = next(g for g in m.groups()[1:] if g is not None).strip()
        pos = m.end()
    return out


def _version_and_build(rest: str) -> Tuple[Optional[str], Optional[str]]:
    if not rest:
        return None, None
    v = re.sub(r"\s*([,|])\s*", r"\1", rest)
    v = re.sub(r"(==|!=|>=|<=|~=|=|<|>)\s+", r"\1", v)
    parts = v.split()
    if len(parts) > 2:
        raise ValueError("too many parts")
    if len(parts) == 2:
        version, build = parts[0], parts[1].lstrip("=")
        if not build:
            raise ValueError("empty build")
    else:
        version, build = parts[0], None
        m = re.match(r"^(.*[^=!<>~])=([^=,|<>!~]+)$", version)
        if m:
            version, build = m.group(1), m.group(2)
    if version.startswith("="):  # conda: `=1.2` is `1.2*`, `==1.2` exact, `=1.2=build` exact
        test = version[1:]
        if version.startswith("==") and build is None:
            version = version[2:]
        elif not any(c in test for c in "=,|"):
            version = test + "*" if build is None and not test.endswith("*") else test
    return (version or None), build


def _check_version_spec(spec: str) -> None:
    for alternative in spec.split("|"):
        for atom in alternative.split(","):
            m = re.match(_VERSION_ATOM, atom)
            if not m or (not m.group(2) and atom not in ("", "*")) or "*" in m.group(2).rstrip("*").rstrip("."):
                raise ValueError(f"unreadable version '{atom}'")


# --- matching -------------------------------------------------------------------------------
def version_matches(spec: str, version: str) -> bool:
    """Whether `version` meets a conda version spec (`|` is or, `,` is and)."""
    return any(all(_atom_matches(atom, version) for atom in alt.split(",")) for alt in spec.split("|"))


def _atom_matches(atom: str, version: str) -> bool:
    if atom in ("", "*"):
        return True
    m = re.match(_VERSION_ATOM, atom)
    op, target = m.group(1) or "", m.group(2)
    fuzzy = target.endswith("*")
    target = target.rstrip("*").rstrip(".")
    if not target:
        return True
    if op in ("", "==") and not fuzzy and version == target:
        return True
    if op == "" and not fuzzy:
        return compare(version, target) == 0
    if op in ("", "=") or (op == "==" and fuzzy):
        return startswith(version, target)
    if op == "!=":
        return not startswith(version, target) if fuzzy else compare(version, target) != 0
    if op == "==":
        return compare(version, target) == 0
    if op == "~=":
        head = target.rsplit(".", 1)[0] if "." in target else target
        return compare(version, target) >= 0 and startswith(version, head)
    c = compare(version, target)
    return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


def build_matches(spec: str, build: str) -> bool:
    return fnmatch.fnmatchcase(build, spec) if "*" in spec else build == spec


# --- conda's VersionOrder -------------------------------------------------------------------
_DEV = (0, 0, "")
_POST = (3, 0, "")
_ZERO = (2, 0, "")


def _sub(part: str):
    if part.isdigit():
        return (2, int(part), "")
    if part == "dev":
        return _DEV
    if part == "post":
        return _POST
    return (1, 0, part)


def order(version: str) -> Tuple[List[List[tuple]], List[List[tuple]]]:
    """(version components, local components), each a list of sortable sub-parts."""
    v = version.strip().lower()
    epoch = "0"
    if "!" in v:
        epoch, v = v.split("!", 1)
    main, _, local = v.partition("+")
    main_parts = [[_sub(epoch if epoch.isdigit() else "0")]] + _components(main)
    return main_parts, _components(local) if local else []


def _components(s: str) -> List[List[tuple]]:
    if s.endswith("_"):  # conda: a trailing underscore is part of the last component
        s = s[:-1] + "post"
    out = []
    for part in re.split(r"[._-]", s):
        subs = [_sub(x) for x in re.findall(r"\d+|[^\d]+", part)]
        if not subs or subs[0][0] != 2:
            subs.insert(0, _ZERO)
        out.append(subs)
    return out


def _cmp_lists(a: List[List[tuple]], b: List[List[tuple]]) -> int:
    for i in range(max(len(a), len(b))):
        ca = a[i] if i < len(a) else [_ZERO]
        cb = b[i] if i < len(b) else [_ZERO]
        for j in range(max(len(ca), len(cb))):
            x = ca[j] if j < len(ca) else _ZERO
            y = cb[j] if j < len(cb) else _ZERO
            if x != y:
                return -1 if x < y else 1
    return 0


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as conda orders two versions ('1.1' == '1.1.0', '1.1a1' < '1.1')."""
    (ma, la), (mb, lb) = order(a), order(b)
    return _cmp_lists(ma, mb) or _cmp_lists(la, lb)


def startswith(version: str, prefix: str) -> bool:
    """conda's fuzzy match: `1.24*` takes 1.24, 1.24.3, 1.24a, never 1.240."""
    t1, _ = order(version)
    t2, _ = order(prefix)
    nt = len(t2) - 1
    if _cmp_lists(t1[:nt], t2[:nt]) != 0:
        return False
    v1 = t1[nt] if len(t1) > nt else []
    v2 = t2[nt]
    n2 = len(v2) - 1
    if _cmp_lists([v1[:n2]], [v2[:n2]]) != 0:
        return False
    if len(v1) <= n2:
        return False
    last1, last2 = v1[n2], v2[n2]
    if last2[0] == 1:
        return last1[0] == 1 and last1[2].startswith(last2[2])
    return last1 == last2
