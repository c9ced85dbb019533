"""Error types. Each carries the exit status the CLI and the shims use for it."""
from __future__ import annotations


class PyswitchError(Exception):
    """A failure the message explains (exit 1). The message has no `pyswitch:` prefix."""

    exit_code = 1


class UsageError(PyswitchError):
    exit_code = 2


class NotInstalled(PyswitchError):
    """A spec names nothing installed (SPEC section 3)."""


class CommandNotFound(PyswitchError):
    exit_code = 127


class BrokenEnvironment(PyswitchError):
    """The selected environment cannot run this command (SPEC section 4): said, never handed over."""


class ConfigError(PyswitchError):
    pass


def describe(exc: BaseException) -> "tuple[str, int]":
    """The one `pyswitch:` line and the exit status for an error a command ends with: the
    failures the message explains, what the system refused (a path too long, a full disk: no
    traceback), and Ctrl-C. Anything else is a bug and keeps its traceback."""
    if isinstance(exc, PyswitchError):
        return f"pyswitch: {exc}", exc.exit_code
    if isinstance(exc, OSError):
        from pyswitch.files import short_path

        where = f" ({short_path(str(exc.filename))})" if getattr(exc, "filename", None) else ""
        return f"pyswitch: {exc.strerror or exc}{where}", 1
    if isinstance(exc, KeyboardInterrupt):
        return "pyswitch: interrupted", 130
    raise exc
