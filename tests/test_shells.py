"""The shell integration, driven in real interactive shells as a user would.

Every world lives under a folder with a hostile name (quotes, `$`, `;`, `&&`, spaces and
non-ASCII), so every path the integration handles is one. One shell session per scenario
group; each step writes the shell's exported environment (`env -0`) and `sys.prefix` of the
`python` it runs to files, which the test reads back.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict

import pytest

from conftest import BIN, REAL_VERSIONS, Roots

from shell_session import INIT, MARKER, SHELLS, Session, State, need_shell, set_env, unset_env

HOSTILE = "'\";&&e-$ èрт🚒♞中片-j"
ACTIVATE = {"bash": ". ", "zsh": ". ", "fish": "source "}
ORDER, ORDERED = "PYSWITCH_TEST_ORDER", ("2-b", "a-first", "10-c", "B-upper")
# two real interpreters, the pair CI installs first
WANTED = (("3.8.18", "3.13.0"), ("3.8.18", "3.12.1"), ("3.9.18", "3.13.0"))


# --- the world ----------------------------------------------------------------------------
@dataclass
class World:
    roots: Roots
    env: Dict[str, str]
    start: Path
    venv_project: Path
    venv: Path
    conda_project: Path
    conda_env: Path
    plain_project: Path
    plain_prefix: str       # sys.prefix of the plainly pinned interpreter
    untrusted_project: Path
    system_prefix: str
    hand_venv: Path         # for activating by hand (Python's own activate scripts break on hostile paths)


def _real_pair():
    for pair in WANTED:
        if all((REAL_VERSIONS / v / "bin" / "python").exists() for v in pair):
            return pair
    pytest.skip("two real pyenv interpreters are needed (3.8.18 and 3.13.0 in CI)")


def _venv(python: Path, where: Path) -> Path:
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(where)], check=True)
    return where


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    old, new = _real_pair()
    base = tmp_path_factory.mktemp("shells") / HOSTILE
    roots = Roots(base)
    roots.link_version(old)
    roots.link_version(new)
    env = dict(roots.env)
    conda_root = roots.conda_root(base / f"conda {HOSTILE}")
    env["PYSWITCH_CONDA_ROOTS"] = str(conda_root)

    # a conda env whose python reports its own prefix: a venv with conda's metadata
    conda_env = _venv(roots.versions / new / "bin" / "python", conda_root / "envs" / "ml")
    meta = conda_env / "conda-meta"
    meta.mkdir()
    (meta / "history").write_text("==> 2026-01-01 00:00:00 <==\n")
    (meta / f"python-{new}-h0_0.json").write_text('{"name": "python", "version": "%s"}' % new)
    for kind, action in (("activate", f'export {MARKER}="on $CONDA_DEFAULT_ENV"'), ("deactivate", f"unset {MARKER}")):
        d = conda_env / "etc" / "conda" / f"{kind}.d"
        d.mkdir(parents=True)
        (d / "marker.sh").write_text(action + "\n")
    (conda_env / "etc/conda/activate.d/marker.fish").write_text(f'set -gx {MARKER} "on $CONDA_DEFAULT_ENV"\n')
    (conda_env / "etc/conda/deactivate.d/marker.fish").write_text(f"set -e {MARKER}\n")
    # conda runs them sorted by name as bytes, deactivate.d last first: not fish's glob order
    for kind, tag in (("activate", ""), ("deactivate", "d:")):
        for name in ORDERED:
            d = conda_env / "etc" / "conda" / f"{kind}.d"
            (d / f"{name}.sh").write_text(f'export {ORDER}="${{{ORDER}-}}{tag}{name} "\n')
            (d / f"{name}.fish").write_text(f'set -gx {ORDER} "${ORDER}""{tag}{name} "\n')

    projects = base / f"projects {HOSTILE}"
    start = projects / "start"
    start.mkdir(parents=True)
    venv_project = projects / "venv proj"
    roots.pin(venv_project, f"{old}\n")
    venv = _venv(roots.versions / old / "bin" / "python", venv_project / ".venv")
    conda_project = projects / "conda;proj"
    roots.pin(conda_project, "conda:ml\n")
    plain_project = projects / "plain $proj"
    roots.pin(plain_project, new.rsplit(".", 1)[0] + "  # a plain pin\n")
    untrusted = projects / "untrusted"
    roots.pin(untrusted, f"{new}\n")
    _venv(roots.versions / new / "bin" / "python", untrusted / ".venv")
    for p in (venv_project, conda_project, plain_project):
        (p / "sub dir").mkdir()

    def pyswitch(*args, cwd=start):
        return subprocess.run([str(BIN / "pyswitch"), *args], cwd=str(cwd), env=env, check=True,
                              capture_output=True, text=True)

    hand_venv = _venv(roots.versions / new / "bin" / "python", tmp_path_factory.mktemp("plain") / "hand-venv")
    pyswitch("trust", cwd=venv_project)
    pyswitch("rehash")
    env.update({
        "TERM": "dumb",
        "P_START": str(start), "P_VENV": str(venv_project), "P_CONDA": str(conda_project),
        "P_PLAIN": str(plain_project), "P_UNTRUSTED": str(untrusted), "P_HAND": str(hand_venv),
    })
    env.pop("CONDA_SHLVL", None)
    system_prefix = subprocess.run([sys.executable, "-c", "import sys; print(sys.prefix)"],
                                   capture_output=True, text=True).stdout.strip()
    return World(roots, env, start, venv_project, venv, conda_project, conda_env, plain_project,
                 os.path.realpath(REAL_VERSIONS / new), untrusted, system_prefix, hand_venv)


def assert_quiet(shell: str, transcript: str) -> None:
    """No error from the shell or the integration reached the terminal."""
    bad = [line for line in transcript.splitlines()
           if line.startswith(f"{shell}:") or "_pyswitch" in line or "Traceback" in line
           or "command not found" in line or "Unknown command" in line]
    assert not bad, "\n".join(bad)


def same(a: str, b) -> bool:
    return os.path.realpath(a) == os.path.realpath(str(b))


def expect_plain(state: State, start: State, prefix, what: str) -> None:
    assert state.path == start.path, what
    assert state.watched() == start.watched(), what
    assert same(state.prefix, prefix), f"{what}: python ran from {state.prefix!r}"


def expect_venv(state: State, start: State, world: World, what: str) -> None:
    assert state.path == f"{world.venv / 'bin'}:{start.path}", what
    assert state.get("VIRTUAL_ENV") == str(world.venv), what
    assert state.get("_PYSWITCH_ACTIVE_BIN") == str(world.venv / "bin"), what
    for name in ("CONDA_PREFIX", "CONDA_SHLVL", "CONDA_DEFAULT_ENV", MARKER):
        assert state.get(name) == start.get(name), f"{what}: {name}"
    assert same(state.prefix, world.venv), f"{what}: python ran from {state.prefix!r}"


def expect_conda(state: State, start: State, world: World, what: str) -> None:
    assert state.path == f"{world.conda_env / 'bin'}:{start.path}", what
    assert state.get("CONDA_PREFIX") == str(world.conda_env), what
    assert state.get("CONDA_DEFAULT_ENV") == "ml", what
    assert state.get("CONDA_SHLVL") == str(int(start.get("CONDA_SHLVL") or 0) + 1), what
    assert state.get(MARKER) == "on ml", f"{what}: activate.d did not run"
    assert state.get("VIRTUAL_ENV") is None, what
    assert same(state.prefix, world.conda_env), f"{what}: python ran from {state.prefix!r}"


@pytest.fixture
def session(world, tmp_path):
    opened = []

    def open_(shell: str, **extra_env) -> Session:
        s = Session(shell, world.env, world.start, tmp_path / f"out-{shell}-{len(opened)}", extra_env)
        opened.append(s)
        return s

    yield open_
    for s in opened:
        s.close()


# --- the scenarios ------------------------------------------------------------------------
@pytest.mark.shell
@pytest.mark.parametrize("shell", SHELLS)
def test_cd_activates_and_leaving_restores_everything(shell, world, session):
    s = session(shell, **({"CONDA_SHLVL": "0"} if shell == "fish" else {}))
    s.send(INIT[shell])
    hooks = {"bash": 'printf "%s" "$PROMPT_COMMAND"',
             "zsh": 'print -r -- "$precmd_functions|$chpwd_functions"',
             "fish": "functions --handlers"}[shell]
    start = s.step(INIT[shell], extra=hooks)  # evaluated twice
    shims = str(world.roots.root / "shims")
    assert start.path.split(":")[0] == shims and start.path.split(":").count(shims) == 1
    assert start.get("PYSWITCH_SHELL") == shell
    assert start.extra.count("_pyswitch_hook") == {"bash": 1, "zsh": 2, "fish": 2}[shell], start.extra
    assert start.get("VIRTUAL_ENV") is None and start.get("CONDA_PREFIX") is None
    assert same(start.prefix, world.system_prefix)

    expect_venv(s.step('cd "$P_VENV"'), start, world, "venv project")
    expect_venv(s.step('cd "sub dir"'), start, world, "venv project's subfolder")
    expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "left the venv project")

    conda = s.step('cd "$P_CONDA"')
    expect_conda(conda, start, world, "conda project")
    assert conda.get(ORDER) == "10-c 2-b B-upper a-first ", conda.get(ORDER)
    expect_conda(s.step('cd "sub dir"'), start, world, "conda project's subfolder")
    switched = s.step('cd "$P_VENV"')
    expect_venv(switched, start, world, "switched from conda to venv")
    assert switched.get(ORDER) == "10-c 2-b B-upper a-first d:a-first d:B-upper d:2-b d:10-c ", switched.get(ORDER)
    s.send(unset_env(shell, ORDER))
    expect_conda(s.step('cd "$P_CONDA/sub dir"'), start, world, "switched from venv to conda")
    expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "left the conda project")

    expect_plain(s.step('cd "$P_PLAIN"'), start, world.plain_prefix, "plain pin")
    expect_plain(s.step('cd "sub dir"'), start, world.plain_prefix, "plain pin's subfolder")
    expect_plain(s.step('cd "$P_UNTRUSTED"'), start, world.plain_prefix, "untrusted .venv")
    expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "left the plain pin")

    # PATH changed while active: leaving takes out only the hook's entry
    expect_conda(s.step('cd "$P_CONDA"'), start, world, "conda project again")
    extra = "/opt/pyswitch-test-extra"
    add = f"set -gx PATH {extra} $PATH" if shell == "fish" else f'PATH="{extra}:$PATH"'
    s.send(add)
    left = s.step('cd "$P_START"')
    assert left.path == f"{extra}:{start.path}"
    assert left.watched() == start.watched()
    drop = "set -e PATH[1]" if shell == "fish" else f'PATH="${{PATH#{extra}:}}"'
    assert s.step(drop).path == start.path

    # init evaluated again while an environment is active
    expect_venv(s.step('cd "$P_VENV"'), start, world, "venv before init again")
    again = s.step(INIT[shell])  # what re-reading ~/.bashrc does: the venv's bin stays first
    expect_venv(again, start, world, "init again while active")
    expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "left after init again")

    # a folder deleted under the shell: the next update selects as with no version file (SPEC 4),
    # as the shims and the engine do, never the parent project's pin
    s.send('mkdir -p "$P_VENV/sub dir/gone"')  # below a subfolder: the pinned folder itself stays unmodified
    expect_venv(s.step('cd "$P_VENV/sub dir/gone"'), start, world, "a folder about to go")
    s.send('rmdir "$PWD"')
    gone = s.step(set_env(shell, "PYSWITCH_AUTO_ACTIVATE", "1"))  # an update, without a cd
    assert gone.path == start.path and gone.watched() == start.watched(), "in a deleted folder"
    # /bin/sh itself says `getcwd() failed` as a shim starts there; what ran is the last line
    assert same(gone.prefix.splitlines()[-1], world.system_prefix), gone.prefix
    s.send(unset_env(shell, "PYSWITCH_AUTO_ACTIVATE"))
    s.send('cd "$P_START"')

    # the exit status survives the prompt hook, on the slow path and the fast one
    status = "echo $status" if shell == "fish" else "echo $?"
    assert s.step('cd "$P_VENV"; false', extra=status).extra == "1\n"
    assert s.step("false", extra=status).extra == "1\n"
    s.send('cd "$P_START"')

    # pyswitch shell, then --unset
    s.send('cd "$P_PLAIN"')
    shelled = s.step("pyswitch shell conda:ml")
    assert shelled.get("PYSWITCH_VERSION") == "conda:ml"
    assert shelled.get("CONDA_PREFIX") == str(world.conda_env) and shelled.get(MARKER) == "on ml"
    refused = s.step("pyswitch shell 3.1.99")
    assert refused.get("PYSWITCH_VERSION") == "conda:ml"
    unset = s.step("pyswitch shell --unset")
    expect_plain(unset, start, world.plain_prefix, "shell --unset")
    expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "back at the start")
    transcript = s.close()
    assert "version '3.1.99' is not installed" in transcript
    assert_quiet(shell, transcript)


@pytest.mark.shell
@pytest.mark.parametrize("shell", SHELLS)
def test_hook_keeps_its_hands_off(shell, world, session, tmp_path):
    s = session(shell)
    s.send(INIT[shell])
    start = s.step()

    # a venv the user activated: the hook changes nothing, whatever the folder
    activate = ACTIVATE[shell] + '"$P_HAND/bin/activate' + ('.fish"' if shell == "fish" else '"')
    by_hand = s.step(activate)
    assert by_hand.get("VIRTUAL_ENV") == str(world.hand_venv)
    for where in ('cd "$P_CONDA"', 'cd "$P_VENV/sub dir"', 'cd "$P_START"'):
        state = s.step(where)
        assert state.path == by_hand.path and state.watched() == by_hand.watched(), where
    s.send("deactivate")
    expect_plain(s.step(), start, world.system_prefix, "deactivated by hand")

    # a venv activated by hand on top of the hook's own: once deactivated, the hook's is back
    expect_venv(s.step('cd "$P_VENV"'), start, world, "the hook's venv")
    on_top = s.step(activate)
    assert on_top.get("VIRTUAL_ENV") == str(world.hand_venv) and same(on_top.prefix, world.hand_venv)
    s.send("deactivate")
    expect_venv(s.step(), start, world, "the hook's venv after the one on top was deactivated")
    expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "left after the one on top")

    # the hook's own environment deactivated by hand: forgotten, not activated again here
    expect_conda(s.step('cd "$P_CONDA"'), start, world, "conda project")
    forgot = s.step(unset_env(shell, "CONDA_PREFIX"))
    assert forgot.path == start.path and forgot.get("_PYSWITCH_ACTIVE_BIN") is None
    assert forgot.get("CONDA_PREFIX") is None and forgot.get("CONDA_DEFAULT_ENV") == "ml"
    s.send('cd "$P_START"')
    for name in ("CONDA_DEFAULT_ENV", "CONDA_SHLVL", MARKER):
        s.send(unset_env(shell, name))
    expect_plain(s.step(), start, world.system_prefix, "cleaned up by hand")

    # PYSWITCH_AUTO_ACTIVATE=0: nothing is activated, the shims still route
    s.send(set_env(shell, "PYSWITCH_AUTO_ACTIVATE", "0"))
    off = s.step('cd "$P_VENV"')
    assert off.path == start.path and off.get("VIRTUAL_ENV") is None
    assert same(off.prefix, world.venv)  # through the shim
    off = s.step('cd "$P_CONDA"')
    assert off.path == start.path and off.get("CONDA_PREFIX") is None and off.get(MARKER) is None
    expect_conda(s.step(unset_env(shell, "PYSWITCH_AUTO_ACTIVATE")), start, world, "turned back on")
    off = s.step(set_env(shell, "PYSWITCH_AUTO_ACTIVATE", "off"))
    assert off.path == start.path and off.get("CONDA_PREFIX") is None and off.get(MARKER) is None
    s.send(unset_env(shell, "PYSWITCH_AUTO_ACTIVATE"))
    expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "after auto-activation tests")

    # the config turns it off too
    config = Path(world.env["PYSWITCH_CONFIG"])
    config.write_text("auto_activate = false\n")
    try:
        off = s.step('cd "$P_VENV"')
        assert off.path == start.path and off.get("VIRTUAL_ENV") is None
        s.send('cd "$P_START"')
        config.unlink()  # back to the default (on); bash's and fish's -nt call a missing file older
        expect_venv(s.step('cd "$P_VENV"'), start, world, "config deleted")
        s.send('cd "$P_START"')
        config.write_text("auto_activate = false\n")
        off = s.step('cd "$P_VENV"')
        assert off.path == start.path and off.get("VIRTUAL_ENV") is None
        s.send('cd "$P_START"')
        config.write_text("auto_activate = true\n")
        expect_venv(s.step('cd "$P_VENV"'), start, world, "config back on")
        expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "left")
    finally:
        if config.exists():
            config.unlink()

    # an untrusted .venv is ignored until trusted; trusting and revoking take effect at once
    expect_plain(s.step('cd "$P_UNTRUSTED"'), start, world.plain_prefix, "untrusted")
    trusted = s.step("pyswitch trust")
    assert trusted.get("VIRTUAL_ENV") == str(world.untrusted_project / ".venv")
    assert trusted.path == f"{world.untrusted_project / '.venv' / 'bin'}:{start.path}"
    revoked = s.step("pyswitch trust --revoke")
    expect_plain(revoked, start, world.plain_prefix, "revoked")
    expect_plain(s.step('cd "$P_START"'), start, world.system_prefix, "the end")
    assert_quiet(shell, s.close())


@pytest.mark.shell
@pytest.mark.parametrize("shell", SHELLS)
def test_prompt_keeps_the_exit_status_and_loading_prints_nothing(shell, world, tmp_path):
    need_shell(shell)
    argv = {"bash": ["bash", "--norc", "--noprofile", "-c"], "zsh": ["zsh", "-f", "-c"],
            "fish": ["fish", "--no-config", "-c"]}[shell]
    hook = {"bash": "_pyswitch_hook", "zsh": "_pyswitch_hook", "fish": "_pyswitch_hook"}[shell]
    status = "$status" if shell == "fish" else "$?"
    script = f'{INIT[shell]}; cd "$P_VENV"; false; {hook}; echo "status={status}"; {hook}; {hook}'
    done = subprocess.run(argv + [script], cwd=str(world.start), env=world.env, capture_output=True, text=True,
                          timeout=60)
    assert done.stderr == ""
    assert done.stdout == "status=1\n"


# --- the commands themselves --------------------------------------------------------------
def test_init_says_which_shell_it_detected(roots):
    need_shell("bash")
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", f'"{BIN / "pyswitch"}" init; true'],
                          env=roots.env, cwd=str(roots.project), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# detected shell: bash (")
    assert "pyswitch init bash" in done.stdout.splitlines()[0]
    assert "PROMPT_COMMAND" in done.stdout


def test_init_refuses_an_unknown_shell(pyswitch):
    done = pyswitch("init", "tcsh")
    assert done.returncode == 2 and done.stdout == ""
    assert "tcsh" in done.stderr


def test_init_makes_the_shims_when_there_are_none(roots, pyswitch):
    roots.fake_version("3.8.18")
    assert not (roots.root / "shims").exists()
    done = pyswitch("init", "zsh")
    assert done.returncode == 0, done.stderr
    assert (roots.root / "shims" / "python").exists()
    assert f"_PYSWITCH_SHIMS='{roots.root / 'shims'}'" in done.stdout


@pytest.mark.parametrize("shell", SHELLS)
def test_init_quotes_values_by_the_shells_rules(shell, tmp_path):
    from pyswitch.shells.render import render_init

    need_shell(shell)
    value = HOSTILE + "\\'$(touch pwned)`touch pwned`\n;x"
    text = render_init(shell, {"SHIMS": value, "CACHE": value, "TRUST": value, "COMPLETION": value})
    show = {"fish": 'printf "%s" "$_PYSWITCH_TRUST"', "bash": 'printf "%s" "$_PYSWITCH_TRUST"',
            "zsh": 'printf "%s" "$_PYSWITCH_TRUST"'}[shell]
    script = tmp_path / "init"
    script.write_text(text + "\n" + show + "\n", encoding="utf-8")
    argv = {"bash": ["bash", "--norc", "--noprofile"], "zsh": ["zsh", "-f"], "fish": ["fish", "--no-config"]}[shell]
    done = subprocess.run(argv + [str(script)], cwd=str(tmp_path), capture_output=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})
    assert done.stderr == b""
    assert done.stdout.decode("utf-8") == value
    assert not (tmp_path / "pwned").exists()


def test_shell_needs_the_integration_and_refuses_what_is_not_installed(roots, pyswitch):
    roots.fake_version("3.8.18")
    done = pyswitch("shell", "3.8.18")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("pyswitch: ") and 'eval "$(pyswitch init bash)"' in done.stderr
    done = pyswitch("shell", "--print-for", "bash", "3.1.99")
    assert done.returncode == 1 and done.stdout == ""
    assert "version '3.1.99' is not installed" in done.stderr and "try: pyswitch install 3.1.99" in done.stderr
    done = pyswitch("shell", "--print-for", "bash", "--force", "3.1.99")  # as local --force: set anyway
    assert done.returncode == 0 and done.stdout == "\\builtin export PYSWITCH_VERSION='3.1.99'\n", done.stderr
    done = pyswitch("shell", "--print-for", "bash", "../evil")
    assert done.returncode == 1 and done.stdout == ""
    assert pyswitch("shell", "--print-for", "bash", "--force", "../evil").returncode == 1  # never a path
    assert pyswitch("shell", "--print-for", "fish", "3.8").stdout == "set -gx PYSWITCH_VERSION '3.8'\n"
    assert pyswitch("shell", "--print-for", "zsh", "--unset").stdout == "\\builtin unset PYSWITCH_VERSION\n"
    assert pyswitch("shell", env={"PYSWITCH_VERSION": "3.8"}).stdout == "3.8\n"
    assert pyswitch("shell").returncode == 1


@pytest.mark.shell
@pytest.mark.parametrize("shell", SHELLS)
def test_doctor_tells_a_nested_shell_that_never_loaded_the_integration(shell, world, session, tmp_path):
    """PYSWITCH_SHELL is inherited by every child: doctor must not take it for the hook in a
    nested interactive shell started without the integration."""
    s = session(shell)
    s.send(INIT[shell])
    s.step('pyswitch doctor > "$T/here.txt"; echo "pyswitch doctor" | bash --norc --noprofile -i > "$T/nested.txt" 2>/dev/null')
    out = s.out
    here = [line for line in (out / "here.txt").read_text().splitlines() if " hook: " in line]
    nested = [line for line in (out / "nested.txt").read_text().splitlines() if " hook: " in line]
    assert here and here[0].startswith("ok") and f"loaded ({shell})" in here[0], here
    assert nested and nested[0].startswith("problem") and "not loaded in this shell" in nested[0], nested
