"""The corpus of situations that every copy of "which Python here" must answer alike.

One place for them all: the differential test (test_agreement.py) runs each case through the
engine (`pyswitch version --json`, `pyswitch which python`), through the shims (which
interpreter really ran: `sys.prefix`) and through hooked bash, zsh and fish after a real `cd`,
and asserts that all of them agree, and that the engine says what SPEC 2-4 say (`expect`).

The hostile cases live here too (NUL bytes, control characters, traversal, FIFOs, symlinks to
secrets, 64 KiB of spaces, a sparse 1 TiB file): every copy must survive them, fast.

Every environment is fabricated under a temporary folder; the machine's real interpreters are
only symlinked in (never written to), and venvs are made from them with an explicit path.
"""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

from conftest import BIN, REAL_VERSIONS, Roots, write_exe

REAL = ("3.8.18", "3.12.1", "3.13.0")
# other installers' Pythons: venvs of these, in the folders uv, mise and asdf use
OTHERS = {"uv": "3.11.7", "mise": "3.10.13", "asdf": "3.9.18"}
# what a file of the corpus holds: bytes, or a kind of special file
Content = Union[bytes, Tuple[str, ...]]
FIFO = ("fifo",)
FOLDER = ("folder",)


def link(target: str) -> Tuple[str, str]:
    return ("link", target)


def venv(interpreter: str, trusted: bool = False) -> Tuple[str, str, str]:
    return ("venv", interpreter, "trusted" if trusted else "untrusted")


@dataclass(frozen=True)
class Case:
    slug: str                       # its folder under projects/
    files: Dict[str, Content]       # relative path -> content
    expect: str                     # the env name `version --json` names, or "error: <text in the message>"
    cwd: str = ""                   # where the user stands, below the case folder
    env: Dict[str, str] = field(default_factory=dict)
    world: str = "plain"            # "plain", "global" (pyswitch's global file) or "pyenv-global"
    hook: bool = True               # also through the hooked shells
    sparse: int = 0                 # grow .python-version to this size with a hole (bytes)


P = ".python-version"
CASES: List[Case] = [
    # --- the syntax SPEC 3 allows
    Case("exact", {P: b"3.12.1\n"}, "3.12.1"),
    Case("prefix", {P: b"3.12\n"}, "3.12.1"),
    Case("major", {P: b"3\n"}, "3.13.0"),                         # never 3.13.0t
    Case("python-dash", {P: b"python-3.8\n"}, "3.8.18"),
    Case("secondary", {P: b"3.12\n3.8\n"}, "3.12.1"),
    Case("comments-crlf-blanks", {P: b"# pinned\n\n   3.8.18  # legacy build\r\n"}, "3.8.18"),
    Case("no-final-newline", {P: b"3.13.0"}, "3.13.0"),
    Case("empty", {P: b""}, "system"),
    Case("only-comments", {P: b"# nothing here\n\n"}, "system"),
    Case("cr-at-line-start", {P: b"\r3.12\n3.8\n"}, "3.12.1"),
    Case("tabs", {P: b"\t3.13\tand words\n"}, "3.13.0"),
    Case("missing-secondary", {P: b"3.8\n3.99\n"}, "3.8.18"),
    Case("pypy-prefix", {P: b"pypy3.10\n"}, "pypy3.10-7.3.17"),
    Case("pypy-major", {P: b"pypy3\n"}, "pypy3.10-7.3.17"),
    Case("free-threaded", {P: b"3t\n"}, "3.13.0t"),
    Case("free-threaded-minor", {P: b"3.13t\n"}, "3.13.0t"),
    Case("virtualenv-short", {P: b"web\n"}, "3.11.99/envs/web"),
    Case("virtualenv-long", {P: b"3.11.99/envs/web\n"}, "3.11.99/envs/web"),
    Case("virtualenv-short-no-link", {P: b"solo\n"}, "3.11.99/envs/solo"),
    Case("conda", {P: b"conda:ml\n"}, "conda:ml"),
    Case("conda-base", {P: b"conda:base\n"}, "conda:base"),
    Case("system", {P: b"system\n"}, "system"),
    Case("subfolder", {P: b"3.12\n", "a/b/c/.keep": b""}, "3.12.1", cwd="a/b/c"),
    Case("nearest-wins", {P: b"3.8\n", "sub/" + P: b"3.12\n"}, "3.12.1", cwd="sub"),
    Case("empty-child-shadows", {P: b"3.8\n", "sub/" + P: b"\n"}, "system", cwd="sub"),
    # --- trust and project venvs
    Case("venv-trusted", {P: b"3.8.18\n", ".venv": venv("3.8.18", trusted=True)}, "venv"),
    Case("venv-untrusted", {P: b"3.8.18\n", ".venv": venv("3.8.18")}, "3.8.18"),
    Case("venv-other-interpreter", {P: b"3.8.18\n", ".venv": venv("3.12.1", trusted=True)}, "3.8.18"),
    Case("venv-trusted-then-symlinked", {P: b"3.8.18\n", ".venv": ("venv-then-link", "3.8.18")}, "3.8.18"),
    # --- refused bytes and tokens: the next line is used
    Case("nul-in-word", {P: b"3.12\x00\n3.8\n"}, "3.8.18"),
    Case("nul-then-junk", {P: b"conda:ml\x00junk\n"}, "system"),
    Case("control-char", {P: b"3.12\x01\n3.8\n"}, "3.8.18"),
    Case("escape-sequence", {P: b"\x1b[31m3.12\n3.8\n"}, "3.8.18"),
    Case("vertical-tab-is-no-separator", {P: b"3.12\x0b3.8\n3.13\n"}, "3.13.0"),
    Case("traversal", {P: b"../../../tmp/x\n3.8\n"}, "3.8.18"),
    Case("absolute", {P: b"/usr/bin/python\n3.12\n"}, "3.12.1"),
    Case("token-too-long", {P: b"9" * 300 + b"\n3.12\n"}, "3.12.1"),
    Case("undecodable", {P: b"\xff\xfe3.8\n3.12\n"}, "error: is not installed"),
    # --- errors
    Case("missing-primary", {P: b"3.99\n"}, "error: version '3.99' is not installed"),
    Case("not-installable-name", {P: b"webb\n"}, "error: see what is installed"),
    Case("broken-virtualenv", {P: b"orphan\n"}, "error: python is broken"),
    Case("conda-without-python", {P: b"conda:nopy\n"}, "error: python is broken"),
    # --- version files that are not regular files, and symlinks
    Case("fifo-child", {P: b"3.12\n", "sub/" + P: FIFO}, "3.12.1", cwd="sub"),
    Case("folder-child", {P: b"3.8\n", "sub/" + P: FOLDER}, "3.8.18", cwd="sub"),
    Case("symlink-to-shared", {"shared.python-version": b"3.13\n", "sub/" + P: link("../shared.python-version")},
         "3.13.0", cwd="sub"),
    Case("symlink-to-secret", {P: b"3.8\n", "credentials": b"AKIAEXAMPLE-secret-3.12\n",
                               "sub/" + P: link("../credentials")}, "3.8.18", cwd="sub"),
    Case("dangling-symlink", {P: b"3.12\n", "sub/" + P: link("../nothing-here")}, "3.12.1", cwd="sub"),
    # --- size: bounded and linear everywhere
    Case("64k-of-spaces-then-a-word", {P: b" " * 65536 + b"x\n"}, "system"),
    Case("64k-word", {P: b"a" * 65536}, "system"),
    Case("sparse-1tib", {P: b"3.12 "}, "3.12.1", sparse=1 << 40),
    # --- variables
    Case("pyswitch-version", {P: b"3.8\n"}, "3.12.1", env={"PYSWITCH_VERSION": "3.12"}),
    Case("pyswitch-version-blank", {P: b"3.8\n"}, "3.8.18", env={"PYSWITCH_VERSION": " "}),
    Case("pyswitch-version-whitespace", {P: b"3.8\n"}, "3.8.18", env={"PYSWITCH_VERSION": "\t\r\n "}),
    Case("pyswitch-version-several", {P: b"3.8\n"}, "3.12.1", env={"PYSWITCH_VERSION": "3.12 3.8"}),
    Case("pyswitch-version-refused", {P: b"3.12\n"}, "3.8.18", env={"PYSWITCH_VERSION": "../x 3.8"}),
    Case("pyswitch-version-missing", {P: b"3.12\n"}, "error: is not installed", env={"PYSWITCH_VERSION": "3.99"}),
    Case("pyenv-version", {P: b"3.8\n"}, "3.12.1", env={"PYENV_VERSION": "3.12.1"}),
    Case("pyenv-version-list", {P: b"3.8\n"}, "3.13.0", env={"PYENV_VERSION": "3.13.0:3.8.18"}),
    Case("pyenv-version-blank", {P: b"3.8\n"}, "3.8.18", env={"PYENV_VERSION": "  "}),
    Case("pyswitch-version-beats-pyenv-version", {P: b"3.8\n"}, "3.13.0",
         env={"PYSWITCH_VERSION": "3.13", "PYENV_VERSION": "3.12.1"}),
    Case("pyswitch-version-conda", {}, "conda:ml", env={"PYSWITCH_VERSION": "conda:ml"}),
    # --- the same rules where the hooks must activate something (a conda env, a virtualenv)
    Case("cr-at-line-start-conda", {P: b"\rconda:ml\n3.8\n"}, "conda:ml"),
    Case("nul-then-conda", {P: b"3.12\x00\nconda:ml\n"}, "conda:ml"),
    Case("refused-then-virtualenv", {P: b"../web\nweb\n"}, "3.11.99/envs/web"),
    Case("fifo-child-conda-parent", {P: b"conda:ml\n", "sub/" + P: FIFO}, "conda:ml", cwd="sub"),
    Case("symlink-to-secret-virtualenv-parent", {P: b"web\n", "secret": b"conda:ml\n", "sub/" + P: link("../secret")},
         "3.11.99/envs/web", cwd="sub"),
    Case("pyswitch-version-blank-conda-file", {P: b"conda:ml\n"}, "conda:ml", env={"PYSWITCH_VERSION": " \t"}),
    Case("pyenv-version-virtualenv", {P: b"3.8\n"}, "3.11.99/envs/web", env={"PYENV_VERSION": "web"}),
    Case("pyenv-version-blank-conda-file", {P: b"conda:ml\n"}, "conda:ml", env={"PYENV_VERSION": "\n"}),
    Case("pyswitch-version-conda-beats-file", {P: b"web\n"}, "conda:ml", env={"PYSWITCH_VERSION": "conda:ml"}),
    Case("sparse-1tib-conda", {P: b"conda:ml "}, "conda:ml", sparse=1 << 40),
    # --- uv's, mise's and asdf's Pythons: one namespace with pyenv's
    Case("uv", {P: b"uv:3.11\n"}, "uv:3.11.7"),
    Case("mise", {P: b"mise:3.10\n"}, "mise:3.10.13"),
    Case("asdf", {P: b"asdf:3\n"}, "asdf:3.9.18"),
    Case("bare-falls-to-uv", {P: b"3.11.7\n"}, "uv:3.11.7"),  # pyenv has 3.11.99, never 3.11.7
    Case("bare-falls-to-mise", {P: b"3.10\n"}, "mise:3.10.13"),
    Case("bare-falls-to-asdf", {P: b"python-3.9\n"}, "asdf:3.9.18"),
    Case("installer-in-pyswitch-version", {P: b"3.8\n"}, "mise:3.10.13", env={"PYSWITCH_VERSION": "mise:3.10"}),
    Case("installer-secondary", {P: b"3.8\nuv:3.11\n"}, "3.8.18"),
    # --- no version file here or above
    Case("nothing", {}, "system"),
    Case("global", {}, "3.12.1", world="global"),
    Case("global-beaten-by-local", {P: b"3.8\n"}, "3.8.18", world="global"),
    Case("pyenv-global", {}, "3.13.0", world="pyenv-global"),
]


@dataclass
class World:
    roots: Roots
    env: Dict[str, str]
    projects: Path
    start: Path
    cases: List[Case]

    def case_dir(self, case: Case) -> Path:
        return self.projects / case.slug

    def cwd(self, case: Case) -> Path:
        return self.case_dir(case) / case.cwd

    def case_env(self, case: Case) -> Dict[str, str]:
        return dict(self.env, **case.env)

    def pyswitch(self, *args: str, cwd: Path, env: Optional[Dict[str, str]] = None, timeout: float = 60):
        return subprocess.run([str(BIN / "pyswitch"), *args], cwd=str(cwd), env=env or self.env,
                              capture_output=True, text=True, timeout=timeout)

    def cache_generation(self) -> str:
        with open(self.roots.root / "cache" / "resolve.sh", encoding="utf-8") as f:
            return f.readline()


def real_available() -> bool:
    return all((REAL_VERSIONS / v / "bin" / "python").exists() for v in (*REAL, *OTHERS.values()))


def _venv(python: Path, where: Path) -> Path:
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
    return where


def _conda_meta(prefix: Path, python_version: Optional[str]) -> None:
    meta = prefix / "conda-meta"
    meta.mkdir(parents=True, exist_ok=True)
    (meta / "history").write_text("==> 2026-01-01 00:00:00 <==\n# cmd: conda create -n x python\n")
    if python_version:
        record = {"name": "python", "version": python_version, "build": "h955ad1f_0", "build_number": 0,
                  "channel": "https://repo.anaconda.com/pkgs/main/linux-64"}
        (meta / f"python-{python_version}-h955ad1f_0.json").write_text(json.dumps(record))


def build_world(base: Path, kind: str, cases: List[Case]) -> World:
    """The environments every case chooses among, then one folder per case."""
    roots = Roots(base)
    v = roots.versions
    for name in REAL:
        roots.link_version(name)
    (v / "3.13.0t").symlink_to(REAL_VERSIONS / "3.13.0")          # a free-threaded build's name
    (v / "pypy3.10-7.3.17").symlink_to(REAL_VERSIONS / "3.12.1")  # a PyPy build's name
    # a version of our own, so pyenv-virtualenv envs can live inside it
    (v / "3.11.99").mkdir()
    (v / "3.11.99" / "bin").symlink_to(REAL_VERSIONS / "3.12.1" / "bin")
    _venv(v / "3.11.99" / "bin" / "python", v / "3.11.99" / "envs" / "web")
    _venv(v / "3.11.99" / "bin" / "python", v / "3.11.99" / "envs" / "solo")
    (v / "web").symlink_to(v / "3.11.99" / "envs" / "web")  # pyenv-virtualenv's short-name link
    # a virtualenv whose base interpreter was uninstalled
    orphan = v / "orphan"
    (orphan / "bin").mkdir(parents=True)
    gone = base / "gone" / "bin"
    (orphan / "pyvenv.cfg").write_text(f"home = {gone}\nversion = 3.11.4\n")
    (orphan / "bin" / "python").symlink_to(gone / "python3.11")
    # conda: a root (base), an env with python, an env without
    croot = base / "conda"
    _venv(REAL_VERSIONS / "3.13.0" / "bin" / "python", croot)
    _conda_meta(croot, "3.13.0")
    (croot / "envs").mkdir()
    ml = _venv(REAL_VERSIONS / "3.12.1" / "bin" / "python", croot / "envs" / "ml")
    _conda_meta(ml, "3.12.1")
    nopy = croot / "envs" / "nopy"
    _conda_meta(nopy, None)
    write_exe(nopy / "bin" / "curl", "#!/bin/sh\necho conda curl\n")
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    data = roots.home / ".local" / "share"
    _venv(REAL_VERSIONS / OTHERS["uv"] / "bin" / "python", data / "uv" / "python" / f"cpython-{OTHERS['uv']}-linux-x86_64-gnu")
    _venv(REAL_VERSIONS / OTHERS["mise"] / "bin" / "python", data / "mise" / "installs" / "python" / OTHERS["mise"])
    _venv(REAL_VERSIONS / OTHERS["asdf"] / "bin" / "python", roots.home / ".asdf" / "installs" / "python" / OTHERS["asdf"])
    if kind == "global":
        roots.root.mkdir(parents=True, exist_ok=True)
        (roots.root / "version").write_text("3.12\n")
    elif kind == "pyenv-global":
        (roots.pyenv_root / "version").write_text("3.13\n")
    env = dict(roots.env)
    env.pop("PYSWITCH_VERSION", None)
    env.pop("PYENV_VERSION", None)
    projects = base / "projects"
    start = base / "start"
    start.mkdir()
    world = World(roots, env, projects, start, cases)
    for case in cases:
        _make_case(world, case)
    return world


def _make_case(world: World, case: Case) -> None:
    top = world.case_dir(case)
    top.mkdir(parents=True)
    for rel, content in case.files.items():
        path = top / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content == FIFO:
            os.mkfifo(path)
        elif content == FOLDER:
            path.mkdir()
        elif content[0] == "link":
            path.symlink_to(content[1])
        elif content[0] == "venv":
            _venv(world.roots.versions / content[1] / "bin" / "python", path)
            if content[2] == "trusted":
                world.pyswitch("trust", cwd=path.parent)
        elif content[0] == "venv-then-link":
            _venv(world.roots.versions / content[1] / "bin" / "python", path)
            world.pyswitch("trust", cwd=path.parent)
            elsewhere = _venv(world.roots.versions / content[1] / "bin" / "python", top.parent / f"{case.slug}-elsewhere")
            os.rename(path, top / ".venv-old")
            path.symlink_to(elsewhere)
    if case.sparse:
        os.truncate(top / P, case.sparse)
    (world.cwd(case)).mkdir(parents=True, exist_ok=True)
