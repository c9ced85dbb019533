"""Fabricate, for tests, the on-disk layouts that uv, mise and asdf leave for
the Python interpreters they manage on Linux.

Standard library only; Python 3.8 compatible.  Nothing here runs an installer
or looks at the real home folder: every function writes only below the folder
it is given.

The layouts were read from the tools' own source and docs; see
docs/other-installers.md for the sources and the uncertain points.
In short:

uv (``UV_PYTHON_INSTALL_DIR``, default ``$XDG_DATA_HOME/uv/python``)::

    .gitignore                      "*"
    .lock                           lock file (empty)
    .temp/                          scratch dir for downloads being unpacked
    cpython-3.12.4-linux-x86_64-gnu/
        BUILD                       (uv >= 0.9.27) build tag, e.g. "20240726"
        bin/python3.12              canonical interpreter
        bin/python3 -> python3.12
        bin/python  -> python3.12
        lib/python3.12/EXTERNALLY-MANAGED
        include/python3.12/  share/
    cpython-3.12-linux-x86_64-gnu -> <abs>/cpython-3.12.4-linux-x86_64-gnu
                                    (minor-version link; preview in 0.7.x-0.9.x,
                                    default since uv 0.10.0)
    ~/.local/bin/python3.12 -> <abs path into the install>   (uv >= 0.8.0)

mise (``MISE_DATA_DIR``, default ``$XDG_DATA_HOME/mise``)::

    installs/.mise-installs.toml    consolidated manifest (newer mise)
    installs/python/.mise.backend.toml   per-tool sidecar (mise >= 2026.5)
    installs/python/.mise.backend   older text metadata ("python\\ncore:python")
    installs/python/3.11.7/bin/python3.11, python3 -> python3.11, python
    installs/python/3.11 -> ./3.11.7     runtime symlinks (relative, "./")
    installs/python/3    -> ./3.11.7
    installs/python/latest -> ./3.11.7
    shims/python3.11 -> /path/to/mise   (shims are symlinks to the mise binary)

asdf (``ASDF_DATA_DIR``, default ``~/.asdf``)::

    installs/python/3.9.18/         a python-build prefix
        bin/python3.9, python3 -> python3.9, python -> python3.9, pip...
    installs/python/3.9 -> <abs>/installs/python/3.9.18   (only when the user
                                    asked asdf-python for a partial version)
    plugins/python/                 the asdf-python plugin (+ a pyenv clone)
    shims/python3.9                 bash script "# asdf-plugin: python 3.9.18"

Every ``make_*`` function returns the installation prefix (the folder that
holds ``bin/``).  When ``python_target`` (a real interpreter) is given, the
canonical ``bin/pythonX.Y`` entry is a symlink to it, so the fabricated
install really runs; otherwise it is a tiny ``/bin/sh`` script that answers
``-V``/``--version`` with ``Python <version>`` and ``-c '...version_info...'``
with the version.
"""

import os
import re
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple, Union

PathLike = Union[str, "os.PathLike[str]"]

__all__ = [
    "parse_version",
    "uv_install_key",
    "uv_minor_key",
    "make_uv_python",
    "make_mise_python",
    "make_mise_shims",
    "make_asdf_python",
    "fake_python_script",
    "fake_tool",
    "read_fake_tool_calls",
    "UV_EXTERNALLY_MANAGED",
]

# Exact text uv writes to <stdlib>/EXTERNALLY-MANAGED (crates/uv-python/src/managed.rs).
UV_EXTERNALLY_MANAGED = (
    "[externally-managed]\n"
    "Error=This Python installation is managed by uv and should not be modified.\n"
)

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?((?:a|b|rc)\d+)?$")


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

def parse_version(version):
    # type: (str) -> Tuple[int, int, Optional[int], str]
    """Split ``"3.14.0rc1"`` into ``(3, 14, 0, "rc1")``.

    The patch may be missing (``"3.12"`` gives ``(3, 12, None, "")``).
    Raises ValueError for anything that is not a CPython-style version.
    """
    m = _VERSION_RE.match(version)
    if not m:
        raise ValueError("not a CPython version: %r" % (version,))
    patch = int(m.group(3)) if m.group(3) is not None else None
    return int(m.group(1)), int(m.group(2)), patch, m.group(4) or ""


def _mkdir(path):
    # type: (Path) -> Path
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(path, text, mode=None):
    # type: (Path, str, Optional[int]) -> Path
    _mkdir(path.parent)
    with open(str(path), "w") as fh:
        fh.write(text)
    if mode is not None:
        os.chmod(str(path), mode)
    return path


def _symlink(target, link):
    # type: (Union[str, Path], Path) -> Path
    """Create (or replace) ``link`` pointing at ``target`` (kept verbatim,
    so a relative target stays relative)."""
    _mkdir(link.parent)
    if link.is_symlink() or link.exists():
        if link.is_dir() and not link.is_symlink():
            raise FileExistsError("%s is a real directory" % link)
        link.unlink()
    os.symlink(str(target), str(link))
    return link


def _touch(path):
    # type: (Path) -> Path
    _mkdir(path.parent)
    if not path.exists():
        open(str(path), "a").close()
    return path


def _sh_quote(text):
    # type: (str) -> str
    return "'" + text.replace("'", "'\"'\"'") + "'"


def fake_python_script(version, banner=None):
    # type: (str, Optional[str]) -> str
    """Return the text of a ``/bin/sh`` stand-in for an interpreter.

    * ``-V`` / ``--version`` print ``banner`` (default ``Python <version>``).
    * ``-c CODE`` prints ``<version>`` when CODE mentions ``version_info``,
      ``python_version`` or ``sys.version``; any other ``-c`` prints nothing.
    * Leading isolation flags (``-I -E -s -S -B -u``) are skipped.
    * Anything else exits 0 silently.
    """
    banner = banner if banner is not None else "Python %s" % version
    return (
        "#!/bin/sh\n"
        "# Fake interpreter fabricated by installer_layouts.py for tests.\n"
        "while [ $# -gt 0 ]; do\n"
        "  case \"$1\" in\n"
        "    -I|-E|-s|-S|-B|-u) shift ;;\n"
        "    *) break ;;\n"
        "  esac\n"
        "done\n"
        "case \"$1\" in\n"
        "  -V|--version) printf '%%s\\n' %s; exit 0 ;;\n"
        "  -c)\n"
        "    case \"$2\" in\n"
        "      *version_info*|*python_version*|*sys.version*) printf '%%s\\n' %s ;;\n"
        "    esac\n"
        "    exit 0 ;;\n"
        "esac\n"
        "exit 0\n"
    ) % (_sh_quote(banner), _sh_quote(version))


def _make_interpreter(path, version, python_target, banner=None):
    # type: (Path, str, Optional[PathLike], Optional[str]) -> Path
    """The canonical executable: a symlink to a real interpreter, or a fake."""
    if python_target is not None:
        return _symlink(os.path.abspath(str(python_target)), path)
    if path.is_symlink():
        path.unlink()
    return _write(path, fake_python_script(version, banner), 0o755)


def _stub(path, text="#!/bin/sh\nexit 0\n"):
    # type: (Path, str) -> Path
    """A harmless executable that is NOT an interpreter (pip, pydoc, ...)."""
    return _write(path, text, 0o755)


def _stub_pip(bin_dir, mm, python_name):
    # type: (Path, str, str) -> None
    # Real pip launchers are Python scripts with an absolute shebang; for tests
    # a sh stub is enough and can never be mistaken for an interpreter.
    for name in ("pip" + mm, "pip3"):
        _stub(bin_dir / name, "#!/bin/sh\n# pip launcher stub (for %s)\nexit 0\n" % python_name)


# --------------------------------------------------------------------------
# uv
# --------------------------------------------------------------------------

# Python variants as uv spells them in the folder name (the part after "+"),
# with the executable suffix and the stdlib-folder suffix for each.
# Source: PythonVariant::{display_suffix,executable_suffix,lib_suffix}.
_UV_VARIANTS = {
    None: ("", "", ""),
    "default": ("", "", ""),
    "freethreaded": ("+freethreaded", "t", "t"),
    "debug": ("+debug", "d", ""),
    "freethreaded+debug": ("+freethreaded+debug", "td", "t"),
    "gil": ("+gil", "", ""),
    "gil+debug": ("+gil+debug", "d", ""),
}


def uv_install_key(version, implementation="cpython", variant=None,
                   os_name="linux", arch="x86_64", libc="gnu"):
    # type: (str, str, Optional[str], str, str, str) -> str
    """Folder name uv uses for one installation, e.g.
    ``cpython-3.12.4-linux-x86_64-gnu``,
    ``cpython-3.13.1+freethreaded-linux-x86_64-gnu``,
    ``cpython-3.14.0rc1-linux-aarch64-musl``, ``pypy-3.10.14-linux-x86_64-gnu``.

    ``version`` is the *Python language* version (also for PyPy/GraalPy).
    """
    major, minor, patch, pre = parse_version(version)
    if patch is None:
        raise ValueError("uv install keys always carry a patch version")
    if variant not in _UV_VARIANTS:
        raise ValueError("unknown uv variant %r" % (variant,))
    suffix = _UV_VARIANTS[variant][0]
    return "%s-%d.%d.%d%s%s-%s-%s-%s" % (
        implementation, major, minor, patch, pre, suffix, os_name, arch, libc)


def uv_minor_key(version, implementation="cpython", variant=None,
                 os_name="linux", arch="x86_64", libc="gnu"):
    # type: (str, str, Optional[str], str, str, str) -> str
    """Name of uv's minor-version link, e.g. ``cpython-3.12-linux-x86_64-gnu``
    (patch and pre-release dropped, variant kept)."""
    major, minor, _patch, _pre = parse_version(version)
    suffix = _UV_VARIANTS[variant][0]
    return "%s-%d.%d%s-%s-%s-%s" % (
        implementation, major, minor, suffix, os_name, arch, libc)


def _uv_root_entries(install_dir, legacy_cache=False):
    # type: (Path, bool) -> None
    """The non-interpreter entries uv keeps in its install dir."""
    _mkdir(install_dir)
    gitignore = install_dir / ".gitignore"
    if not gitignore.exists():
        _write(gitignore, "*")          # uv writes exactly "*" (no newline)
    _touch(install_dir / ".lock")       # LockedFile at <root>/.lock
    _mkdir(install_dir / ".temp")       # scratch dir (uv >= ~0.4)
    if legacy_cache:
        # Early uv (2024, before PR #5787) unpacked downloads in <root>/.cache.
        _mkdir(install_dir / ".cache")


def make_uv_python(install_dir, version, implementation="cpython", variant=None,
                   python_target=None, os_name="linux", arch="x86_64", libc="gnu",
                   minor_link=False, bin_dir=None, bin_through_minor_link=None,
                   default_executables=False, build="20240726",
                   legacy_cache=False):
    # type: (PathLike, str, str, Optional[str], Optional[PathLike], str, str, str, bool, Optional[PathLike], Optional[bool], bool, Optional[str], bool) -> Path
    """Fabricate one ``uv python install`` result below ``install_dir`` and
    return its prefix (``install_dir/<key>``).

    ``implementation``: ``"cpython"``, ``"pypy"`` or ``"graalpy"``.
    ``variant``: None, ``"freethreaded"``, ``"debug"``, ``"freethreaded+debug"``.
    ``minor_link``: also create ``<impl>-X.Y[+variant]-<platform>`` -> prefix
        (absolute symlink; CPython only, as uv does).  uv points it at the
        highest installed patch; this helper simply points it at this one.
    ``bin_dir``: also create the executable link uv puts in ``~/.local/bin``
        (``python3.12``, ``python3.13t``; ``pypy3.10`` / ``graalpy3.11`` as
        uv >= 0.10 names them).  ``default_executables`` adds ``python3`` and
        ``python`` there too (``uv python install --default``).
        ``bin_through_minor_link`` (default: same as ``minor_link``) makes the
        link go through the minor-version folder, as upgradeable installs do.
    ``build``: content of the ``BUILD`` file (uv >= 0.9.27); None for none.
    ``legacy_cache``: also create the ``.cache`` dir of 2024-era uv.
    """
    install_dir = Path(os.path.abspath(str(install_dir)))
    _uv_root_entries(install_dir, legacy_cache=legacy_cache)
    major, minor, _patch, _pre = parse_version(version)
    mm = "%d.%d" % (major, minor)
    key = uv_install_key(version, implementation, variant, os_name, arch, libc)
    prefix = install_dir / key
    bindir = _mkdir(prefix / "bin")
    exe_suffix = _UV_VARIANTS[variant][1]
    lib_suffix = _UV_VARIANTS[variant][2]

    if implementation == "cpython":
        canonical = "python%s%s" % (mm, exe_suffix)          # python3.12, python3.13t
        _make_interpreter(bindir / canonical, version, python_target)
        # python-build-standalone ships python3 -> python3.X and (since
        # 20240726) python -> python3.X; uv adds "python" itself if missing.
        _symlink(canonical, bindir / ("python%d" % major))
        _symlink(canonical, bindir / "python")
        if exe_suffix:
            # Variant builds: also the un-suffixed minor name.  UNCERTAIN which
            # extra names a given python-build-standalone release ships.
            _symlink(canonical, bindir / ("python%d%s" % (major, exe_suffix)))
        for tool in ("pydoc", "idle"):
            _stub(bindir / ("%s%s" % (tool, mm)))
            _symlink("%s%s" % (tool, mm), bindir / ("%s%d" % (tool, major)))
        _stub(bindir / ("python%s%s-config" % (mm, exe_suffix)))
        _symlink("python%s%s-config" % (mm, exe_suffix), bindir / ("python%d-config" % major))
        _stub_pip(bindir, mm, canonical)
        stdlib = _mkdir(prefix / "lib" / ("python%s%s" % (mm, lib_suffix)))
        _mkdir(stdlib / "site-packages")
        _write(stdlib / "os.py", "# stdlib placeholder\n")
        _mkdir(prefix / "include" / ("python%s%s" % (mm, exe_suffix)))
        _mkdir(prefix / "lib" / "pkgconfig")
        _mkdir(prefix / "share" / "man" / "man1")
    elif implementation == "pypy":
        canonical = "pypy%s" % mm                              # pypy3.10
        _make_interpreter(bindir / canonical, version, python_target,
                          banner="Python %s" % version)
        # PyPy tarballs link these names to pypy3.X (UNCERTAIN: exact set).
        for name in ("pypy%d" % major, "pypy", "python%s" % mm,
                     "python%d" % major, "python"):
            _symlink(canonical, bindir / name)
        _write(bindir / ("libpypy%s-c.so" % mm), "")           # shared library, not executable
        stdlib = _mkdir(prefix / "lib" / ("pypy%s" % mm))
        _mkdir(stdlib / "site-packages")
        _mkdir(prefix / "include" / ("pypy%s" % mm))
    elif implementation == "graalpy":
        canonical = "graalpy"                                  # no version suffix
        _make_interpreter(bindir / canonical, version, python_target,
                          banner="Python %s" % version)
        # UNCERTAIN: exact extra names in GraalPy archives.
        for name in ("python", "python%d" % major):
            _symlink(canonical, bindir / name)
        stdlib = _mkdir(prefix / "lib" / ("python%s" % mm))
        _mkdir(stdlib / "site-packages")
    else:
        raise ValueError("unsupported implementation %r" % (implementation,))

    # uv marks every managed stdlib as externally managed (ensure_externally_managed).
    _write(stdlib / "EXTERNALLY-MANAGED", UV_EXTERNALLY_MANAGED)
    if build is not None:
        _write(prefix / "BUILD", build)

    minor_dir = None
    if minor_link and implementation == "cpython":
        minor_dir = install_dir / uv_minor_key(version, implementation, variant,
                                               os_name, arch, libc)
        _symlink(str(prefix), minor_dir)                      # absolute, like uv

    if bin_dir is not None:
        bin_dir = Path(os.path.abspath(str(bin_dir)))
        through = minor_link if bin_through_minor_link is None else bin_through_minor_link
        base = minor_dir if (through and minor_dir is not None) else prefix
        target = base / "bin" / canonical
        install_name = {"cpython": "python", "pypy": "pypy", "graalpy": "graalpy"}[implementation]
        names = ["%s%s%s" % (install_name, mm, exe_suffix)]
        if default_executables:
            names += ["%s%d%s" % (install_name, major, exe_suffix),
                      "%s%s" % (install_name, exe_suffix)]
        for name in names:
            _symlink(str(target), bin_dir / name)           # absolute, like uv
    return prefix


# --------------------------------------------------------------------------
# mise
# --------------------------------------------------------------------------

def _mise_sort_key(name):
    # type: (str) -> Tuple
    parts = re.split(r"[.\-]", name)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _is_runtime_symlink(path):
    # type: (Path) -> bool
    """mise treats a link whose target starts with "./" as its own alias."""
    return path.is_symlink() and os.readlink(str(path)).startswith("./")


def _mise_rebuild_runtime_symlinks(tool_dir):
    # type: (Path) -> None
    """Emulate mise's runtime_symlinks::rebuild for one tool folder:
    for every installed version X.Y.Z create X -> ./X.Y.Z, X.Y -> ./X.Y.Z and
    latest -> ./X.Y.Z, the highest version winning.  Pre-releases are left
    out (older mise filters them with VERSION_REGEX; UNCERTAIN for the newest
    mise)."""
    for entry in list(tool_dir.iterdir()):
        if _is_runtime_symlink(entry):
            entry.unlink()
    versions = []
    for entry in tool_dir.iterdir():
        name = entry.name
        if name.startswith(".") or not entry.is_dir() or _is_runtime_symlink(entry):
            continue
        if re.search(r"(a|b|rc)\d+$", name):
            continue
        versions.append(name)
    links = {}  # type: Dict[str, str]
    for v in sorted(versions, key=_mise_sort_key):
        parts = v.split(".")
        for i in range(1, len(parts)):
            links[".".join(parts[:i])] = "./" + v
        links["latest"] = "./" + v
    for name, target in links.items():
        link = tool_dir / name
        if link.exists() and not link.is_symlink():
            continue  # a real install with that name wins
        _symlink(target, link)


def _mise_metadata(installs, tool_dir, metadata):
    # type: (Path, Path, str) -> None
    """Backend metadata files (not interpreters).

    * ``"legacy"``  : ``installs/python/.mise.backend`` (text, 2024-2025 mise)
    * ``"manifest"``: ``installs/.mise-installs.toml`` only
    * ``"sidecar"`` : manifest + ``installs/python/.mise.backend.toml``
                      (mise >= 2026.5, PR #9941)
    * ``"none"``    : nothing
    """
    if metadata == "none":
        return
    if metadata == "legacy":
        _write(tool_dir / ".mise.backend", "python\ncore:python")
        return
    if metadata not in ("manifest", "sidecar"):
        raise ValueError("metadata must be legacy, manifest, sidecar or none")
    body = 'short = "python"\nfull = "core:python"'
    manifest = installs / ".mise-installs.toml"
    existing = manifest.read_text() if manifest.exists() else ""
    if "[python]" not in existing:
        text = (existing.rstrip() + "\n\n" if existing.strip() else "") + "[python]\n" + body
        _write(manifest, text)
    if metadata == "sidecar":
        _write(tool_dir / ".mise.backend.toml", body)


def make_mise_python(data_dir, version, python_target=None, short_links=True,
                     compiled=False, freethreaded=False, metadata="sidecar",
                     incomplete=False):
    # type: (PathLike, str, Optional[PathLike], bool, bool, bool, str, bool) -> Path
    """Fabricate ``mise install python@<version>`` below ``data_dir``
    (a stand-in for ``MISE_DATA_DIR``) and return
    ``data_dir/installs/python/<version>``.

    ``compiled``: python-build layout (``python`` -> ``python3.X``, pip/pydoc
        links) instead of the default precompiled python-build-standalone one.
    ``freethreaded``: the ``freethreaded-*`` precompiled flavor; it installs
        into the same ``<version>`` folder with ``python3.Xt`` as interpreter.
    ``short_links``: rebuild mise's ``3``, ``3.11``, ``latest`` links.
    ``metadata``: see ``_mise_metadata``.
    ``incomplete``: drop an ``incomplete`` marker in the prefix (the newest
        mise skips such folders; older mise kept the marker in
        ``$MISE_CACHE_DIR/python/<version>/incomplete`` instead).
    """
    data_dir = Path(os.path.abspath(str(data_dir)))
    major, minor, _patch, _pre = parse_version(version)
    mm = "%d.%d" % (major, minor)
    installs = _mkdir(data_dir / "installs")
    tool_dir = _mkdir(installs / "python")
    prefix = tool_dir / version
    bindir = _mkdir(prefix / "bin")
    t = "t" if freethreaded else ""
    canonical = "python%s%s" % (mm, t)
    _make_interpreter(bindir / canonical, version, python_target)
    _symlink(canonical, bindir / ("python%d" % major))
    if compiled:
        # pyenv python-build: build_package_symlink_version_suffix() links
        # every <name>3.X to <name> (relative).
        _symlink(canonical, bindir / "python")
        for tool in ("pydoc", "idle", "pip"):
            _stub(bindir / ("%s%s" % (tool, mm)))
            _symlink("%s%s" % (tool, mm), bindir / ("%s%d" % (tool, major)))
            _symlink("%s%s" % (tool, mm), bindir / tool)
        _stub(bindir / ("python%s-config" % mm))
        _symlink("python%s-config" % mm, bindir / ("python%d-config" % major))
        _symlink("python%s-config" % mm, bindir / "python-config")
        _write(prefix / "lib" / ("libpython%s.so.1.0" % mm), "")
        _symlink("libpython%s.so.1.0" % mm, prefix / "lib" / ("libpython%s.so" % mm))
    else:
        # Precompiled (python-build-standalone): PBS >= 20240726 ships
        # python -> python3.X; for older builds mise adds
        # bin/python -> <abs prefix>/bin/python3.  Modern form here.
        _symlink(canonical, bindir / "python")
        _stub(bindir / ("pydoc%s" % mm))
        _symlink("pydoc%s" % mm, bindir / ("pydoc%d" % major))
        _stub_pip(bindir, mm, canonical)
    stdlib = _mkdir(prefix / "lib" / ("python%s%s" % (mm, t)))
    _mkdir(stdlib / "site-packages")
    _write(stdlib / "os.py", "# stdlib placeholder\n")
    _mkdir(prefix / "include" / ("python%s%s" % (mm, t)))
    if incomplete:
        _touch(prefix / "incomplete")
    _mise_metadata(installs, tool_dir, metadata)
    if short_links:
        _mise_rebuild_runtime_symlinks(tool_dir)
    return prefix


def make_mise_shims(data_dir, mise_bin, names=None, version=None):
    # type: (PathLike, PathLike, Optional[Iterable[str]], Optional[str]) -> Path
    """Create ``data_dir/shims`` with one symlink per name pointing at
    ``mise_bin`` (mise's default unix shim mode) and return the folder.
    Default names are the ones a CPython install exposes, derived from
    ``version`` (e.g. python, python3, python3.12, pip, pip3, pip3.12, ...)."""
    shims = _mkdir(Path(os.path.abspath(str(data_dir))) / "shims")
    if names is None:
        if version is None:
            raise ValueError("give names or version")
        major, minor, _p, _pre = parse_version(version)
        mm = "%d.%d" % (major, minor)
        names = ["python", "python%d" % major, "python" + mm,
                 "pip", "pip%d" % major, "pip" + mm,
                 "pydoc%d" % major, "pydoc" + mm,
                 "python%d-config" % major, "python%s-config" % mm]
    for name in names:
        _symlink(os.path.abspath(str(mise_bin)), shims / name)
    return shims


# --------------------------------------------------------------------------
# asdf
# --------------------------------------------------------------------------

def _asdf_shim_text(flavor, exe_name, versions, asdf_dir):
    # type: (str, str, List[str], Path) -> str
    if flavor == "bash":
        # lib/commands/reshim.bash (asdf <= 0.15): sorted unique plugin lines,
        # absolute path to the bash asdf, trailing asdf_allow comment.
        lines = sorted(set("# asdf-plugin: python %s" % v for v in versions))
        return ("#!/usr/bin/env bash\n" + "\n".join(lines) + "\n"
                + 'exec %s/bin/asdf exec "%s" "$@" # asdf_allow: \' asdf \'\n'
                % (asdf_dir, exe_name))
    if flavor == "go":
        # internal/shims/shims.go (asdf >= 0.16): new version first, no
        # trailing newline, "asdf" looked up on PATH.
        seen = []  # type: List[str]
        for v in versions:
            if v not in seen:
                seen.append(v)
        return ("#!/usr/bin/env bash\n"
                + "".join("# asdf-plugin: python %s\n" % v for v in seen)
                + 'exec asdf exec "%s" "$@"' % exe_name)
    raise ValueError("flavor must be 'bash' or 'go'")


def _asdf_shim_versions(path):
    # type: (Path) -> List[str]
    if not path.is_file():
        return []
    out = []
    for line in path.read_text().splitlines():
        m = re.match(r"^# asdf-plugin: python (\S+)", line)
        if m:
            out.append(m.group(1))
    return out


def make_asdf_python(data_dir, version, python_target=None, flavor="go",
                     plugin=True, shims=True, alias=None, asdf_dir=None):
    # type: (PathLike, str, Optional[PathLike], str, bool, bool, Optional[str], Optional[PathLike]) -> Path
    """Fabricate ``asdf install python <version>`` (asdf-python plugin, which
    runs pyenv's python-build) below ``data_dir`` (stand-in for
    ``ASDF_DATA_DIR``) and return ``data_dir/installs/python/<version>``.

    ``flavor``: ``"go"`` (asdf >= 0.16) or ``"bash"`` (asdf <= 0.15); only
        the shim text differs.  ``asdf_dir`` is the bash asdf checkout used
        in bash shims (default: ``data_dir``, the git-clone install).
    ``plugin``: create ``plugins/python`` (plugin scripts + a pyenv clone
        stub), which must never be mistaken for an interpreter.
    ``shims``: write ``shims/<exe>`` scripts, merging plugin lines if a shim
        already exists (as reshim does).
    ``alias``: e.g. ``"3.12"`` creates ``installs/python/3.12 -> <abs prefix>``
        as asdf-python does for ``asdf install python 3.12``.
    """
    data_dir = Path(os.path.abspath(str(data_dir)))
    major, minor, _patch, _pre = parse_version(version)
    mm = "%d.%d" % (major, minor)
    prefix = data_dir / "installs" / "python" / version
    bindir = _mkdir(prefix / "bin")
    canonical = "python" + mm
    _make_interpreter(bindir / canonical, version, python_target)
    # CPython's own `make install` links python3 -> python3.X ...
    _symlink(canonical, bindir / ("python%d" % major))
    _stub(bindir / ("python%s-config" % mm))
    _symlink("python%s-config" % mm, bindir / ("python%d-config" % major))
    for tool in ("pydoc", "idle", "pip"):
        _stub(bindir / ("%s%s" % (tool, mm)))
        _symlink("%s%s" % (tool, mm), bindir / ("%s%d" % (tool, major)))
    # ... and python-build's build_package_symlink_version_suffix() strips the
    # "3.X" suffix: python -> python3.X, pip -> pip3.X, python-config, ...
    _symlink(canonical, bindir / "python")
    _symlink("python%s-config" % mm, bindir / "python-config")
    for tool in ("pydoc", "idle", "pip"):
        _symlink("%s%s" % (tool, mm), bindir / tool)
    lib = _mkdir(prefix / "lib")
    stdlib = _mkdir(lib / canonical)
    _mkdir(stdlib / "site-packages")
    _write(stdlib / "os.py", "# stdlib placeholder\n")
    _write(lib / ("libpython%s.so.1.0" % mm), "")            # --enable-shared
    _symlink("libpython%s.so.1.0" % mm, lib / ("libpython%s.so" % mm))
    _mkdir(lib / "pkgconfig")
    _mkdir(prefix / "include" / canonical)
    _mkdir(prefix / "share" / "man" / "man1")

    if alias:
        alias_path = prefix.parent / alias
        if not (alias_path.exists() and not alias_path.is_symlink()):
            _symlink(str(prefix), alias_path)                 # absolute (ln -sfv)

    if plugin:
        pdir = _mkdir(data_dir / "plugins" / "python")
        for script in ("install", "list-all", "exec-env", "get-version-from-legacy-file"):
            p = pdir / "bin" / script
            if not p.exists():
                _stub(p, "#!/usr/bin/env bash\n# asdf-python plugin stub (fabricated)\nexit 1\n")
        pb = pdir / "pyenv" / "plugins" / "python-build" / "bin" / "python-build"
        if not pb.exists():
            _stub(pb, "#!/usr/bin/env bash\n# python-build stub (fabricated)\nexit 1\n")

    if shims:
        shim_dir = _mkdir(data_dir / "shims")
        adir = Path(os.path.abspath(str(asdf_dir))) if asdf_dir else data_dir
        for entry in sorted(bindir.iterdir()):
            if not os.access(str(entry), os.X_OK) or entry.is_dir():
                continue  # asdf only shims executables
            shim = shim_dir / entry.name
            old = _asdf_shim_versions(shim)
            versions = [version] + [v for v in old if v != version]
            _write(shim, _asdf_shim_text(flavor, entry.name, versions, adir), 0o755)
    return prefix


# --------------------------------------------------------------------------
# fake uv / mise on PATH
# --------------------------------------------------------------------------

def fake_tool(path, name, output=None):
    # type: (PathLike, str, Optional[str]) -> Path
    """Write ``<path>/<name>``: an executable ``/bin/sh`` script that appends
    one line per call to ``<path>/<name>.log`` (its arguments joined by TAB;
    an empty line for a call without arguments), prints ``output`` (if any)
    to stdout, and exits 0.  Returns the script path."""
    folder = _mkdir(Path(os.path.abspath(str(path))))
    script = folder / name
    log = folder / (name + ".log")
    text = (
        "#!/bin/sh\n"
        "# Fake %s fabricated by installer_layouts.py: records its arguments.\n"
        "log=%s\n"
        "tab=$(printf '\\t')\n"
        "line=''\n"
        "first=1\n"
        "for a in \"$@\"; do\n"
        "  if [ \"$first\" = 1 ]; then line=$a; first=0; else line=\"$line$tab$a\"; fi\n"
        "done\n"
        "printf '%%s\\n' \"$line\" >> \"$log\"\n"
    ) % (name, _sh_quote(str(log)))
    if output is not None:
        text += "printf '%%s' %s\n" % _sh_quote(output)
    text += "exit 0\n"
    _write(script, text, 0o755)
    return script


def read_fake_tool_calls(path, name):
    # type: (PathLike, str) -> List[List[str]]
    """Parse ``<path>/<name>.log`` back into one argument list per call."""
    log = Path(str(path)) / (name + ".log")
    if not log.exists():
        return []
    calls = []
    for line in log.read_text().split("\n")[:-1]:
        calls.append(line.split("\t") if line else [])
    return calls


if __name__ == "__main__":  # pragma: no cover - tiny self-demo into a temp dir
    import tempfile
    root = Path(tempfile.mkdtemp(prefix="installer-layouts-"))
    print(make_uv_python(root / "uv" / "python", "3.12.4", minor_link=True,
                         bin_dir=root / "bin"))
    print(make_mise_python(root / "mise", "3.11.7"))
    print(make_asdf_python(root / "asdf", "3.9.18"))
    print(fake_tool(root / "fakebin", "uv"))
    for dirpath, dirnames, filenames in os.walk(str(root)):
        depth = dirpath[len(str(root)):].count(os.sep)
        if depth <= 3:
            print(dirpath[len(str(root)):] or "/", sorted(dirnames + filenames))
