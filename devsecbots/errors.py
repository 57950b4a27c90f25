"""Exit codes and the errors the CLI turns into one-line messages."""

from __future__ import annotations

import os

EXIT_APPROVED = 0
EXIT_NOT_APPROVED = 1
EXIT_BAD_INPUT = 2
EXIT_RUNTIME = 3


class CliError(Exception):
    """An error with a one-line message for the user and an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def input_error(message: str) -> CliError:
    """Bad input or configuration: exit 2, nothing written."""
    return CliError(message, EXIT_BAD_INPUT)


def runtime_error(message: str) -> CliError:
    """A failure while running (model unreachable, invalid output): exit 3."""
    return CliError(message, EXIT_RUNTIME)


def redact(text: str) -> str:
    """Remove any API key the process knows about from text meant for output."""
    for name in ("OPENAI_API_KEY", "DEVSECBOTS_API_KEY"):
        secret = os.environ.get(name, "")
        if len(secret) >= 6:
            text = text.replace(secret, "***")
    return text
