"""A token of a version file -> what kind of environment it names (SPEC section 3)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

_RELEASE = re.compile(r"^\d+(\.\d+)*$")


@dataclass(frozen=True)
class Spec:
    token: str         # as written
    kind: str          # "system", "conda", "envs" (VERSION/envs/NAME) or "name" (pyenv name or prefix)
    name: str          # the token without `python-`; for conda the env name
    parent: Optional[str] = None  # VERSION of VERSION/envs/NAME


def parse_spec(token: str) -> Spec:
    if token == "system":
        return Spec(token, "system", "system")
    if token.startswith("conda:"):
        return Spec(token, "conda", token[len("conda:"):])
    if "/" in token:
        parent, _, name = token.split("/", 2)
        return Spec(token, "envs", name, parent)
    return Spec(token, "name", token)


def without_python_prefix(name: str) -> Optional[str]:
    """`python-3.12` means `3.12`, as in pyenv."""
    return name[len("python-"):] if name.startswith("python-") and len(name) > 7 else None


def release_tuple(name: str) -> Optional[Tuple[int, ...]]:
    """(3, 8, 18) for a plain CPython release name; None for rc/dev/t builds and other names."""
    if not _RELEASE.match(name):
        return None
    return tuple(int(p) for p in name.split("."))


def matches_prefix(prefix: str, name: str) -> bool:
    """`3.8` matches `3.8.18` but never `3.80` or `3.8.18rc1`."""
    return release_tuple(name) is not None and release_tuple(prefix) is not None and (
        name == prefix or name.startswith(prefix + ".")
    )
