"""Domain errors. Only the CLI turns these into messages and exit codes."""

from __future__ import annotations


class DwagentError(Exception):
    """An error a user can act on: one clear line plus a hint of what to do next."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(DwagentError):
    """Bad arguments or a missing path."""


class InputError(DwagentError):
    """The audited tree or a configuration file cannot be used as given."""
