"""Exit codes and the errors the CLI turns into one-line messages."""

from __future__ import annotations

from devsecbots.nodes.errors import ConfigurationError
from devsecbots.nodes.redact import redact

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


def exit_code_for(err: BaseException) -> int:
    """The exit code of a domain error: 2 for configuration problems, 3 for everything else."""
    if isinstance(err, CliError):
        return err.exit_code
    return EXIT_BAD_INPUT if isinstance(err, ConfigurationError) else EXIT_RUNTIME


__all__ = [
    "EXIT_APPROVED",
    "EXIT_BAD_INPUT",
    "EXIT_NOT_APPROVED",
    "EXIT_RUNTIME",
    "CliError",
    "exit_code_for",
    "input_error",
    "redact",
    "runtime_error",
]
