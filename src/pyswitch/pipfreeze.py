"""The lines `pip freeze` prints for an environment, worked out from its disk.

pip's own rules, followed as the pip inside the environment applies them (its version is read
from its `.dist-info`; an environment without pip gets the newest pip's rules):
- one line per distribution, sorted case-insensitively by the Name pip shows (METADATA's, as
  written), `name==version` with the version in PEP 440 normal form (`===` when it is not PEP 440);
- PEP 610 `direct_url.json`: `name @ URL` (archives and folders), `name @ vcs+URL@commit` (VCS),
  with `#sha256=...`/`subdirectory=` fragments as pip adds them;
- editable installs: `-e /project/folder` after a `# Editable install with no version control`
  comment, or `-e git+URL@commit#egg=name` when the project is in a git work tree with a
  remote (read from `.git` on disk, the way `git config`/`git rev-parse` would answer);
- left out: pip itself, and setuptools, wheel and distribute except where pip >= 23.2 runs on
  Python >= 3.12 (pip stopped hiding them there); python, wsgiref and argparse always;
- pip before 21.2 (Python 3.6's 18.1, 2.7's 19.2.3): pkg_resources' spelling of names
  (`typing-extensions`), and a first `-f LINK` line for each find-links of pip's configuration.
"""
from __future__ import annotations

import os
import re
from typing import Collection, List, NamedTuple, Optional, Sequence, Tuple

from pyswitch.packages import Dist, normalized_version

STDLIB_PKGS = frozenset({"python", "wsgiref", "argparse"})
BUILD_BACKENDS = frozenset({"setuptools", "distribute", "wheel"})
_SCP = r"^(\w+@)?([^/:]+):(\w[^:]*)$"
_SHA = r"^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$"


class Frozen(NamedTuple):
    """One distribution as pip freeze prints it."""

    dist: Dist
    name: str                 # what pip sorts and shows: METADATA's Name as written
    version: str              # the version pip shows
    requirement: str          # the requirement line without `-e `: `six==1.16.0`, `x @ file:///...`
    editable: bool
    comments: Tuple[str, ...] = ()
    location: Optional[str] = None   # an editable install's project folder

    @property
    def lines(self) -> List[str]:
        return list(self.comments) + [f"-e {self.requirement}" if self.editable else self.requirement]

    @property
    def reference(self) -> Optional[str]:
        """What a URL requirement names: the part after ` @ `, or the editable's target."""
        if self.editable:
            return self.requirement
        head, sep, url = self.requirement.partition(" @ ")
        return url if sep else None


class PipRules(NamedTuple):
    """Which pip is freezing: its version decides what it hides and where versions come from."""

    pip_version: Optional[Tuple[int, ...]]   # None: no pip in the environment (newest rules)
    python: Tuple[int, int]

    @property
    def hidden(self) -> frozenset:
        modern = self.pip_version is None or self.pip_version >= (23, 2)
        if modern and self.python >= (3, 12):
            return STDLIB_PKGS | {"pip"}
        return STDLIB_PKGS | {"pip"} | BUILD_BACKENDS

    @property
    def legacy(self) -> bool:
        """pip < 21.2: pkg_resources' project name (`typing-extensions`), and `-f` for each find-links."""
        return self.pip_version is not None and self.pip_version < (21, 2)

    @property
    def reads_direct_url(self) -> bool:
        """PEP 610 came to pip freeze in pip 20.1."""
        return self.pip_version is None or self.pip_version >= (20, 1)

    @property
    def version_from_folder(self) -> bool:
        """pkg_resources (pip on Python < 3.11) and pip >= 24.2 take the version from the folder name."""
        if self.python < (3, 11):
            return True
        return self.pip_version is None or self.pip_version >= (24, 2)


def rules_for(dists: Sequence[Dist], python_version: Optional[str]) -> PipRules:
    pip = next((d for d in dists if d.key == "pip"), None)
    pip_version = _release(pip.raw_version) if pip is not None else None
    py = (_release(python_version or "") or (3, 99)) + (0,)
    return PipRules(pip_version, (py[0], py[1]))


def _release(version: str) -> Optional[Tuple[int, ...]]:
    m = re.match(r"^(\d+(?:\.\d+)*)", version.strip())
    return tuple(int(x) for x in m.group(1).split(".")) if m else None


def freeze(dists: Sequence[Dist], python_version: Optional[str], egg_links: Collection[str] = ()) -> List[Frozen]:
    """pip freeze's entries for these distributions, in its order, without what it hides.

    `egg_links`: the `.egg-link` file names on the search path (see packages.egg_links)."""
    rules = rules_for(dists, python_version)
    entries = [frozen(d, rules, egg_links) for d in dists if d.key not in rules.hidden]
    entries.sort(key=lambda e: e.name.lower())
    return entries


def freeze_lines(entries: Sequence[Frozen], find_links: Sequence[str] = ()) -> List[str]:
    return [f"-f {link}" for link in find_links] + [line for e in entries for line in e.lines]


def configured_find_links(environ, home: str, prefix: str, in_venv: bool) -> List[str]:
    """The find-links a legacy pip's freeze echoes: pip's config files, then PIP_FIND_LINKS.

    Files from lowest to highest precedence, as pip reads them: PIP_CONFIG_FILE, the site
    files ($XDG_CONFIG_DIRS/pip/pip.conf, /etc/pip.conf), the user's (~/.pip/pip.conf,
    ~/.config/pip/pip.conf), the venv's; a [freeze] value beats a [global] one."""
    import configparser

    files = []
    env_file = environ.get("PIP_CONFIG_FILE")
    if env_file:
        files.append(env_file)
    xdg_dirs = environ.get("XDG_CONFIG_DIRS", "/etc/xdg")
    files += [os.path.join(os.path.expanduser(d), "pip", "pip.conf") for d in xdg_dirs.split(os.pathsep) if d]
    files.append("/etc/pip.conf")
    if not (env_file and os.path.exists(env_file)):
        files += [os.path.join(home, ".pip", "pip.conf"),
                  os.path.join(environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "pip", "pip.conf")]
    if in_venv:
        files.append(os.path.join(prefix, "pip.conf"))
    found = {}
    for path in files:
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        for section in ("global", "freeze"):
            if parser.has_option(section, "find-links"):
                found[section] = parser.get(section, "find-links")
    value = environ.get("PIP_FIND_LINKS") or found.get("freeze") or found.get("global") or ""
    return value.split()


def frozen(dist: Dist, rules: PipRules, egg_links: Collection[str] = ()) -> Frozen:
    raw = dist.raw_version
    if rules.version_from_folder and dist.folder_version:
        raw = dist.folder_version
    version = normalized_version(raw)
    name = re.sub(r"[^A-Za-z0-9.]+", "-", dist.folder_project or dist.name) if rules.legacy else dist.name
    pinned = f"{name}=={version}" if version is not None else f"{name}==={raw}"
    shown = version if version is not None else raw
    location = editable_location(dist, egg_links)
    if location is not None:
        requirement, comments = _editable(location, name, pinned)
        return Frozen(dist, name, shown, requirement, True, tuple(comments), location)
    direct = dist.direct_url if rules.reads_direct_url else None
    if direct is not None:
        return Frozen(dist, name, shown, direct_reference(direct, name), False)
    return Frozen(dist, name, shown, pinned, False)


def editable_location(dist: Dist, egg_links: Collection[str]) -> Optional[str]:
    """The project folder of an editable install (PEP 610, else a legacy .egg-link)."""
    direct = dist.direct_url
    if direct is not None:
        info = direct.get("dir_info")
        if isinstance(info, dict) and info.get("editable") and direct["url"].startswith("file:"):
            return url_to_path(direct["url"])
        return None
    if egg_links:
        for name in (re.sub(r"[^A-Za-z0-9.]+", "-", dist.name), dist.name):
            if f"{name}.egg-link" in egg_links:
                return dist.location
    return None


def direct_reference(direct: dict, name: str) -> str:
    """PEP 440 direct reference for a PEP 610 record, as pip freeze writes it."""
    url = _redacted(direct)
    fragments = []
    vcs = direct.get("vcs_info")
    archive = direct.get("archive_info")
    if vcs is not None:
        ref = f"{name} @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    else:
        ref = f"{name} @ {url}"
        if archive is not None and archive.get("hash"):
            fragments.append(archive["hash"])
    if direct.get("subdirectory"):
        fragments.append("subdirectory=" + direct["subdirectory"])
    return ref + ("#" + "&".join(fragments) if fragments else "")


def _redacted(direct: dict) -> str:
    """The URL without a user:password (kept for git's `git@` and ${VAR} forms), as pip stores it."""
    import urllib.parse

    url = direct["url"]
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, host = parts.netloc.split("@", 1)
    vcs = direct.get("vcs_info") or {}
    if (vcs.get("vcs") == "git" and userinfo == "git") or re.match(r"^\$\{[A-Za-z0-9-_]+\}(:\$\{[A-Za-z0-9-_]+\})?$",
                                                                     userinfo):
        return url
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def url_to_path(url: str) -> str:
    import urllib.parse
    from urllib.request import url2pathname

    _, netloc, path, _, _ = urllib.parse.urlsplit(url)
    if netloc and netloc != "localhost":
        return url2pathname(f"//{netloc}{path}")
    return url2pathname(path)


# --- editable installs and git ----------------------------------------------------------------
def _editable(location: str, name: str, pinned: str) -> Tuple[str, List[str]]:
    location = os.path.normcase(os.path.abspath(location))
    repo = GitRepo.find(location)
    if repo is None:
        return location, [f"# Editable install with no version control ({pinned})"]
    remotes = repo.remote_urls()
    if not remotes:
        return location, [f"# Editable Git install with no remote ({pinned})"]
    url = dict(remotes).get("origin", remotes[0][1])
    pip_url = _git_remote_to_pip_url(url)
    if pip_url is None:
        return location, [f"# Editable Git install ({pinned}) with either a deleted local remote or invalid URI:",
                          f"# '{url}'"]
    commit = repo.head_commit()
    if commit is None:  # `git rev-parse HEAD` fails: no commit yet
        return location, ["## !! Could not determine repository location"]
    if not pip_url.lower().startswith("git:"):
        pip_url = f"git+{pip_url}"
    req = f"{pip_url}@{commit}#egg={name.replace('-', '_')}"
    subdir = _project_subdirectory(location, os.path.dirname(repo.git_dir))
    if subdir:
        req += f"&subdirectory={subdir}"
    return req, []


def _git_remote_to_pip_url(url: str) -> Optional[str]:
    if re.match(r"\w+://", url):
        return url
    if os.path.exists(url):
        import pathlib

        return pathlib.PurePath(os.path.abspath(url)).as_uri()
    m = re.match(_SCP, url)
    if m:
        return m.expand(r"ssh://\1\2/\3")
    return None


def _project_subdirectory(location: str, repo_root: str) -> Optional[str]:
    """Where the project (pyproject.toml or setup.py) is, relative to the repository root."""
    current = location
    while not (os.path.isfile(os.path.join(current, "pyproject.toml"))
               or os.path.isfile(os.path.join(current, "setup.py"))):
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    try:
        if os.path.samefile(repo_root, current):
            return None
    except OSError:
        return None
    return os.path.relpath(current, repo_root)


class GitRepo(NamedTuple):
    """A git work tree, read from its `.git` (folder or `gitdir:` file), never by running git."""

    top: str
    git_dir: str       # the repository's git folder (a worktree's own, for HEAD)
    common_dir: str    # where config, refs and packed-refs live

    @classmethod
    def find(cls, start: str) -> Optional["GitRepo"]:
        current = start
        while True:
            dotgit = os.path.join(current, ".git")
            if os.path.isdir(dotgit):
                return cls._at(current, dotgit)
            if os.path.isfile(dotgit):
                try:
                    with open(dotgit, "r", encoding="utf-8", errors="replace") as f:
                        first = f.readline().strip()
                except OSError:
                    first = ""
                if first.startswith("gitdir:"):
                    target = first[len("gitdir:"):].strip()
                    gitdir = target if os.path.isabs(target) else os.path.normpath(os.path.join(current, target))
                    if os.path.isdir(gitdir):
                        return cls._at(current, gitdir)
            parent = os.path.dirname(current)
            if parent == current:
                return None
            current = parent

    @classmethod
    def _at(cls, top: str, git_dir: str) -> "GitRepo":
        common = git_dir
        try:
            with open(os.path.join(git_dir, "commondir"), "r", encoding="utf-8") as f:
                rel = f.read().strip()
            if rel:
                common = rel if os.path.isabs(rel) else os.path.normpath(os.path.join(git_dir, rel))
        except OSError:
            pass
        return cls(top, git_dir, common)

    def remote_urls(self) -> List[Tuple[str, str]]:
        """(remote name, url) in the order of the config file, as `git config --get-regexp` lists them."""
        try:
            with open(os.path.join(self.common_dir, "config"), "r", encoding="utf-8", errors="replace") as f:
                text = f.read(1 << 20)
        except OSError:
            return []
        out = []
        section = None
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                m = re.match(r'^\[\s*remote\s+"((?:[^"\\]|\\.)*)"\s*\]', line)
                section = m.group(1) if m else None
                continue
            if section is None:
                continue
            key, sep, value = line.partition("=")
            if sep and key.strip().lower() == "url":
                out.append((section, _git_value(value)))
        return out

    def head_commit(self) -> Optional[str]:
        try:
            with open(os.path.join(self.git_dir, "HEAD"), "r", encoding="utf-8") as f:
                head = f.read().strip()
        except OSError:
            return None
        for _ in range(5):  # symbolic refs may chain, briefly
            if not head.startswith("ref:"):
                return head.lower() if re.match(_SHA, head) else None
            head = self._ref(head[4:].strip()) or ""
        return None

    def _ref(self, name: str) -> Optional[str]:
        for folder in (self.git_dir, self.common_dir):
            try:
                with open(os.path.join(folder, name), "r", encoding="utf-8") as f:
                    return f.read().strip()
            except OSError:
                pass
        try:
            with open(os.path.join(self.common_dir, "packed-refs"), "r", encoding="utf-8") as f:
                for line in f:
                    parts = line.strip().split(" ", 1)
                    if len(parts) == 2 and parts[1] == name:
                        return parts[0]
        except OSError:
            pass
        return None


def _git_value(value: str) -> str:
    """A git config value: unquoted, escapes undone, a trailing comment dropped."""
    out, quoted, i, value = [], False, 0, value.strip()
    while i < len(value):
        c = value[i]
        if c == '"':
            quoted = not quoted
        elif c == "\\" and i + 1 < len(value):
            i += 1
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(value[i], value[i]))
        elif c in "#;" and not quoted:
            break
        else:
            out.append(c)
        i += 1
    return "".join(out).strip()
