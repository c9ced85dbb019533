"""The `pyswitch` command's entry point: answers what it can before loading click (SPEC 9).

The commands a person waits for at a prompt start fast: TAB completion of a SPEC is answered
from the names the resolution cache recorded (fast_complete.py), and the plain forms of
`version`, `versions`, `which`, `exec`, `export` and `check` run report.py directly, without the click CLI and
its imports. Any other command line (an option these do not know, `--help`, a typo) goes to
the click CLI, which says what click says.
"""
from __future__ import annotations

import gc
import os
import sys

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Callable, List, Optional

VERSIONS_FLAGS = {"--json", "--bare", "--size"}


def _plain(argv: List[str]) -> Optional[Callable[[], None]]:
    """The report to run for a plain command line, or None to let click parse it."""
    from pyswitch import report
    from pyswitch.paths import Context

    def out(line: str) -> None:
        print(line)

    def err(line: str) -> None:
        print(line, file=sys.stderr)

    if argv in (["version"], ["version", "--json"]):
        return lambda: report.version(Context.from_env(), len(argv) == 2, out, err)
    if argv and argv[0] == "versions" and set(argv[1:]) <= VERSIONS_FLAGS and len(set(argv[1:])) == len(argv) - 1:
        return lambda: report.versions(Context.from_env(), "--json" in argv, "--bare" in argv, "--size" in argv, out)
    if len(argv) == 2 and argv[0] == "which" and not argv[1].startswith("-"):
        return lambda: report.which(Context.from_env(), argv[1], out, err)
    if len(argv) >= 2 and argv[0] == "exec" and not argv[1].startswith("-"):
        return lambda: report.exec_(Context.from_env(), argv[1], argv[2:], err)
    if argv in (["export"], ["export", "--json"]):
        return lambda: report.export(Context.from_env(), len(argv) == 2, None, _write, err)
    if len(argv) == 3 and argv[0] == "export" and argv[1] in ("-o", "--output") and not argv[2].startswith("-"):
        return lambda: report.export(Context.from_env(), False, argv[2], _write, err)
    if argv in (["check"], ["check", "--json"]):
        return lambda: report.check(Context.from_env(), None, len(argv) == 2, out, err)
    if len(argv) == 2 and argv[0] == "check" and not argv[1].startswith("-"):
        return lambda: report.check(Context.from_env(), argv[1], False, out, err)
    return None


def _write(text: str) -> None:
    sys.stdout.write(text)


def _finish(status: int) -> None:
    """Exit without the interpreter's teardown of every module, which costs a fast command
    a tenth of its time; nothing on these paths leaves work for atexit or finalizers."""
    try:
        sys.stdout.flush()
    except OSError:  # a closed pipe (`pyswitch versions | head -1`): what Python itself does
        status = status or 120
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(status)


def main() -> None:
    # A fast command makes many small objects and lives for milliseconds: collecting cycles
    # would cost it ~5% and free nothing it needs. The click CLI gets the collector back.
    gc.disable()
    if os.environ.get("_PYSWITCH_COMPLETE"):
        from pyswitch import fast_complete

        if fast_complete.answer(os.environ):
            _finish(0)
    else:
        run = _plain(sys.argv[1:])
        if run is not None:
            from pyswitch.errors import describe

            try:
                status_of = run() or 0
            except SystemExit:
                raise
            except BrokenPipeError:  # the reader stopped early (`| head`): nothing to say
                _finish(1)
            except BaseException as e:  # noqa: B902 - describe() re-raises what it does not know
                line, status = describe(e)
                sys.stdout.flush()
                print(line, file=sys.stderr)
                _finish(status)
            _finish(status_of)
    gc.enable()
    from pyswitch.cli import main as cli_main

    cli_main()
