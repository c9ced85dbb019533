"""Legacy care: end-of-life dates, warnings when pinning one, and pyproject's requires-python."""
from __future__ import annotations

import json
from datetime import date

import pytest

from pyswitch import legacy

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize("version", ["2.7.18", "3.6.15", "3.7.16", "3.8.18", "3.9.18", "3.10.13", "3.4.10",
                                     "2.6.9", "3.8", "3.5"])
def test_versions_past_their_end_of_life(version):
    assert legacy.is_eol(version, TODAY)


@pytest.mark.parametrize("version", ["3.11.7", "3.12.1", "3.13.0", "3.14.0", "3.20.1", None, "", "pypy", "7.3"])
def test_versions_still_supported_or_unknown(version):
    assert not legacy.is_eol(version, TODAY)


def test_the_end_of_life_day_itself_counts():
    assert not legacy.is_eol("3.10.13", date(2026, 10, 30))
    assert legacy.is_eol("3.10.13", date(2026, 10, 31))
    assert legacy.eol_date("3.6.15") == date(2021, 12, 23)
    assert legacy.eol_date("2.7.18") == date(2020, 1, 1)


def test_requires_python_is_checked_with_packaging(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.9,<3.13"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert legacy.requires_python(sub).specifier == ">=3.9,<3.13"
    assert legacy.requires_python_problem(sub, "3.12.1", "3.12.1") is None
    assert "does not satisfy requires-python '>=3.9,<3.13'" in legacy.requires_python_problem(sub, "3.8.18", "3.8")
    assert legacy.requires_python_problem(sub, "3.13.0", "3.13.0") is not None
    assert legacy.suggest(["3.8.18", "3.12.1", "3.13.0", "3.11.7"], ">=3.9,<3.13") == "3.12.1"


@pytest.mark.parametrize("text", ["[project]\nrequires-python = 'not a spec'\n", "not toml [[[",
                                  "[tool.poetry.dependencies]\npython = '^3.8'\n", "[project]\nrequires-python = 3\n"])
def test_a_pyproject_that_cannot_be_read_says_nothing(tmp_path, text):
    (tmp_path / "pyproject.toml").write_text(text)
    assert legacy.requires_python_problem(tmp_path, "3.8.18", "3.8.18") is None


# --- through the commands ---------------------------------------------------------------------
def test_local_warns_once_when_pinning_an_end_of_life_version_and_pins_anyway(roots, pyswitch):
    roots.fake_version("3.6.15")
    roots.fake_version("2.7.18")
    r = pyswitch("local", "3.6", "2.7.18")
    assert r.returncode == 0, r.stderr
    assert (roots.project / ".python-version").read_text() == "3.6\n2.7.18\n"
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("pyswitch: warning: end of life")
    assert "3.6 (Python 3.6.15) since 2021-12-23" in lines[0] and "2.7.18 since 2020-01-01" in lines[0]


def test_local_says_nothing_for_a_supported_version(roots, pyswitch):
    roots.fake_version("3.13.0")
    r = pyswitch("local", "3.13")
    assert r.returncode == 0 and r.stderr == ""


def test_local_force_warns_for_a_missing_end_of_life_version_too(roots, pyswitch):
    r = pyswitch("local", "3.7", "--force")
    assert r.returncode == 0
    assert "end of life" in r.stderr and "3.7 since 2023-06-27" in r.stderr


def test_versions_marks_end_of_life(roots, pyswitch):
    roots.fake_version("3.6.15")
    roots.fake_version("3.13.0")
    r = pyswitch("versions")
    assert r.returncode == 0, r.stderr
    lines = {line.split()[0 if not line.startswith("*") else 1]: line for line in r.stdout.splitlines()}
    assert lines["3.6.15"].endswith("(end of life)")
    assert "end of life" not in lines["3.13.0"]
    rows = {row["name"]: row for row in json.loads(pyswitch("versions", "--json").stdout)}
    assert rows["3.6.15"]["eol"] is True and rows["3.13.0"]["eol"] is False
    assert {"name", "kind", "python_version", "prefix", "selected", "shadowed"} <= set(rows["3.6.15"])


def test_version_warns_when_the_pin_misses_requires_python(roots, pyswitch):
    roots.fake_version("3.8.18")
    roots.fake_version("3.12.1")
    roots.pin(roots.project, "3.8\n")
    (roots.project / "pyproject.toml").write_text('[project]\nname = "app"\nrequires-python = ">=3.10"\n')
    r = pyswitch("version")
    assert r.returncode == 0
    assert (f"pyswitch: warning: 3.8.18 does not satisfy requires-python '>=3.10' of "
            f"{roots.project / 'pyproject.toml'}") in r.stderr
    roots.pin(roots.project, "3.12\n")
    ok = pyswitch("version")
    assert ok.returncode == 0 and "requires-python" not in ok.stderr
