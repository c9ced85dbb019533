"""What a project declares: a requirements file or an environment.yml, read line by line.

Every requirement keeps its file and line number; a line that cannot be read is an error that
names both (`requirements.txt:7: cannot read 'numpy>>1'`), never skipped.

Requirements files are read as pip reads them: `\\` continues a line, ` #` starts a comment,
`${VAR}` is expanded; `-r FILE` is followed (relative to the file that names it), `-c FILE`
(constraints), index and build options are accepted and change nothing; `-e` and
`name @ URL` lines, and bare URLs or paths, are understood. environment.yml is read with a
real YAML parser (PyYAML) in environment_yml.py, and its `pip:` list with the requirements
reader here.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import List, Mapping, NamedTuple, Optional, Set

from pyswitch import matchspec
from pyswitch.errors import PyswitchError
from pyswitch.packages import canonical_name

MAX_FILE = 16 << 20
# patterns are strings, compiled (and cached) by `re` on first use: a command pays for the ones it uses
EXPORT_HEADER = r"^# python \S+ \(.*\)\s*$"
COMMENT = r"(^|\s+)#.*$"
_ENV_VAR = r"(?P<var>\$\{(?P<name>[A-Z0-9_]+)\})"
_ARCHIVE = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")
_VCS = ("git+", "hg+", "svn+", "bzr+")
# `name`, `name==1.0`, `name >= 1, < 2`: the common case, read without packaging's parser
_SIMPLE = (r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
           r"((?:(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9_.*+!-]+\s*(?:,\s*(?=[=!<>~]))?)*)$")
_SIMPLE_DIRECT = r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*@\s*([a-z][a-z0-9+.-]*:\S+)$"
_PLAIN_PIN = r"^(===|==|!=|<=|>=|~=|<|>)(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$|^(==|!=|<=|>=|<|>)[0-9]+$"
_DIRECT = r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@"
# options pip accepts on a line of their own that say where or how to fetch, not what
_GLOBAL_WITH_VALUE = {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host",
                      "--no-binary", "--only-binary", "--use-feature", "-c", "--constraint"}
_GLOBAL_FLAGS = {"--no-index", "--pre", "--prefer-binary", "--require-hashes"}
# options that may follow a requirement on its line
_PER_REQUIREMENT = {"--hash", "--config-settings", "--global-option", "--install-option"}


class Unreadable(PyswitchError):
    """A declaration line that cannot be read: `FILE:LINE: cannot read 'TEXT'`."""

    def __init__(self, shown: str, line: int, text: str, why: str = ""):
        quoted = quote(text)
        super().__init__(f"{shown}:{line}: cannot read '{quoted}'" + (f": {why}" if why else ""))


def quote(text: str, limit: int = 64) -> str:
    """At most `limit` characters, unprintables escaped as repr does, `…` where cut."""
    cut = text[:limit]
    shown = cut if cut.isprintable() else repr(cut)[1:-1]
    return shown + ("…" if len(text) > limit else "")


class PipRequirement(NamedTuple):
    text: str                    # the line as written, comment removed: what `missing` shows
    file: str                    # as shown in messages
    line: int
    name: Optional[str]          # as written; None for a bare URL or path with no name in it
    specifier: str = ""          # as written, spaces removed: '==2.0.3', '>=1,<2'
    url: Optional[str] = None    # `name @ URL`, a bare URL, or what `-e` names (paths made absolute)
    editable: bool = False
    marker: Optional[str] = None
    direct: bool = False         # `name @ URL`, rather than a bare URL or path
    written: Optional[str] = None  # the URL or path as the line spells it: what messages show

    @property
    def key(self) -> Optional[str]:
        return canonical_name(self.name) if self.name else None

    @property
    def constraint(self) -> str:
        """What `different` shows as required, as written: `==2.0.3`, `@ URL`, `-e PATH`, or a
        bare URL or path."""
        target = self.written or self.url
        if self.editable:
            return f"-e {target}"
        if self.url is not None:
            return f"@ {target}" if self.direct else target
        return self.specifier


class CondaRequirement(NamedTuple):
    text: str
    file: str
    line: int
    spec: matchspec.CondaSpec

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def key(self) -> str:
        return self.spec.name.lower()


class Declaration:
    """A file's requirements: conda specs and pip lines, in file order."""

    def __init__(self, path: Path, shown: str, kind: str, exported: bool,
                 conda: Optional[List[CondaRequirement]] = None, pip: Optional[List[PipRequirement]] = None):
        self.path = path
        self.shown = shown
        self.kind = kind              # "requirements" or "environment"
        self.exported = exported      # written by `pyswitch export` (or `conda env export`): extras count
        self.conda: List[CondaRequirement] = conda if conda is not None else []
        self.pip: List[PipRequirement] = pip if pip is not None else []


def read(path: Path, shown: str, environ: Mapping[str, str]) -> Declaration:
    """The declaration in `path`: environment.yml by its name (.yml/.yaml), else requirements."""
    if path.name.lower().endswith((".yml", ".yaml")):
        from pyswitch.environment_yml import read_environment_yml

        return read_environment_yml(path, shown, environ)
    reqs: List[PipRequirement] = []
    text = read_text(path, shown)
    exported = bool(re.match(EXPORT_HEADER, text.split("\n", 1)[0]))
    _requirements(text, path, shown, environ, reqs, {os.path.realpath(path)})
    return Declaration(path, shown, "requirements", exported, pip=reqs)


def read_text(path: Path, shown: str) -> str:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise PyswitchError(f"{shown} does not exist") from None
    except OSError as e:
        raise PyswitchError(f"cannot read {shown}: {e.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise PyswitchError(f"cannot read {shown}: not a regular file")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE + 1)
    except OSError as e:
        raise PyswitchError(f"cannot read {shown}: {e.strerror}") from None
    if len(data) > MAX_FILE:
        raise PyswitchError(f"cannot read {shown}: larger than {MAX_FILE >> 20} MiB")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        bad = data.split(b"\n")[line - 1].decode("utf-8", "replace").strip()
        raise Unreadable(shown, line, bad, "not UTF-8") from None


# --- requirements files -----------------------------------------------------------------------
def _logical_lines(text: str):
    """(first line number, joined line) with pip's continuation and comment rules."""
    pending: List[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.endswith("\\") or re.match(COMMENT, line):
            if re.match(COMMENT, line):
                line = " " + line
            if pending:
                pending.append(line)
                yield first, "".join(pending)
                pending = []
            else:
                yield number, line
        else:
            if not pending:
                first = number
            pending.append(line.strip("\\"))
    if pending:
        yield first, "".join(pending)


def expand(line: str, environ: Mapping[str, str]) -> str:
    for var, name in re.findall(_ENV_VAR, line):
        value = environ.get(name)
        if value:
            line = line.replace(var, value)
    return line


def _requirements(text: str, path: Path, shown: str, environ: Mapping[str, str],
                  out: List[PipRequirement], seen: Set[str]) -> None:
    for number, raw in _logical_lines(text):
        line = re.sub(COMMENT, "", raw).strip()
        if not line:
            continue
        parse_line(expand(line, environ), path, shown, number, environ, out, seen)


def _split_options(line: str):
    """pip's break_args_options: the requirement is every word before the first `-` word."""
    words = line.split(" ")
    for i, word in enumerate(words):
        if word.startswith("-"):
            return " ".join(words[:i]), words[i:]
    return line, []


def _option_pairs(words: List[str], shown: str, number: int, line: str):
    """[(option, value or None)] of the option words of a line."""
    import shlex

    try:
        tokens = shlex.split(" ".join(words))
    except ValueError:
        raise Unreadable(shown, number, line) from None
    pairs = []
    i = 0
    valued = _GLOBAL_WITH_VALUE | _PER_REQUIREMENT | {"-r", "--requirement", "-e", "--editable"}
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("--") and "=" in tok:
            name, value = tok.split("=", 1)
            pairs.append((name, value))
        elif tok in valued:
            if i + 1 >= len(tokens):
                raise Unreadable(shown, number, line)
            pairs.append((tok, tokens[i + 1]))
            i += 1
        elif tok[:2] in valued and len(tok) > 2 and not tok.startswith("--"):
            pairs.append((tok[:2], tok[2:]))     # -rfile.txt, -e.
        elif tok in _GLOBAL_FLAGS:
            pairs.append((tok, None))
        else:
            raise Unreadable(shown, number, line)
        i += 1
    return pairs


def parse_line(line: str, path: Path, shown: str, number: int, environ: Mapping[str, str],
               out: List[PipRequirement], seen: Set[str]) -> None:
    """One logical line of a requirements file (or of environment.yml's pip list)."""
    requirement, option_words = _split_options(line)
    pairs = _option_pairs(option_words, shown, number, line) if option_words else []
    if requirement:
        if any(name not in _PER_REQUIREMENT for name, _ in pairs):
            raise Unreadable(shown, number, line)
        out.append(requirement_of(requirement, path, shown, number, line))
        return
    for name, value in pairs:
        if name in ("-r", "--requirement"):
            _nested(value, path, shown, number, line, environ, out, seen)
        elif name in ("-e", "--editable"):
            out.append(editable_of(value, path, shown, number, line))
        elif name in _PER_REQUIREMENT:
            raise Unreadable(shown, number, line)  # --hash with no requirement before it
        # anything else says where or how to fetch: nothing to compare


def _nested(value: str, path: Path, shown: str, number: int, line: str, environ, out, seen) -> None:
    if "://" in value:
        raise Unreadable(shown, number, line, "only local files can be followed")
    target = Path(os.path.expanduser(value))
    if not target.is_absolute():
        target = path.parent / target
    real = os.path.realpath(target)
    if real in seen:
        return  # already read: a cycle, or the same file twice
    seen.add(real)
    nested_shown = str(target) if os.path.isabs(value) else os.path.normpath(os.path.join(os.path.dirname(shown), value))
    try:
        text = read_text(target, nested_shown)
    except Unreadable:
        raise
    except PyswitchError as e:
        raise PyswitchError(f"{shown}:{number}: cannot read '{quote(line)}': {e}") from None
    _requirements(text, target, nested_shown, environ, out, seen)


def _looks_like_url_or_path(text: str) -> bool:
    low = text.lower()
    return ("://" in text or low.startswith(_VCS) or text.startswith((".", "/", "~"))
            or low.split("#", 1)[0].split(";", 1)[0].strip().endswith(_ARCHIVE))


def requirement_of(text: str, path: Path, shown: str, number: int, line: str) -> PipRequirement:
    """A requirement: PEP 508 (`name[extra] >=1 ; marker`, `name @ URL`), or a bare URL or path."""
    text = text.strip()
    if not re.match(_DIRECT, text) and _looks_like_url_or_path(text):
        target, _, marker = text.partition("; ")
        target = target.strip()
        url = _absolute(target, path)
        return PipRequirement(line, shown, number, _name_in_url(target, url), url=url,
                              marker=marker.strip() or None, written=target)
    direct = re.match(_SIMPLE_DIRECT, text)
    if direct:  # `name @ URL` as export writes it
        return PipRequirement(line, shown, number, direct.group(1), url=_absolute(direct.group(2), path), direct=True,
                              written=direct.group(2))
    simple = re.match(_SIMPLE, text)
    if simple and _valid_specifier(re.sub(r"\s+", "", simple.group(2))):
        # most lines, and every line export writes: read without packaging's parser
        return PipRequirement(line, shown, number, simple.group(1), specifier=re.sub(r"\s+", "", simple.group(2)))
    from packaging.requirements import InvalidRequirement, Requirement
    try:
        req = Requirement(text)
    except InvalidRequirement:
        raise Unreadable(shown, number, line) from None
    if req.url:
        return PipRequirement(line, shown, number, req.name, url=_absolute(req.url, path),
                              marker=str(req.marker) if req.marker else None, direct=True, written=req.url)
    return PipRequirement(line, shown, number, req.name, specifier=_as_written(text, req.name),
                          marker=str(req.marker) if req.marker else None)


def _valid_specifier(spec: str) -> bool:
    """Whether packaging accepts it; plain numeric pins are known good without asking it."""
    if not spec:
        return True
    if all(re.match(_PLAIN_PIN, part) for part in spec.split(",")):
        return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        return False
    return True


def _as_written(text: str, name: str) -> str:
    """The specifier part of a requirement as written: `pandas >= 2, <3 ; x` -> `>=2,<3`."""
    rest = text.split(";", 1)[0]
    rest = rest[rest.lower().find(name.lower()) + len(name):] if name.lower() in rest.lower() else rest
    rest = re.sub(r"^\s*\[[^\]]*\]", "", rest).strip()
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    return re.sub(r"\s+", "", rest)


def editable_of(value: str, path: Path, shown: str, number: int, line: str) -> PipRequirement:
    target = value.strip()
    if not target:
        raise Unreadable(shown, number, line)
    url = _absolute(target, path)
    name = _name_in_url(target, url)
    return PipRequirement(line, shown, number, name, url=url, editable=True, written=target)


def _absolute(target: str, path: Path) -> str:
    """A local path made absolute (relative to the declaring file); a URL as written."""
    low = target.lower()
    if "://" in target or low.startswith(_VCS) or low.startswith("file:"):
        return target
    p = Path(os.path.expanduser(target))
    if not p.is_absolute():
        p = path.parent / p
    return os.path.normpath(str(p))


def _name_in_url(target: str, url: str) -> Optional[str]:
    """The project a URL or path installs: `#egg=`, a wheel's or sdist's file name, or its pyproject."""
    m = re.search(r"[#&]egg=([^&]+)", target)
    if m:
        return re.sub(r"\[.*$", "", m.group(1)).strip() or None
    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if base.lower().endswith(".whl"):
        return base.split("-", 1)[0]
    for ext in _ARCHIVE:
        if base.lower().endswith(ext):
            stem = base[: -len(ext)]
            return stem.rsplit("-", 1)[0] if "-" in stem else None
    if os.path.isdir(url):
        return project_name(Path(url))
    if url.startswith("file:"):
        from pyswitch.pipfreeze import url_to_path

        local = url_to_path(url.split("#", 1)[0])
        if os.path.isdir(local):
            return project_name(Path(local))
    return None


def project_name(folder: Path) -> Optional[str]:
    """[project] name of a project folder's pyproject.toml, else setup.cfg's [metadata] name."""
    import sys
    try:
        raw = (folder / "pyproject.toml").read_bytes()[:1 << 20].decode("utf-8")
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - 3.8 to 3.10
            import tomli as tomllib
        name = tomllib.loads(raw).get("project", {}).get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        pass
    import configparser
    cfg = configparser.ConfigParser(interpolation=None)
    try:
        cfg.read(folder / "setup.cfg", encoding="utf-8")
        name = cfg.get("metadata", "name", fallback="").strip()
    except (configparser.Error, OSError, UnicodeDecodeError):
        name = ""
    return name or None
