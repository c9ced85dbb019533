"""Completion scripts: generated from the click commands, kept up to date, loaded by `init`."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BIN
from pyswitch.shells import SHELLS
from pyswitch.shells.completion import generate

REPO_COMPLETIONS = Path(__file__).resolve().parents[1] / "completions"


def need_shell(name: str) -> None:
    if shutil.which(name) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed; CI must install it (.ci/run)")
        pytest.skip(f"{name} is not installed")


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_files_are_up_to_date(shell):
    wanted = generate(shell)
    have = (REPO_COMPLETIONS / f"pyswitch.{shell}").read_text(encoding="utf-8")
    assert have == wanted, "regenerate them: python -m pyswitch.shells.completion"


@pytest.fixture
def installed(roots):
    roots.fake_version("3.8.18")
    roots.fake_version("3.12.1")
    conda = roots.conda_root(roots.tmp / "miniforge")
    roots.conda_env(conda / "envs" / "ml")
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(conda)
    return roots


def complete(roots, words: str, cword: int):
    env = dict(roots.env, COMP_WORDS=words, COMP_CWORD=str(cword), _PYSWITCH_COMPLETE="bash_complete")
    done = subprocess.run([str(BIN / "pyswitch")], env=env, cwd=str(roots.project), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line.startswith("plain,")]


def test_completes_commands_and_their_options(installed):
    commands = complete(installed, "pyswitch ", 1)
    for name in ("init", "shell", "local", "global", "uninstall", "version", "versions"):
        assert name in commands
    assert "_resolve" not in commands
    assert {"--unset", "--force"} <= set(complete(installed, "pyswitch local --", 2))
    shell_options = complete(installed, "pyswitch shell --", 2)
    assert "--unset" in shell_options and "--print-for" not in shell_options
    assert complete(installed, "pyswitch init ", 2) == ["bash", "zsh", "fish"]


@pytest.mark.parametrize("command", ["local", "global", "shell", "uninstall"])
def test_completes_installed_environment_names(installed, command):
    names = complete(installed, f"pyswitch {command} ", 2)
    assert {"3.8.18", "3.12.1", "conda:ml"} <= set(names), names
    # uninstall never removes system or a conda base env: it does not offer them
    assert ("system" in names) == ("conda:base" in names) == (command != "uninstall")
    assert complete(installed, f"pyswitch {command} 3.8.18 3.1", 3) == ["3.12.1"]


def test_bash_loads_the_completion_with_init(installed):
    need_shell("bash")
    script = ('eval "$(pyswitch init bash)"; COMP_WORDS=(pyswitch local ""); COMP_CWORD=2; '
              '_pyswitch_completion pyswitch; printf "%s\\n" "${COMPREPLY[@]}"; complete -p pyswitch')
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], env=installed.env,
                          cwd=str(installed.project), capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    assert "conda:ml" in done.stdout.splitlines() and "3.8.18" in done.stdout.splitlines()
    assert "complete -o nosort -F _pyswitch_completion pyswitch" in done.stdout


@pytest.mark.parametrize("compinit_first", [True, False])
def test_zsh_loads_the_completion_with_init_before_or_after_compinit(installed, compinit_first):
    need_shell("zsh")
    compinit = "autoload -Uz compinit; compinit -u -D"
    init = 'eval "$(pyswitch init zsh)"'
    first, then = (compinit, init) if compinit_first else (init, compinit)
    # without compinit first, the completion is loaded at the first prompt (precmd)
    script = f'{first}; {then}; for f in $precmd_functions; do $f; done; print -r -- "$_comps[pyswitch]"'
    done = subprocess.run(["zsh", "-f", "-c", script], env=installed.env, cwd=str(installed.project),
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    assert done.stdout.strip() == "_pyswitch_completion"


def test_fish_loads_the_completion_with_init(installed):
    need_shell("fish")
    script = "pyswitch init fish | source; complete -C 'pyswitch local '; complete -C 'pyswitch ver'"
    done = subprocess.run(["fish", "--no-config", "-c", script], env=installed.env, cwd=str(installed.project),
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    lines = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert {"conda:ml", "3.8.18", "version", "versions"} <= set(lines)


@pytest.mark.shell
def test_bash_completes_a_conda_name_after_the_colon_with_tab(installed):
    """`pyswitch local conda:m<TAB>` in a real interactive bash, where `:` is a word break."""
    need_shell("bash")
    import pexpect

    child = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], env=dict(installed.env, PS1="$ ", TERM="dumb"),
                          cwd=str(installed.project), encoding="utf-8", timeout=30, dimensions=(40, 200))
    try:
        child.sendline('eval "$(pyswitch init bash)"; echo READY')
        child.expect("READY")
        child.sendline("")
        child.expect(r"\$ ")
        child.send("pyswitch local conda:m")
        child.send("\t")
        child.send("\x01echo [\x05]")  # Ctrl-A, then Ctrl-E: show the line as TAB left it
        child.sendline("")
        child.expect(r"\[pyswitch local conda:(\S*) *\]")
        assert child.match.group(1) == "ml"
    finally:
        child.close(force=True)


def test_completion_of_a_spec_answers_without_the_cli_and_as_the_cli_would(installed, pyswitch):
    assert pyswitch("rehash").returncode == 0
    for shell, words, cword in (("bash", "pyswitch uninstall ", "1"), ("zsh", "pyswitch local 3.", "2"),
                                ("fish", "pyswitch local 3.", "3.")):
        env = dict(installed.env, COMP_WORDS=words, COMP_CWORD=cword, _PYSWITCH_COMPLETE=f"{shell}_complete")
        if shell == "bash":
            env["COMP_CWORD"] = "2"
        fast = subprocess.run([str(BIN / "pyswitch")], env=env, capture_output=True, text=True, timeout=60)
        # the same through click itself (the fast path skipped by a stale cache: a new version folder)
        slow_env = dict(env)
        (installed.versions / "3.99.0").mkdir(exist_ok=True)
        slow = subprocess.run([str(BIN / "pyswitch")], env=slow_env, capture_output=True, text=True, timeout=60)
        (installed.versions / "3.99.0").rmdir()
        assert pyswitch("rehash").returncode == 0
        assert fast.returncode == slow.returncode == 0
        assert _names(shell, fast.stdout) == [n for n in _names(shell, slow.stdout) if n != "3.99.0"], shell
        assert _names(shell, fast.stdout)


def _names(shell: str, out: str):
    if shell == "zsh":
        lines = out.splitlines()
        return [lines[i + 1] for i in range(0, len(lines) - 2, 3)]
    return [line.split(",", 1)[1] for line in out.splitlines()]
