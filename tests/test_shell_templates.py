"""The shell templates themselves: bash and zsh kept in step, shellcheck clean.

bash and zsh share most of their text (SPEC 5 keeps one template per shell). Rather than a
template language, this test keeps them side by side: every function both define must read the
same once the few known zsh spellings are put back into bash's; a fix to one that is not made
to the other fails here.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pyswitch.shells.render import render_init

TEMPLATES = Path(__import__("pyswitch.shells", fromlist=["x"]).__file__).parent
SHIM = Path(__import__("pyswitch.shim_source", fromlist=["x"]).__file__).parent / "shim.sh"

# zsh's spelling -> bash's, for the lines where the two shells must differ
ZSH_TO_BASH = [
    (re.compile(r"^\s*\\builtin emulate -L zsh\n", re.M), ""),
    (re.compile(r'\[\[ -n \$_PYSWITCH_SYSREAD \]\] && \\builtin sysread -s 1024 _pyswitch_c < "\$_pyswitch_f"'),
     lambda m: "IFS= \\builtin read -r -d '' -n 1024 _pyswitch_c < \"$_pyswitch_f\""),
    (re.compile(r"\b_pyswitch_load\b"), lambda m: '\\builtin . "$_PYSWITCH_CACHE"'),
    (re.compile(r"chpwd and precmd hook"), "prompt hook"),
    (re.compile(r"--print-for zsh"), "--print-for bash"),
]
# functions that may differ: variable indirection, globbing and loading differ by nature
SHELL_SPECIFIC = {"_pyswitch_save", "_pyswitch_restore", "_pyswitch_source_dir", "_pyswitch_glob", "_pyswitch_answer",
                  "_pyswitch_load", "_pyswitch_path_without", "_pyswitch_completion_load", "_pyswitch_hook"}


def functions(text: str):
    """name -> body of each top-level function `name() {` ... `}`, with the comment above it."""
    out = {}
    for m in re.finditer(r"((?:^#[^\n]*\n)*)^(\w+)\(\) \{\n(.*?)^\}\n", text, re.M | re.S):
        out[m.group(2)] = m.group(1) + m.group(3)
    return out


def test_bash_and_zsh_templates_stay_in_step():
    bash = functions((TEMPLATES / "init.bash").read_text())
    zsh_text = (TEMPLATES / "init.zsh").read_text()
    for pattern, repl in ZSH_TO_BASH:
        zsh_text = pattern.sub(repl, zsh_text)
    zsh = functions(zsh_text)
    shared = (set(bash) & set(zsh)) - SHELL_SPECIFIC
    assert len(shared) >= 10, sorted(shared)
    assert set(bash) - SHELL_SPECIFIC == set(zsh) - SHELL_SPECIFIC - {"_pyswitch_completion_load"}
    for name in sorted(shared):
        assert zsh[name] == bash[name], f"{name} differs between init.bash and init.zsh"


def need_shellcheck() -> str:
    path = shutil.which("shellcheck")
    if path is None:
        if __import__("os").environ.get("CI") == "true":
            pytest.fail("shellcheck is not installed; CI must install it (.ci/run)")
        pytest.skip("shellcheck is not installed")
    return path


VALUES = {"SHIMS": "/r/shims", "CACHE": "/r/cache/resolve.sh", "TRUST": "/r/trusted", "COMPLETION": "/r/c.bash"}


@pytest.mark.parametrize("what", ["shim", "bash"])
def test_shellcheck_finds_no_error(what, tmp_path):
    checker = need_shellcheck()
    if what == "shim":
        script = tmp_path / "shim"
        script.write_text(SHIM.read_text().replace("@CACHE@", "'/r/cache/resolve.sh'").replace("@PYTHON@", "'/usr/bin/python3'"))
        args = ["--shell=sh"]
    else:
        script = tmp_path / "init.bash"
        script.write_text(render_init("bash", VALUES))
        args = ["--shell=bash"]
    done = subprocess.run([checker, "--severity=error", *args, str(script)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_shellcheck_finds_no_error_in_the_generated_cache(roots, pyswitch):
    checker = need_shellcheck()
    roots.fake_version("3.8.18")
    roots.pin(roots.project, "3.8.18\n")
    assert pyswitch("rehash").returncode == 0
    files = [roots.root / "cache" / "resolve.sh", *(roots.root / "cache" / "sel").rglob("*.sh")]
    done = subprocess.run([checker, "--severity=error", "--shell=sh", *map(str, files)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
