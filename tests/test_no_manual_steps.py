"""A pyenv user switches with zero edits, and nothing needs a manual step (SPEC 2, 4, 5).

Shims never go stale: `pip` through a shim rehashes when it exits (and passes its status and
signals on); a prompt hook notices a changed bin/ and rehashes in the background. An ignored
`.venv` is said once on entering its folder; trust of a venv that will not be used says why;
an unwritable root is said, never claimed; hints lead somewhere.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from conftest import REAL_VERSIONS, write_exe
from shell_session import INIT, SHELLS, Session

# a pip that "installs" a command: writes it into its own bin/, as pip does for black
FAKE_PIP = """#!/bin/sh
bin=$(dirname "$0")
case "$1" in
  install) printf '#!/bin/sh\\necho "%s from %s"\\n' "$2" "$bin" > "$bin/$2"; chmod +x "$bin/$2" ;;
  fail) exit "$2" ;;
  sleep) echo "sleeping $$"; exec sleep 30 ;;
esac
echo "pip $*"
"""


@pytest.fixture
def env_with_pip(roots, pyswitch):
    prefix = roots.fake_version("3.12.9")
    write_exe(prefix / "bin" / "pip", FAKE_PIP)
    roots.pin(roots.project, "3.12.9\n")
    assert pyswitch("rehash").returncode == 0
    return prefix


def shim(roots, cmd, *args, **kw):
    return subprocess.run([str(roots.root / "shims" / cmd), *args], cwd=str(roots.project), env=roots.env,
                          capture_output=True, text=True, timeout=60, **kw)


def test_pip_install_through_the_shim_gives_the_new_command_a_shim(roots, env_with_pip):
    assert not (roots.root / "shims" / "black").exists()
    r = shim(roots, "pip", "install", "black")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "pip install black\n"
    assert (roots.root / "shims" / "black").exists()
    done = shim(roots, "black")
    assert done.returncode == 0 and done.stdout == f"black from {env_with_pip / 'bin'}\n"


def test_pip_through_the_shim_passes_its_exit_status_on(roots, env_with_pip):
    assert shim(roots, "pip", "fail", "3").returncode == 3


def test_pip_through_the_shim_passes_signals_on(roots, env_with_pip):
    p = subprocess.Popen([str(roots.root / "shims" / "pip"), "sleep"], cwd=str(roots.project), env=roots.env,
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    assert line.startswith("sleeping ")
    child = int(line.split()[1])
    assert child != p.pid  # pip runs as a child the shim waits for
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=20) == -signal.SIGTERM
    with pytest.raises(ProcessLookupError):  # and the signal reached pip itself
        for _ in range(100):
            os.kill(child, 0)
            time.sleep(0.05)


def test_a_pip_run_that_changes_nothing_does_not_rehash(roots, env_with_pip):
    stamp = roots.root / "cache" / "rehashed"
    before = stamp.stat().st_mtime_ns
    assert shim(roots, "pip", "list").returncode == 0
    assert stamp.stat().st_mtime_ns == before


@pytest.mark.shell
@pytest.mark.parametrize("shell", SHELLS)
def test_the_prompt_hook_rehashes_after_pip_outside_the_shims(shell, roots, env_with_pip, tmp_path):
    s = Session(shell, roots.env, roots.project, tmp_path / "out")
    try:
        s.send(INIT[shell])
        s.probe()
        # pip run by its own path, as in an activated env: no shim saw it
        s.probe(f"{env_with_pip / 'bin' / 'pip'} install ruff")
        deadline = time.monotonic() + 30
        while not (roots.root / "shims" / "ruff").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (roots.root / "shims" / "ruff").exists(), "the hook did not rehash"
    finally:
        transcript = s.close()
    assert "Job" not in transcript and "rehashed" not in transcript  # quietly, in the background


@pytest.mark.shell
@pytest.mark.parametrize("shell", SHELLS)
def test_entering_a_folder_whose_venv_is_ignored_says_so_once(shell, roots, pyswitch, tmp_path):
    roots.link_version("3.8.18")
    untrusted = roots.tmp / "untrusted"
    other = roots.tmp / "other-interpreter"
    roots.pin(untrusted, "3.8.18\n")
    roots.pin(other, "3.8.18\n")
    (untrusted / "sub").mkdir()
    subprocess.run([str(REAL_VERSIONS / "3.8.18" / "bin" / "python"), "-m", "venv", "--without-pip",
                    str(untrusted / ".venv")], check=True, timeout=120)
    write_exe(other / ".venv" / "bin" / "python", "#!/bin/sh\n")
    (other / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.2\n")
    assert pyswitch("rehash").returncode == 0
    s = Session(shell, roots.env, roots.project, tmp_path / "out")
    try:
        s.send(INIT[shell])
        s.probe()
        for line in (f"cd '{untrusted}'", "cd sub", "cd ..", f"cd '{roots.project}'", f"cd '{untrusted}/sub'",
                     f"cd '{other}'", f"cd '{roots.project}'", f"cd '{other}'"):
            s.probe(line)
    finally:
        transcript = s.close()
    lines = [line.strip() for line in transcript.splitlines() if line.strip().startswith("pyswitch: ignoring")]
    assert lines == [
        "pyswitch: ignoring ./.venv (not trusted); run 'pyswitch trust' to use it",
        f"pyswitch: ignoring ./.venv (made from /usr/bin, not 3.8.18); run 'cd {other} && pyswitch local --venv "
        "--force' to recreate it",
    ], transcript[-3000:]


def test_trusting_a_venv_made_from_another_interpreter_says_why_it_is_not_used(roots, pyswitch):
    roots.link_version("3.8.18")
    roots.link_version("3.12.1")
    roots.pin(roots.project, "3.8.18\n")
    subprocess.run([str(REAL_VERSIONS / "3.12.1" / "bin" / "python"), "-m", "venv", "--without-pip",
                    str(roots.project / ".venv")], check=True, timeout=120)
    r = pyswitch("trust")
    assert r.returncode == 1
    assert r.stdout == f"trusted: {roots.project / '.venv'}\n"
    assert r.stderr == (f"pyswitch: {roots.project / '.venv'} is trusted, but it is not used: it was made from "
                        f"{REAL_VERSIONS / '3.12.1' / 'bin'}, not 3.8.18 (pinned in {roots.project / '.python-version'});"
                        " fix: pyswitch local --venv --force\n")
    fixed = pyswitch("local", "--venv", "--force")
    assert fixed.returncode == 0, fixed.stderr
    assert pyswitch("trust").returncode == 0


# --- a root that cannot be written is said, never claimed --------------------------------------
@pytest.fixture
def unwritable_root(roots, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    roots.env["PYSWITCH_ROOT"] = str(blocker / "root")  # below a file: nothing can be made there
    return blocker / "root"


def test_local_with_an_unwritable_root_says_the_project_is_not_recorded(roots, pyswitch, unwritable_root):
    roots.link_version("3.8.18")
    r = pyswitch("local", "3.8")
    assert r.returncode == 0
    assert (roots.project / ".python-version").read_text() == "3.8\n"
    assert r.stderr.startswith("pyswitch: the pin is written, but the project is not recorded (cannot write ")
    assert "will not count it as a user" in r.stderr


def test_local_venv_with_an_unwritable_root_never_claims_it_trusted(roots, pyswitch, unwritable_root):
    roots.link_version("3.8.18")
    r = pyswitch("local", "3.8.18", "--venv")
    assert r.returncode == 1
    assert "trusted it" not in r.stdout
    assert "could not trust it" in r.stderr and "pyswitch trust" in r.stderr
    assert (roots.project / ".venv" / "pyvenv.cfg").exists()


# --- hints that lead somewhere ---------------------------------------------------------------------
def test_a_name_install_cannot_make_is_not_offered_to_install(roots, pyswitch):
    roots.fake_version("3.8.18")
    roots.virtualenv("3.8.18", "web")
    r = pyswitch("local", "webb")
    assert r.returncode == 1
    assert "pyswitch install" not in r.stderr and "see what is installed: pyswitch versions" in r.stderr


def test_install_of_a_prefix_with_only_a_prerelease_names_it(roots, pyswitch, tmp_path):
    tools = tmp_path / "tools"
    write_exe(tools / "python-build", "#!/bin/sh\n[ \"$1\" = --definitions ] && printf '3.13.1\\n3.14.0rc1\\n3.14-dev\\n'\n")
    roots.env["PATH"] = os.pathsep.join([str(tools), roots.env["PATH"]])
    r = pyswitch("install", "3.14")
    assert r.returncode == 1
    assert r.stderr == ("pyswitch: no python-build release matches '3.14'; a prefix never picks these: "
                        "3.14.0rc1, 3.14-dev; name one exactly: pyswitch install 3.14-dev\n")


def test_uninstalling_a_symlinked_version_says_how_to_remove_the_link(roots, pyswitch, tmp_path):
    target = roots.fake_version("3.8.18")
    (roots.versions / "3.8").symlink_to(target)
    r = pyswitch("uninstall", "--yes", "3.8")
    assert r.returncode == 1
    assert r.stderr.rstrip().endswith(f"to remove only the link: rm {roots.versions / '3.8'}")
