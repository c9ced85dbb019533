"""Driving real interactive shells as a user would: bash, zsh and fish under pexpect.

Each step sends a line, then (at the next prompt, after the hook ran) writes the shell's
exported environment (`env -0`) and `sys.prefix` of the `python` it runs to files, which the
test reads back.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

import pytest

pexpect = pytest.importorskip("pexpect")

SHELLS = ("bash", "zsh", "fish")
ARGV = {
    "bash": ["bash", "--norc", "--noprofile", "-i"],
    "zsh": ["zsh", "-f", "-i"],
    "fish": ["fish", "--no-config", "-i"],
}
INIT = {
    "bash": 'eval "$(pyswitch init bash)"',
    "zsh": 'eval "$(pyswitch init zsh)"',
    "fish": "pyswitch init fish | source",
}


MARKER = "PYSWITCH_TEST_MARKER"
WATCHED = ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_SHLVL", "CONDA_DEFAULT_ENV", MARKER, "PYSWITCH_VERSION",
           "_PYSWITCH_ACTIVE_BIN")


def need_shell(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed; CI must install it (.ci/run)")
        pytest.skip(f"{name} is not installed")
    return path


def set_env(shell: str, name: str, value: str) -> str:
    return f"set -gx {name} {value}" if shell == "fish" else f"export {name}={value}"


def unset_env(shell: str, name: str) -> str:
    return f"set -e {name}" if shell == "fish" else f"unset {name}"


# --- driving a shell ----------------------------------------------------------------------
@dataclass
class State:
    env: Dict[str, str]
    prefix: str
    extra: str
    python_stderr: str = ""
    python_status: Optional[int] = None

    @property
    def path(self) -> str:
        return self.env.get("PATH", "")

    def get(self, name: str) -> Optional[str]:
        return self.env.get(name)

    def watched(self) -> Dict[str, Optional[str]]:
        return {n: self.env.get(n) for n in WATCHED}


class Session:
    def __init__(self, shell: str, env: Dict[str, str], cwd: Path, out: Path,
                 extra_env: Optional[Dict[str, str]] = None):
        need_shell(shell)
        self.shell = shell
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        env = dict(env, T=str(out), **(extra_env or {}))
        self.child = pexpect.spawn(ARGV[shell][0], ARGV[shell][1:], env=env, cwd=str(cwd),
                                   encoding="utf-8", codec_errors="replace", dimensions=(40, 300))
        self.transcript = ""
        self.n = 0

    def send(self, line: str) -> None:
        self.child.sendline(line)

    def step(self, line: Optional[str] = None, extra: str = "") -> State:
        """Run LINE, then (at the next prompt, after the hook ran) record the state."""
        if line:
            self.send(line)
        self.n += 1
        n = self.n
        record = f'env -0 > "$T/e{n}"; python -c "import sys; print(sys.prefix)" > "$T/p{n}" 2>&1'
        if extra:  # first, so it still sees the exit status of LINE
            record = f'{extra} > "$T/x{n}"; {record}'
        self.send(f'{record}; echo ok > "$T/d{n}"')
        self._wait(self.out / f"d{n}")
        text = (self.out / f"e{n}").read_bytes().decode("utf-8", "surrogateescape")
        env = dict(item.split("=", 1) for item in text.split("\0") if "=" in item)
        prefix = (self.out / f"p{n}").read_text().strip()
        x = (self.out / f"x{n}").read_text() if extra else ""
        return State(env, prefix, x)

    def probe(self, line: Optional[str] = None) -> State:
        """Run LINE, then record the environment and what `python` does: its sys.prefix on
        stdout, its stderr and its exit status, each on its own."""
        if line:
            self.send(line)
        self.n += 1
        n = self.n
        status = "$status" if self.shell == "fish" else "$?"
        self.send(f'env -0 > "$T/e{n}"; python -c "import sys; print(sys.prefix)" > "$T/p{n}" 2> "$T/q{n}"; '
                  f'echo {status} > "$T/s{n}"; echo ok > "$T/d{n}"')
        self._wait(self.out / f"d{n}")
        text = (self.out / f"e{n}").read_bytes().decode("utf-8", "surrogateescape")
        env = dict(item.split("=", 1) for item in text.split("\0") if "=" in item)
        return State(env, (self.out / f"p{n}").read_text().strip(), "",
                     (self.out / f"q{n}").read_text(), int((self.out / f"s{n}").read_text()))

    def _wait(self, path: Path, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not path.exists():
            try:
                self.transcript += self.child.read_nonblocking(65536, timeout=0.02)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                raise AssertionError(f"{self.shell} exited; transcript:\n{self.transcript[-4000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.shell} did not finish step {self.n}; transcript:\n{self.transcript[-4000:]}")
        time.sleep(0.01)

    def close(self) -> str:
        if self.child.closed:
            return self.transcript
        self.child.sendline("exit")
        try:
            self.transcript += self.child.read()
        except Exception:
            pass
        self.child.close(force=True)
        return self.transcript


