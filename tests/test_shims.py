"""Real runs through real shims: which interpreter ran, exit statuses, signals, stdin, caching."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import write_exe

PRINT_VERSION = "import sys; print('.'.join(map(str, sys.version_info[:3])))"


@pytest.fixture
def world(roots, pyswitch):
    """Real 3.8.18 and 3.12.1 linked in, shims made, a project folder six levels deep."""
    roots.link_version("3.8.18")
    roots.link_version("3.12.1")
    deep = roots.project / "a" / "b" / "c" / "d" / "e" / "f"
    deep.mkdir(parents=True)
    roots.deep = deep
    return roots


def rehash(pyswitch):
    r = pyswitch("rehash")
    assert r.returncode == 0, r.stderr


def shim(roots, cmd, *args, cwd=None, env=None, **kw):
    full = dict(roots.env)
    full.update(env or {})
    return subprocess.run([str(roots.root / "shims" / cmd), *args], cwd=str(cwd or roots.project), env=full,
                          capture_output=True, text=True, timeout=60, **kw)


def test_primary_and_secondary_from_six_levels_down(world, pyswitch):
    world.pin(world.project, "3.12\n3.8\n")
    rehash(pyswitch)
    assert shim(world, "python", "-c", PRINT_VERSION, cwd=world.deep).stdout.strip() == "3.12.1"
    assert shim(world, "python3.8", "-c", PRINT_VERSION, cwd=world.deep).stdout.strip() == "3.8.18"
    # pip comes from the primary too
    out = shim(world, "pip", "--version", cwd=world.deep).stdout
    assert "python 3.12" in out


def test_conda_pin_runs_the_envs_own_python(world, pyswitch):
    croot = world.conda_root(world.tmp / "conda root")
    env = world.conda_env(croot / "envs" / "ml", "3.10.13", extra_bin=("curl",))
    world.env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    world.pin(world.project, "conda:ml\n")
    rehash(pyswitch)
    r = shim(world, "python", "hello", cwd=world.deep)
    assert r.returncode == 0
    assert f"ran conda:{env}" in r.stdout and "hello" in r.stdout
    # conda's own system tools never get a shim
    assert not (world.root / "shims" / "curl").exists()


def test_command_only_the_system_has_runs_the_systems(world, pyswitch):
    # a fabricated version provides `mytool`, so there is a shim for it; the pin does not have it
    world.fake_version("3.9.99", commands=("python", "mytool"))
    write_exe(world.sysbin / "mytool", "#!/bin/sh\necho system mytool \"$@\"\n")
    world.env["PATH"] = os.pathsep.join([world.env["PATH"], str(world.sysbin)])
    world.pin(world.project, "3.8.18\n")
    rehash(pyswitch)
    r = shim(world, "mytool", "x y")
    assert r.stdout.strip() == "system mytool x y"


def test_missing_command_exits_127_and_says_where_it_exists(world, pyswitch):
    world.link_version("3.7.16")
    world.pin(world.project, "3.8\n")
    rehash(pyswitch)
    r = shim(world, "python3.7", "-V")
    assert r.returncode == 127
    assert r.stderr.splitlines() == ["pyswitch: python3.7: command not found", "it exists in: 3.7.16"]
    w = pyswitch("which", "python3.7")
    assert w.returncode == 127 and w.stderr == r.stderr


def test_primary_not_installed_is_an_error_not_a_fallback(world, pyswitch):
    f = world.pin(world.project, "3.7\n")
    rehash(pyswitch)
    r = shim(world, "python", "-c", "print('ran')")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith(f"pyswitch: version '3.7' is not installed (set by {f}); installed: ")
    assert r.stderr.rstrip().endswith("try: pyswitch install 3.7")


def test_slow_path_warnings_reach_stderr_before_the_exec(world, pyswitch):
    # a refused primary sends the shim to pyswitch itself, which warns, then execs the next line:
    # the warning must be flushed first (stderr is block-buffered without a TTY on 3.8)
    f = world.pin(world.project, "../../../tmp/x\n3.8\n")
    rehash(pyswitch)
    r = shim(world, "python", "-c", PRINT_VERSION)
    assert r.returncode == 0 and r.stdout.strip() == "3.8.18"
    assert r.stderr == f"pyswitch: invalid version '../../../tmp/x' ignored in '{f}'\n"
    # and before the error of a primary that is missing once the refused token is skipped
    f.write_text("../../../tmp/x\n3.7\n")
    r = shim(world, "python", "-c", "print('ran')")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.splitlines()[0] == f"pyswitch: invalid version '../../../tmp/x' ignored in '{f}'"
    assert r.stderr.splitlines()[1].startswith(f"pyswitch: version '3.7' is not installed (set by {f})")


@pytest.mark.parametrize("code", [0, 3, 130])
def test_exit_status_passes_through(world, pyswitch, code):
    world.pin(world.project, "3.8\n")
    rehash(pyswitch)
    assert shim(world, "python", "-c", f"import sys; sys.exit({code})").returncode == code


def test_signal_reaches_the_interpreter_with_no_wrapper_left(world, pyswitch):
    world.pin(world.project, "3.8\n")
    rehash(pyswitch)
    env = dict(world.env)
    p = subprocess.Popen([str(world.root / "shims" / "python"), "-c",
                          "import os, sys, time; print(os.getpid(), flush=True); time.sleep(30)"],
                         cwd=str(world.project), env=env, stdout=subprocess.PIPE, text=True)
    pid = int(p.stdout.readline())
    assert pid == p.pid  # exec: the shim's process *is* the interpreter
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == -signal.SIGTERM


def test_arguments_and_stdin_pass_through_untouched(world, pyswitch):
    world.pin(world.project, "3.8\n")
    rehash(pyswitch)
    args = ["a b", "", "it's", '"q"', "$HOME", "*", "-c"]
    r = shim(world, "python", "-c", "import sys; print(repr(sys.argv[1:])); print(sys.stdin.read())", *args,
             input="line one\nline two\n")
    assert r.stdout.splitlines()[0] == repr(args)
    assert r.stdout.splitlines()[1:3] == ["line one", "line two"]


def test_fast_path_does_not_start_pyswitch(world, pyswitch):
    world.pin(world.project, "3.8\n")
    rehash(pyswitch)
    cache = world.root / "cache" / "resolve.sh"
    before = cache.stat().st_mtime_ns
    assert shim(world, "python", "-c", PRINT_VERSION, cwd=world.deep).stdout.strip() == "3.8.18"
    assert cache.stat().st_mtime_ns == before  # the slow path always rewrites the cache


def test_cache_never_answers_stale(world, pyswitch):
    fake = world.fake_version("3.8.99")
    world.pin(world.project, "3.8\n")
    rehash(pyswitch)
    assert "3.8.99" in shim(world, "python").stdout
    shutil.rmtree(fake)  # a version goes: the next call sees it at once
    assert shim(world, "python", "-c", PRINT_VERSION).stdout.strip() == "3.8.18"
    world.fake_version("3.8.100")  # a higher one comes
    assert "3.8.100" in shim(world, "python").stdout
    # a conda env appears
    croot = world.conda_root(world.tmp / "croot")
    world.env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    world.pin(world.project, "conda:late\n")
    r = shim(world, "python")
    assert r.returncode == 1 and "'conda:late' is not installed" in r.stderr
    world.conda_env(croot / "envs" / "late", "3.11.7")
    assert "ran conda:" in shim(world, "python").stdout


def test_trust_changes_are_seen_by_the_next_call(world, pyswitch):
    world.pin(world.project, "3.8\n")
    subprocess.run([str(world.versions / "3.8.18" / "bin" / "python"), "-m", "venv", "--without-pip",
                    str(world.project / ".venv")], check=True)
    rehash(pyswitch)
    probe = "import sys; print(sys.prefix)"
    assert shim(world, "python", "-c", probe, cwd=world.deep).stdout.strip() != str(world.project / ".venv")
    assert pyswitch("trust", world.project).returncode == 0
    assert shim(world, "python", "-c", probe, cwd=world.deep).stdout.strip() == str(world.project / ".venv")
    # the trusted venv is remade from another interpreter: no longer "made from" the pin
    subprocess.run([str(world.versions / "3.12.1" / "bin" / "python"), "-m", "venv", "--without-pip", "--clear",
                    str(world.project / ".venv")], check=True)
    assert shim(world, "python", "-c", PRINT_VERSION, cwd=world.deep).stdout.strip() == "3.8.18"
    subprocess.run([str(world.versions / "3.8.18" / "bin" / "python"), "-m", "venv", "--without-pip", "--clear",
                    str(world.project / ".venv")], check=True)
    assert shim(world, "python", "-c", probe, cwd=world.deep).stdout.strip() == str(world.project / ".venv")
    assert pyswitch("trust", "--revoke", world.project).returncode == 0
    assert shim(world, "python", "-c", probe, cwd=world.deep).stdout.strip() != str(world.project / ".venv")
    # a watched file that is deleted counts as a change too
    assert pyswitch("trust", world.project).returncode == 0
    assert shim(world, "python", "-c", probe, cwd=world.deep).stdout.strip() == str(world.project / ".venv")
    (world.root / "trusted").unlink()
    assert shim(world, "python", "-c", probe, cwd=world.deep).stdout.strip() != str(world.project / ".venv")


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_lock_left_by_a_killed_rehash_does_not_block(world, pyswitch):
    lock = world.root / ".rehash-lock"
    world.root.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock), "60"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    holder.send_signal(signal.SIGKILL)  # the kernel drops a flock with its holder
    holder.wait(timeout=10)
    r = pyswitch("rehash", timeout=20)
    assert r.returncode == 0, r.stderr
    assert (world.root / "shims" / "python").exists()


def test_a_live_lock_holder_is_waited_for_never_broken(world, pyswitch):
    lock = world.root / ".rehash-lock"
    world.root.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock), "1.5"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    started = time.monotonic()
    r = pyswitch("rehash", timeout=30)
    assert r.returncode == 0, r.stderr
    assert holder.poll() is not None  # it finished only once the holder let go
    assert time.monotonic() - started > 0.5


def test_shims_for_commands_nothing_has_are_removed(world, pyswitch):
    fake = world.fake_version("3.5.1", commands=("python", "gone-tool"))
    rehash(pyswitch)
    assert (world.root / "shims" / "gone-tool").exists()
    shutil.rmtree(fake)
    r = pyswitch("rehash")
    assert "gone-tool" in r.stdout
    assert not (world.root / "shims" / "gone-tool").exists()


@pytest.mark.skipif(not shutil.which("dash"), reason="dash not installed")
def test_the_shim_is_posix_sh_and_runs_under_dash(world, pyswitch):
    world.pin(world.project, "3.8\n")
    rehash(pyswitch)
    shim_file = world.root / "shims" / "python"
    assert shim_file.read_text().startswith("#!/bin/sh\n")
    assert subprocess.run(["dash", "-n", str(shim_file)]).returncode == 0
    assert subprocess.run(["sh", "-n", str(shim_file)]).returncode == 0
    r = subprocess.run(["dash", str(shim_file), "-c", PRINT_VERSION], cwd=str(world.deep), env=world.env,
                       capture_output=True, text=True)
    assert r.stdout.strip() == "3.8.18", r.stderr


# --- which and the shims always agree ------------------------------------------------------
def _agreement_world(roots):
    """Fabricated environments whose commands print the path that ran."""
    for name in ("3.8.7", "3.8.18", "3.9.1", "3.9.1rc1"):
        roots.fake_version(name, commands=("python", "python3", f"python{name[:3]}", "pip", "only-" + name))
    base = roots.fake_version("3.10.4", commands=("python", "tox"))
    roots.virtualenv("3.10.4", "web")
    croot = roots.conda_root(roots.tmp / "croot")
    roots.conda_env(croot / "envs" / "ml", "3.11.2", extra_bin=("curl",))
    write_exe(croot / "envs" / "ml" / "bin" / "jupyter", f"#!{croot}/envs/ml/bin/python\nprint(1)\n")
    roots.env["PYSWITCH_CONDA_ROOTS"] = str(croot)
    write_exe(roots.sysbin / "curl", "#!/bin/sh\necho system curl \"$0\"\n")
    write_exe(roots.sysbin / "python3", "#!/bin/sh\necho system python3 \"$0\"\n")
    # nothing else on PATH, so every command that runs is one of ours and prints its own path
    roots.env["PATH"] = os.pathsep.join([str(roots.root / "shims"), str(roots.sysbin)])
    # installed a minute ago, as real ones were: `pip` through a shim rehashes where its bin/ is
    # newer than the last rehash, and that rehash would drop the extra shims this test adds
    past = time.time() - 60
    for bin_dir in roots.tmp.rglob("bin"):
        if not bin_dir.is_symlink():  # never reach through a link into the real ~/.pyenv
            os.utime(bin_dir, (past, past))
    return base


AGREEMENT_CASES = [
    ("3.8\n", {}), ("3.8.7\n", {}), ("3.9\n", {}), ("3.9.1rc1\n", {}), ("python-3.9\n", {}),
    ("3.9\n3.8\n", {}), ("3.8\n3.9.1\n3.10.4\n", {}), ("web\n", {}), ("3.10.4/envs/web\n", {}),
    ("conda:ml\n", {}), ("conda:ml\n3.8\n", {}), ("system\n", {}), ("system\n3.9\n", {}),
    ("# comment\n\n  3.9.1  trailing words\r\n", {}), ("", {}), ("3.8\n3.99\n", {}),
    ("../x\n3.9\n", {}), ("3.8\n", {"PYSWITCH_VERSION": "3.9 3.8"}), (None, {}), (None, {"global": "3.9"}),
    (None, {"pyenv-global": "3.8.7"}),
]
COMMANDS = ["python", "python3", "python3.8", "python3.9", "pip", "only-3.8.7", "only-3.9.1", "tox", "jupyter",
            "curl", "nothing-has-this"]


@pytest.mark.parametrize("text,extra", AGREEMENT_CASES)
def test_which_and_shims_agree(roots, pyswitch, text, extra):
    _agreement_world(roots)
    extra = dict(extra)
    if "global" in extra:
        (roots.root).mkdir(parents=True, exist_ok=True)
        (roots.root / "version").write_text(extra.pop("global") + "\n")
    if "pyenv-global" in extra:
        (roots.pyenv_root / "version").write_text(extra.pop("pyenv-global") + "\n")
    if text is not None:
        roots.pin(roots.project, text)
    rehash(pyswitch)
    # every command also gets a shim in this test, so the shim path is exercised for all
    shims_dir = roots.root / "shims"
    body = (shims_dir / "python").read_text()
    for cmd in COMMANDS:
        if not (shims_dir / cmd).exists():
            (shims_dir / cmd).write_text(body)
            (shims_dir / cmd).chmod(0o755)
    deep = roots.project / "x" / "y"
    deep.mkdir(parents=True, exist_ok=True)
    for cmd in COMMANDS:
        w = pyswitch("which", cmd, cwd=deep, env=extra)
        s = shim(roots, cmd, cwd=deep, env=extra)
        if w.returncode == 0:
            ran = s.stdout.strip()
            assert s.returncode == 0, (cmd, s.stderr)
            assert w.stdout.strip() in ran, (cmd, w.stdout, ran)
        else:
            assert s.returncode == w.returncode, (cmd, w.stderr, s.stderr)
            assert s.stderr.splitlines()[-1] == w.stderr.splitlines()[-1], (cmd, w.stderr, s.stderr)


@pytest.mark.parametrize("sh", ["dash", "bash"])
@pytest.mark.parametrize("warm", [False, True])
def test_deleted_current_folder_selects_as_with_no_version_file(roots, pyswitch, sh, warm):
    """SPEC 4: no error; shim, `which` and `version` all take the global pin, whatever $PWD says."""
    for name in ("3.8.18", "3.9.18"):
        roots.fake_version(name)
    roots.root.mkdir(parents=True, exist_ok=True)
    (roots.root / "version").write_text("3.8\n")
    roots.pin(roots.project, "3.9\n")  # the deleted folder's parent is pinned: it must not decide
    rehash(pyswitch)
    if warm:
        assert "3.9.18:python" in shim(roots, "python").stdout
    gone = roots.project / "gone"
    gone.mkdir()
    script = ('cd "$1" && rmdir "$1" && "$2/shims/python" x; echo "shim=$?"; '
              'pyswitch which python; echo "which=$?"; pyswitch version; echo "version=$?"')
    r = subprocess.run([sh, "-c", script, sh, str(gone), str(roots.root)], env=dict(roots.env),
                       cwd=str(roots.project), capture_output=True, text=True, timeout=60)
    assert "ran 3.8.18:python" in r.stdout and "shim=0" in r.stdout, r.stdout + r.stderr
    assert f"{roots.versions}/3.8.18/bin/python\nwhich=0" in r.stdout, r.stdout + r.stderr
    assert "3.8.18" in r.stdout.split("which=0", 1)[1] and "version=0" in r.stdout, r.stdout + r.stderr
    assert "3.9.18" not in r.stdout.split("shim=0", 1)[1], r.stdout


def _fake_venv(folder, home, label):
    """A project .venv made from `home` whose python says which venv it is."""
    venv = folder / ".venv"
    write_exe(venv / "bin" / "python", f"#!/bin/sh\necho ran venv {label}\n")
    (venv / "pyvenv.cfg").write_text(f"home = {home}\nversion = 3.8.18\n")
    return venv


def test_a_retargeted_symlink_on_the_way_is_seen_at_once(roots, pyswitch):
    """SPEC 3: trust and a venv's base are decided on real paths, by the shim as by the engine,
    even where the symlink that moved (the project folder, the venv's home) leaves every mtime
    the shim's cache sees older than the cache."""
    for name in ("3.8.18", "3.9.18"):
        roots.fake_version(name)
    a, b, c = (roots.tmp / n for n in ("proj-a", "proj-b", "proj-c"))
    base = roots.tmp / "base"
    base.symlink_to(roots.versions / "3.8.18")
    for folder, pin, label in ((a, "3.8\n", "A"), (b, "3.8\n", "B-untrusted"), (c, "3.9\n", None)):
        roots.pin(folder, pin)
        if label:
            _fake_venv(folder, base / "bin", label)
    past = time.time() - 60  # made a while ago: only the links change from here on
    for p in [a, b, c, *a.rglob("*"), *b.rglob("*"), *c.rglob("*")]:
        os.utime(p, (past, past), follow_symlinks=False)
    cur = roots.tmp / "cur"
    cur.symlink_to(a)
    assert pyswitch("trust", cwd=cur, env={"PWD": str(cur)}).returncode == 0
    rehash(pyswitch)

    def ran():
        here = {"PWD": str(cur)}  # as a shell that did `cd cur` passes it on
        out = shim(roots, "python", cwd=cur, env=here).stdout.strip()
        which = pyswitch("which", "python", cwd=cur, env=here).stdout.strip()
        return out, which

    assert ran() == ("ran venv A", str(cur / ".venv" / "bin" / "python"))
    # the folder link now leads to a project whose venv nobody trusted
    os.replace(_new_link(roots.tmp, b), cur)
    out, which = ran()
    assert out == "ran 3.8.18:python " + str(roots.versions / "3.8.18" / "bin" / "python"), out
    assert which == str(roots.versions / "3.8.18" / "bin" / "python")
    # ... and to one pinned to another version
    os.replace(_new_link(roots.tmp, c), cur)
    out, which = ran()
    assert "ran 3.9.18:python" in out and which == str(roots.versions / "3.9.18" / "bin" / "python"), (out, which)
    # back to the trusted project, then its venv's home moves to another interpreter
    os.replace(_new_link(roots.tmp, a), cur)
    assert ran()[0] == "ran venv A"
    os.replace(_new_link(roots.tmp, roots.versions / "3.9.18"), base)
    out, which = ran()
    assert "ran 3.8.18:python" in out and which == str(roots.versions / "3.8.18" / "bin" / "python"), (out, which)


def _new_link(folder, target):
    link = folder / f".link-{time.time_ns()}"
    link.symlink_to(target)
    return link
