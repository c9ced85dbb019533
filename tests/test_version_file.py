"""Reading `.python-version` files the pyenv way (SPEC sections 2 and 3).

Many small cases, in the spirit of pyenv's own `version-file-read.bats`, `version-name.bats`,
`latest.bats` and `version-origin.bats`: first the reader alone, then spec resolution against
fabricated versions, then the precedence of the sources through the installed command.
Every environment here is fabricated under tmp_path.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Dict, Optional

import pytest

from conftest import BIN
from pyswitch.errors import NotInstalled
from pyswitch.inventory import Inventory
from pyswitch.paths import Context
from pyswitch.selection import resolve, select
from pyswitch.spec import invalid_in as invalid_message
from pyswitch.spec import shown, token_problem
from pyswitch.version_file import MAX_READ, find_version_file, read_version_file
from pyswitch.version_file import read_pyswitch_version as read_env_value


def read(tmp_path: Path, data: bytes):
    f = tmp_path / ".python-version"
    f.write_bytes(data)
    return read_version_file(f)


def specs(tmp_path: Path, data: bytes):
    return list(read(tmp_path, data).specs)


def context(roots, cwd: Optional[Path] = None, **env: str) -> Context:
    environ: Dict[str, str] = dict(roots.env)
    environ.update(env)
    return Context.from_env(environ=environ, cwd=cwd or roots.project)


def resolved_name(roots, token: str) -> Optional[str]:
    env = Inventory(context(roots)).resolve(token)
    return env.name if env is not None else None


def version_json(pyswitch, cwd: Path, **env: str):
    r = pyswitch("version", "--json", cwd=cwd, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), r.stderr


# ------------------------------------------------------------------------- the reader


def test_reads_simple_version_file(tmp_path):
    assert specs(tmp_path, b"3.3.5\n") == ["3.3.5"]


def test_missing_file_reads_as_nothing(tmp_path):
    res = read_version_file(tmp_path / "non-existent")
    assert res.specs == () and res.warnings == ()


def test_blank_file_reads_as_nothing(tmp_path):
    assert specs(tmp_path, b"\n") == []


def test_empty_file_reads_as_nothing(tmp_path):
    assert specs(tmp_path, b"") == []


def test_ignores_leading_spaces(tmp_path):
    assert specs(tmp_path, b"  3.3.5\n") == ["3.3.5"]


def test_ignores_leading_tabs_and_mixed_blanks(tmp_path):
    assert specs(tmp_path, b"\t \t3.3.5\n") == ["3.3.5"]


def test_reads_only_the_first_word_of_a_line(tmp_path):
    assert specs(tmp_path, b"3.3.5 2.7.6 hi\n") == ["3.3.5"]


def test_first_word_then_a_trailing_comment(tmp_path):
    assert specs(tmp_path, b"3.8.18  # legacy build\n") == ["3.8.18"]


def test_tab_separates_words(tmp_path):
    assert specs(tmp_path, b"3.3.5\t2.7.6\n") == ["3.3.5"]


def test_reads_every_line_not_only_the_first(tmp_path):
    assert specs(tmp_path, b"2.7.6 one\n3.3.5 two\n") == ["2.7.6", "3.3.5"]


def test_ignores_leading_blank_lines(tmp_path):
    assert specs(tmp_path, b"\n\n3.3.5\n") == ["3.3.5"]


def test_ignores_blank_lines_between_specs(tmp_path):
    assert specs(tmp_path, b"3.9.3\n\n   \n\t\n3.8.9\n") == ["3.9.3", "3.8.9"]


def test_handles_a_file_with_no_final_newline(tmp_path):
    assert specs(tmp_path, b"2.7.6") == ["2.7.6"]


def test_handles_several_lines_and_no_final_newline(tmp_path):
    assert specs(tmp_path, b"3.9.3\n2.7.6") == ["3.9.3", "2.7.6"]


def test_ignores_carriage_returns(tmp_path):
    assert specs(tmp_path, b"3.3.5\r\n") == ["3.3.5"]


def test_crlf_file_with_several_specs(tmp_path):
    assert specs(tmp_path, b"3.9.3\r\n3.8.9\r\n2.7.16") == ["3.9.3", "3.8.9", "2.7.16"]


def test_carriage_return_inside_a_line_separates_words(tmp_path):
    # only space, tab, CR and LF separate words: "3.9.3\r3.8.9" is one line, first word 3.9.3
    assert specs(tmp_path, b"3.9.3\r3.8.9\n") == ["3.9.3"]


def test_skips_comment_lines(tmp_path):
    data = b"3.9.3\n3.8.9\n  # 3.4.0\n#3.3.7\n2.7.16\n"
    assert specs(tmp_path, data) == ["3.9.3", "3.8.9", "2.7.16"]


def test_only_comments_reads_as_nothing(tmp_path):
    res = read(tmp_path, b"# pinned by CI\n   # 3.8\n#3.9\n")
    assert res.specs == () and res.warnings == ()


def test_comment_marker_must_start_the_word(tmp_path):
    # `3.8#x` is a word that does not start with `#`: it is a spec (that names nothing here)
    assert specs(tmp_path, b"3.8#x\n") == ["3.8#x"]


def test_python_dash_prefix_is_kept_by_the_reader(tmp_path):
    # the reader does not rewrite; resolution strips `python-` (tested below)
    assert specs(tmp_path, b"python-3.12\n") == ["python-3.12"]


def test_envs_form_is_allowed(tmp_path):
    res = read(tmp_path, b"3.8.18/envs/web\n")
    assert res.specs == ("3.8.18/envs/web",) and res.warnings == ()


def test_conda_spec_is_allowed(tmp_path):
    assert specs(tmp_path, b"conda:ml\nconda:base\n") == ["conda:ml", "conda:base"]


def test_nbsp_is_not_a_separator(tmp_path):
    # U+00A0 is not space, tab, CR or LF: it stays part of the word
    assert specs(tmp_path, "3.8\u00a03.9\n".encode()) == ["3.8\u00a03.9"]


# ------------------------------------------------------------------- refused tokens

REFUSED = [
    "..",
    ".",
    "../x",
    "../*",
    "../../../tmp/x",
    "/abs",
    "/",
    "/usr/bin/python",
    "a/b",
    "a/b/c",
    "./3.8",
    "3.8/",
    "3.8.18/envs/../x",
    "3.8.18/envs/..",
    "3.8.18/envs/",
    "3.8.18/envs/web/bin",
    "3.8.18//envs/web",
    "3.8.18/lib/web",
    "conda:../x",
    "conda:/abs",
    "3.8\x00x",
    "\x00",
    "3.8\x01",
    "\x1b[31m3.8",
    "3.8\x7f",
    "3.8\x0b",
    "3.8\x0c",
    "3.8\x85",  # C1 control (NEL) encoded as UTF-8
    "3.8\x9b",  # C1 CSI
    "9" * 256,
    "\u00e9" * 128,  # 128 characters but 256 bytes of UTF-8
]


@pytest.mark.parametrize("token", REFUSED, ids=[repr(t)[:40] for t in REFUSED])
def test_unsafe_token_is_refused_and_the_next_line_used(tmp_path, token):
    res = read(tmp_path, token.encode("utf-8") + b"\n3.9.3\n")
    assert res.specs == ("3.9.3",)
    f = tmp_path / ".python-version"
    assert res.warnings == (f"invalid version '{shown(token)}' ignored in '{f}'",)


@pytest.mark.parametrize("token", ["3.8.18", "3.8.18/envs/web", "conda:ml", "system", "pypy3.10-7.3.17",
                                   "miniconda3-latest/envs/ml", "9" * 255, "\u00e9" * 127 + "x",
                                   "3.8\u00a0x", "v\u00e9rsion"])
def test_safe_tokens_are_accepted(token):
    assert token_problem(token) is None


def test_message_escapes_like_repr():
    assert invalid_message("a\x00b\x1b\x85", "/p/.python-version") == \
        "invalid version 'a\\x00b\\x1b\\x85' ignored in '/p/.python-version'"


def test_only_refused_tokens_read_as_nothing_with_warnings(tmp_path):
    res = read(tmp_path, b"..\n/etc\n../../x\n")
    assert res.specs == ()
    assert len(res.warnings) == 3


def test_refused_word_later_on_a_line_does_not_matter(tmp_path):
    # only the first word counts; the rest of the line is ignored, even `../x`
    res = read(tmp_path, b"3.9.3 ../x /abs\n")
    assert res.specs == ("3.9.3",) and res.warnings == ()


def test_glob_and_traversal_in_a_secondary_line(tmp_path):
    res = read(tmp_path, b"3.9.3\n../*\n3.8.9\n")
    assert res.specs == ("3.9.3", "3.8.9")
    assert len(res.warnings) == 1 and "'../*'" in res.warnings[0]


# ----------------------------------------------------------------------- 64 KiB bound


def test_content_after_64_kib_is_never_read(tmp_path):
    filler = b"#" * (MAX_READ + 10) + b"\n"
    assert specs(tmp_path, filler + b"3.9.3\n") == []


def test_spec_that_ends_exactly_at_64_kib_is_read(tmp_path):
    spec = b"3.9.3"
    filler = b"#" * (MAX_READ - len(spec) - 1) + b"\n"
    data = filler + spec + b"\n3.8.9\n"
    assert len(filler + spec) == MAX_READ
    assert specs(tmp_path, data) == ["3.9.3"]


def test_spec_cut_by_the_64_kib_bound_is_truncated(tmp_path):
    filler = b"#" * (MAX_READ - 4) + b"\n"  # 3 bytes of the spec fit
    assert specs(tmp_path, filler + b"3.9.3\n") == ["3.9"]


def test_huge_single_line_stays_bounded(tmp_path):
    # one 1 MiB word: refused as too long, and not read beyond the bound
    res = read(tmp_path, b"9" * (1 << 20))
    assert res.specs == ()
    assert len(res.warnings) == 1 and len(res.warnings[0]) < MAX_READ * 4 + 200


# -------------------------------------------------------------------- PYSWITCH_VERSION


def test_env_value_whitespace_separated():
    assert read_env_value("3.9.3 3.8.9\t2.7.16\n", "PYSWITCH_VERSION").specs == ("3.9.3", "3.8.9", "2.7.16")


def test_env_value_colon_is_not_a_separator():
    assert read_env_value("conda:ml 3.8", "PYSWITCH_VERSION").specs == ("conda:ml", "3.8")


def test_env_value_refused_token_names_the_variable():
    res = read_env_value("../x 3.8", "PYSWITCH_VERSION")
    assert res.specs == ("3.8",)
    assert res.warnings == ("invalid version '../x' ignored in 'PYSWITCH_VERSION'",)


# ------------------------------------------------------------------ finding the file


def test_finds_the_file_in_this_folder(tmp_path):
    (tmp_path / ".python-version").write_text("3.8\n")
    assert find_version_file(tmp_path) == tmp_path / ".python-version"


def test_finds_the_nearest_file_upwards(tmp_path):
    (tmp_path / ".python-version").write_text("3.8\n")
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_version_file(deep) == tmp_path / ".python-version"


def test_nearer_file_wins(tmp_path):
    (tmp_path / ".python-version").write_text("3.8\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / ".python-version").write_text("3.9\n")
    (tmp_path / "a" / "b").mkdir()
    assert find_version_file(tmp_path / "a" / "b") == tmp_path / "a" / ".python-version"


def test_a_folder_named_python_version_is_not_a_version_file(tmp_path):
    (tmp_path / ".python-version").write_text("3.8\n")
    (tmp_path / "a" / ".python-version").mkdir(parents=True)
    assert find_version_file(tmp_path / "a") == tmp_path / ".python-version"


# ---------------------------------------------------------- prefix resolution (latest)


@pytest.fixture
def many(roots):
    """The awkward set: numeric order, prereleases, free-threaded, dev and 3.80."""
    for name in ("3.8.9", "3.8.18", "3.8.18rc1", "3.80.1", "3.8.18t", "3.8-dev", "3.9.1"):
        roots.fake_version(name)
    return roots


@pytest.mark.parametrize("token,expected", [
    ("3.8", "3.8.18"),         # numerically highest 3.8.x: 18 > 9
    ("3.8.9", "3.8.9"),        # exact
    ("3.8.18", "3.8.18"),
    ("3.8.18rc1", "3.8.18rc1"),  # an rc only when asked for exactly
    ("3.8.18t", "3.8.18t"),    # a free-threaded build only when asked for exactly
    ("3.8-dev", "3.8-dev"),    # a dev build only when asked for exactly
    ("3.80", "3.80.1"),
    ("3", "3.80.1"),
    ("3.9", "3.9.1"),
    ("python-3.8", "3.8.18"),
    ("python-3.8.9", "3.8.9"),
    ("python-3.8.18rc1", "3.8.18rc1"),
    ("3.8.1", None),           # a prefix matches whole components: 3.8.1 is not 3.8.18
    ("3.8.", None),
    ("3.7", None),
    ("4", None),
    ("3.8.18.1", None),
    ("3.8rc", None),
])
def test_prefix_resolution(many, token, expected):
    assert resolved_name(many, token) == expected


def test_prefix_never_picks_prereleases_when_only_those_exist(roots):
    for name in ("3.13.0rc1", "3.13.0a2", "3.13.0t", "3.13-dev", "3.13.0b3", "3.13.0-src"):
        roots.fake_version(name)
    assert resolved_name(roots, "3.13") is None
    assert resolved_name(roots, "3") is None


def test_numeric_not_lexical_order(roots):
    for name in ("2.7.18", "3.5.6", "3.9.18", "3.10.8", "3.10.6"):
        roots.fake_version(name)
    assert resolved_name(roots, "3") == "3.10.8"
    assert resolved_name(roots, "3.10") == "3.10.8"


def test_complete_name_resolves_to_itself(roots):
    roots.fake_version("foo")
    roots.fake_version("foo.bar")
    assert resolved_name(roots, "foo") == "foo"
    assert resolved_name(roots, "foo.bar") == "foo.bar"


def test_exact_name_beats_prefix(roots):
    roots.fake_version("3.8")
    roots.fake_version("3.8.18")
    assert resolved_name(roots, "3.8") == "3.8"


def test_version_whose_name_starts_with_python_dash(roots):
    roots.fake_version("python-3.12.6")
    roots.fake_version("3.12.1")
    assert resolved_name(roots, "python-3.12.6") == "python-3.12.6"
    # as pyenv: `pyenv latest python-3.12` is tried before `pyenv latest 3.12`
    assert resolved_name(roots, "python-3.12") == "python-3.12.6"


def test_python_dash_prefix_with_prefix_resolution(roots):
    roots.fake_version("3.12.6")
    assert resolved_name(roots, "python-3.12") == "3.12.6"


def test_other_pyenv_names(roots):
    roots.fake_version("pypy3.10-7.3.17", python_version="3.10.14")
    roots.fake_version("graalpy-24.1.0", python_version="3.11.7")
    assert resolved_name(roots, "pypy3.10-7.3.17") == "pypy3.10-7.3.17"
    assert resolved_name(roots, "graalpy-24.1.0") == "graalpy-24.1.0"
    # any other prefix, as pyenv 2.6's `pyenv latest` reads it
    assert resolved_name(roots, "pypy3.10") == "pypy3.10-7.3.17"
    assert resolved_name(roots, "pypy3") == "pypy3.10-7.3.17"
    assert resolved_name(roots, "graalpy") == "graalpy-24.1.0"
    assert resolved_name(roots, "pypy3.1") is None


def test_prefix_never_picks_a_virtualenv(roots):
    roots.fake_version("3.8.9")
    roots.fake_version("3.8.18")
    roots.virtualenv("3.8.18", "web")
    assert resolved_name(roots, "3.8") == "3.8.18"


def test_virtualenv_long_and_short_names(roots):
    roots.fake_version("3.8.18")
    roots.virtualenv("3.8.18", "web")
    assert resolved_name(roots, "3.8.18/envs/web") == "3.8.18/envs/web"
    assert resolved_name(roots, "web") == "3.8.18/envs/web"


def test_virtualenv_short_name_without_symlink_when_unique(roots):
    roots.fake_version("3.8.18")
    roots.virtualenv("3.8.18", "api", short=False)
    assert resolved_name(roots, "api") == "3.8.18/envs/api"


def test_ambiguous_virtualenv_short_name_without_symlink_resolves_to_nothing(roots):
    roots.fake_version("3.8.18")
    roots.fake_version("3.9.18")
    roots.virtualenv("3.8.18", "api", short=False)
    roots.virtualenv("3.9.18", "api", short=False)
    assert resolved_name(roots, "api") is None
    assert resolved_name(roots, "3.9.18/envs/api") == "3.9.18/envs/api"


def test_envs_form_of_a_missing_env(roots):
    roots.fake_version("3.8.18")
    assert resolved_name(roots, "3.8.18/envs/nope") is None


def test_conda_specs(roots, tmp_path):
    croot = roots.conda_root(tmp_path / "miniconda", "3.11.7")
    roots.conda_env(croot / "envs" / "ml", "3.10.13")
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    assert resolved_name(roots, "conda:ml") == "conda:ml"
    assert resolved_name(roots, "conda:base") == "conda:base"
    assert resolved_name(roots, "conda:nope") is None
    assert resolved_name(roots, "conda:") is None
    assert resolved_name(roots, "ml") is None  # a bare name is a pyenv name, never a conda env


def test_pyenv_installed_conda_envs_pyenv_style(roots, tmp_path):
    croot = roots.conda_root(roots.versions / "miniconda3-latest", "3.11.7")
    roots.conda_env(croot / "envs" / "ml", "3.10.13")
    env = Inventory(context(roots)).resolve("miniconda3-latest/envs/ml")
    assert env is not None and env.kind == "conda" and env.name == "conda:ml"
    assert env.prefix == croot / "envs" / "ml"


# ------------------------------------------------------- selection with the library


def test_empty_nearest_file_selects_system_even_with_a_global(roots):
    roots.fake_version("3.9.1")
    roots.root.mkdir(parents=True, exist_ok=True)
    (roots.root / "version").write_text("3.9.1\n")
    roots.pin(roots.project, "# nothing here\n")
    sel = select(context(roots))
    assert sel.specs == ("system",) and sel.empty and sel.source == "local"


def test_parent_file_is_shadowed_by_an_empty_child_file(roots):
    roots.fake_version("3.9.1")
    roots.pin(roots.project, "3.9.1\n")
    child = roots.project / "sub"
    roots.pin(child, "")
    sel = select(context(roots, cwd=child))
    assert sel.empty and sel.origin == str(child / ".python-version")


def test_missing_secondary_is_skipped_with_a_warning(roots):
    roots.fake_version("3.9.1")
    f = roots.pin(roots.project, "3.9.1\n4.4\n")
    ctx = context(roots)
    res = resolve(ctx, Inventory(ctx))
    assert [e.name for e in res.environments] == ["3.9.1"]
    assert f"version '4.4' is not installed (set by {f}); skipped" in res.warnings


def test_missing_primary_is_an_error_naming_the_file(roots):
    roots.fake_version("3.8.18")
    f = roots.pin(roots.project, "3.7\n3.8\n")
    ctx = context(roots)
    with pytest.raises(NotInstalled) as exc:
        resolve(ctx, Inventory(ctx))
    assert str(exc.value) == (f"version '3.7' is not installed (set by {f}); installed: 3.8.18; "
                              "try: pyswitch install 3.7")


def test_secondary_order_is_kept_and_duplicates_dropped(roots):
    for name in ("3.12.1", "3.8.18", "3.9.1"):
        roots.fake_version(name)
    roots.pin(roots.project, "3.12\n3.8\n3.9.1\n3.8.18\n")
    ctx = context(roots)
    res = resolve(ctx, Inventory(ctx))
    assert [e.name for e in res.environments] == ["3.12.1", "3.8.18", "3.9.1"]


# -------------------------------------------------- precedence, through the command


@pytest.fixture
def four(roots):
    """One version per source, so the answer says which source decided."""
    for name in ("3.9.1", "3.10.2", "3.11.3", "3.12.4"):
        roots.fake_version(name)
    return roots


def test_no_source_selects_system_with_origin_default(four, pyswitch):
    out, err = version_json(pyswitch, four.project)
    assert out["name"] == "system" and out["kind"] == "system" and out["origin"] == "default"


def test_pyenv_global_file_is_read(four, pyswitch):
    (four.pyenv_root / "version").write_text("3.9.1\n")
    out, _ = version_json(pyswitch, four.project)
    assert out["name"] == "3.9.1"
    assert out["origin"] == str(four.pyenv_root / "version")


def test_pyswitch_global_file_beats_pyenvs(four, pyswitch):
    (four.pyenv_root / "version").write_text("3.9.1\n")
    four.root.mkdir(parents=True, exist_ok=True)
    (four.root / "version").write_text("3.10.2\n")
    out, _ = version_json(pyswitch, four.project)
    assert out["name"] == "3.10.2"
    assert out["origin"] == str(four.root / "version")


def test_empty_pyswitch_global_file_does_not_fall_back_to_pyenvs(four, pyswitch):
    (four.pyenv_root / "version").write_text("3.9.1\n")
    four.root.mkdir(parents=True, exist_ok=True)
    (four.root / "version").write_text("\n")
    r = pyswitch("version", "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout)["name"] == "system"
    assert r.stderr == f"pyswitch: {four.root / 'version'} holds no usable version; using system\n"


def test_local_file_beats_global(four, pyswitch):
    four.root.mkdir(parents=True, exist_ok=True)
    (four.root / "version").write_text("3.10.2\n")
    f = four.pin(four.project, "3.11.3\n")
    out, _ = version_json(pyswitch, four.project)
    assert out["name"] == "3.11.3" and out["origin"] == str(f)


def test_local_file_of_a_parent_folder(four, pyswitch):
    f = four.pin(four.project, "3.11.3\n")
    deep = four.project / "src" / "pkg"
    deep.mkdir(parents=True)
    out, _ = version_json(pyswitch, deep)
    assert out["name"] == "3.11.3" and out["origin"] == str(f)


def test_nearest_local_file_wins(four, pyswitch):
    four.pin(four.project, "3.11.3\n")
    f = four.pin(four.project / "sub", "3.9.1\n")
    out, _ = version_json(pyswitch, four.project / "sub")
    assert out["name"] == "3.9.1" and out["origin"] == str(f)


def test_pyswitch_version_beats_local(four, pyswitch):
    four.pin(four.project, "3.11.3\n")
    out, _ = version_json(pyswitch, four.project, PYSWITCH_VERSION="3.12.4")
    assert out["name"] == "3.12.4" and out["origin"] == "PYSWITCH_VERSION"


def test_pyswitch_version_several_specs_primary_first(four, pyswitch):
    out, _ = version_json(pyswitch, four.project, PYSWITCH_VERSION="3.10 3.9")
    assert out["name"] == "3.10.2" and out["spec"] == "3.10"


def test_blank_pyswitch_version_is_unset(four, pyswitch):
    f = four.pin(four.project, "3.11.3\n")
    out, _ = version_json(pyswitch, four.project, PYSWITCH_VERSION="  ")
    assert out["origin"] == str(f)


def test_pyswitch_version_with_only_refused_tokens_selects_system(four, pyswitch):
    r = pyswitch("version", "--json", env={"PYSWITCH_VERSION": "../x"})
    assert r.returncode == 0
    assert json.loads(r.stdout)["origin"] == "PYSWITCH_VERSION"
    assert json.loads(r.stdout)["name"] == "system"
    assert r.stderr.splitlines() == [
        "pyswitch: invalid version '../x' ignored in 'PYSWITCH_VERSION'",
        "pyswitch: PYSWITCH_VERSION holds no usable version; using system",
    ]


def test_python_dash_prefix_in_a_file(four, pyswitch):
    four.pin(four.project, "python-3.12\n")
    out, _ = version_json(pyswitch, four.project)
    assert out["name"] == "3.12.4" and out["spec"] == "python-3.12"


def test_leading_blanks_crlf_no_newline_through_the_command(four, pyswitch):
    (four.project / ".python-version").write_bytes(b"\r\n  # header\r\n\t 3.10 # why\r\n3.9")
    out, err = version_json(pyswitch, four.project)
    assert out["name"] == "3.10.2" and err == ""


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "   \t\n  # x\n"])
def test_file_without_usable_spec_selects_system_and_says_why(four, pyswitch, text):
    f = four.pin(four.project, text)
    four.pin(four.tmp, "3.9.1\n")  # a parent file that must not be reached
    r = pyswitch("version", "--json")
    assert r.returncode == 0
    out = json.loads(r.stdout)
    assert out["name"] == "system" and out["origin"] == str(f)
    assert r.stderr == f"pyswitch: {f} holds no usable version; using system\n"


@pytest.mark.parametrize("token", ["..", "../../../tmp/x", "/abs", "a/b", "3.8.18/envs/../x",
                                   "3.9.1\x00", "3.9.1\x1b", "3.9.1\x7f", "x" * 300])
def test_refused_token_message_then_next_line(four, pyswitch, token):
    f = four.pin(four.project, token + "\n3.11.3\n")
    r = pyswitch("version", "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout)["name"] == "3.11.3"
    assert r.stderr == f"pyswitch: invalid version '{shown(token)}' ignored in '{f}'\n"


def test_only_refused_tokens_then_system_with_both_messages(four, pyswitch):
    f = four.pin(four.project, "../../../tmp/x\n")
    r = pyswitch("version")
    assert r.returncode == 0
    assert r.stderr.splitlines() == [
        f"pyswitch: invalid version '../../../tmp/x' ignored in '{f}'",
        f"pyswitch: {f} holds no usable version; using system",
    ]
    assert r.stdout.startswith(f"system (set by {f})\n")


def test_missing_secondary_warns_but_succeeds(four, pyswitch):
    f = four.pin(four.project, "3.11.3\n3.7\n")
    r = pyswitch("version", "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout)["name"] == "3.11.3"
    assert r.stderr == f"pyswitch: version '3.7' is not installed (set by {f}); skipped\n"


def test_missing_primary_fails_with_the_spec_message(four, pyswitch):
    f = four.pin(four.project, "3.7\n3.11.3\n")
    r = pyswitch("version")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == (f"pyswitch: version '3.7' is not installed (set by {f}); "
                        "installed: 3.9.1, 3.10.2, 3.11.3; try: pyswitch install 3.7\n")


def test_version_file_is_never_executed(four, pyswitch, tmp_path):
    marker = tmp_path / "pwned"
    f = four.pin(four.project, f"$(touch {marker})\n`touch {marker}`\n3.9.1\n")
    r = pyswitch("version", "--json")
    assert not marker.exists()
    # `$(touch` is a word without `/`: a name that is not installed, so it is the missing primary
    assert r.returncode == 1 and "'$(touch' is not installed" in r.stderr and str(f) in r.stderr


def test_refused_token_is_reported_before_the_missing_primary_it_leaves(four, pyswitch):
    f = four.pin(four.project, "../../../tmp/x\n3.7\n")
    for args in (("version",), ("which", "python"), ("exec", "python", "-c", "pass")):
        r = pyswitch(*args)
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr.splitlines() == [
            f"pyswitch: invalid version '../../../tmp/x' ignored in '{f}'",
            f"pyswitch: version '3.7' is not installed (set by {f}); "
            "installed: 3.9.1, 3.10.2, 3.11.3; try: pyswitch install 3.7",
        ]


def test_unprintable_missing_spec_is_shown_escaped(four, pyswitch):
    f = four.pin(four.project, "\ufeff3.9.1\n")  # a BOM is not a separator, nor a control character
    r = pyswitch("version")
    assert r.returncode == 1
    assert r.stderr.startswith(f"pyswitch: version '\\ufeff3.9.1' is not installed (set by {f}); ")
    # not something install can make: the hint says where to look instead
    assert r.stderr.endswith("; see what is installed: pyswitch versions\n")


def test_a_file_that_cannot_be_read_says_so(tmp_path):
    f = tmp_path / ".python-version"
    f.symlink_to(f)  # a loop: open() fails even as root, where chmod 000 would not
    res = read_version_file(f)
    assert res.specs == ()
    assert len(res.warnings) == 1 and res.warnings[0].startswith(f"cannot read '{f}': ")


def test_undecodable_bytes_round_trip_through_local_force(four, pyswitch):
    r = pyswitch("local", "3.9.1", "\udcff", "--force")  # the argv byte 0xff
    assert r.returncode == 0, r.stderr
    assert (four.project / ".python-version").read_bytes() == b"3.9.1\n\xff\n"


def test_version_in_a_deleted_folder_reads_no_version_file_as_the_shims_do(four):
    """SPEC 4: no error, and no local pin: a shim started there cannot know where the folder
    was (sh empties $PWD), so the engine does not walk up from a stale $PWD either."""
    four.pin(four.project, "3.10.2\n")
    gone = four.project / "gone"
    gone.mkdir()
    script = f'cd "{gone}" && rmdir "{gone}" && exec "$0" version --json'
    r = subprocess.run(["sh", "-c", script, str(BIN / "pyswitch")], env=four.env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["name"] == "system"


# ------------------------------------------------- beside the real pyenv: its `latest` rule
PYENV_BIN = Path(os.path.expanduser("~/.pyenv/libexec/pyenv"))
LATEST_NAMES = ("3.8.9", "3.8.18", "3.8.18rc1", "3.80.1", "3.8.18t", "3.8-dev", "3.8.18-debug", "3.9.1",
                "3.10.13", "3.13.0", "3.13.0t", "3.14.0a1", "pypy3.10-7.3.17", "pypy3.10-7.3.12",
                "pypy3.9-7.3.16", "pypy2.7-7.3.17", "miniconda3-latest", "miniconda3-4.7.12",
                "miniconda3-24.1.2-0", "anaconda3-2024.02-1", "graalpy-24.1.0", "python-3.12.6", "3.12.1",
                "stackless-3.7.5", "pyston-2.3.5", "3.12.1-dev")
LATEST_SPECS = ("3", "3.8", "3.8.18", "3.8.1", "3.80", "3.1", "3t", "3.13t", "3.8t", "3.14", "pypy3.10", "pypy3",
                "pypy", "pypy2", "miniconda3", "miniconda", "anaconda3", "graalpy", "python-3.12", "python-3.8",
                "3.12", "stackless", "3.12.1", "pyston-2", "system2", "3.")


@pytest.mark.skipif(not PYENV_BIN.exists(), reason="pyenv is not installed in ~/.pyenv")
def test_every_prefix_resolves_as_the_real_pyenv_resolves_it(roots):
    for name in LATEST_NAMES:
        (roots.versions / name / "bin").mkdir(parents=True)
    for spec in LATEST_SPECS:
        # pyenv reads only the temporary root: nothing under ~/.pyenv is written
        env = {"PYENV_ROOT": str(roots.pyenv_root), "PYENV_VERSION": spec, "HOME": str(roots.home),
               "PATH": "/usr/bin:/bin"}
        done = subprocess.run([str(PYENV_BIN), "version-name"], env=env, capture_output=True, text=True,
                              timeout=30)
        pyenv_says = done.stdout.strip() if done.returncode == 0 else None
        assert resolved_name(roots, spec) == pyenv_says, (spec, done.stderr)
