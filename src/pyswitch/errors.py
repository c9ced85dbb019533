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
