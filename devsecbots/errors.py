"""The errors commands raise, and the one place they become exit codes (the CLI edge)."""

from __future__ import annotations

from devsecbots.nodes.errors import ConfigurationError
from devsecbots.nodes.redact import redact

EXIT_APPROVED = 0
EXIT_NOT_APPROVED = 1
EXIT_BAD_INPUT = 2
EXIT_RUNTIME = 3


class CliError(Exception):
    """A failure with a one-line message for the user."""


class InputError(CliError):
    """Bad input or configuration, found before anything was written."""


class RunFailure(CliError):
    """A failure while running (model unreachable, run paused, store busy)."""


def input_error(message: str) -> InputError:
    """Bad input or configuration: exit 2, nothing written."""
    return InputError(message)


def runtime_error(message: str) -> RunFailure:
    """A failure while running (model unreachable, invalid output): exit 3."""
    return RunFailure(message)


# Errors from the graph's nodes (devsecbots.nodes): configuration problems (a model or analyzer
# that cannot be used as configured: nodes.errors.ConfigurationError, or these by class name) are
# the user's input, the rest runtime.
_NODE_INPUT_ERRORS = {"ModelConfigError", "AnalyzerUnavailable", "ConfigError"}


def exit_code_for(err: BaseException) -> int:
    """The process exit code for an error that ends a command: 2 bad input, else 3."""
    if isinstance(err, InputError):
        return EXIT_BAD_INPUT
    if isinstance(err, CliError):
        return EXIT_RUNTIME
    names = {cls.__name__ for cls in type(err).__mro__}
    if isinstance(err, ConfigurationError) or names & _NODE_INPUT_ERRORS:
        return EXIT_BAD_INPUT
    legacy = getattr(err, "exit_code", None)  # nodes' errors that still carry their code
    return legacy if legacy in (EXIT_BAD_INPUT, EXIT_RUNTIME) else EXIT_RUNTIME


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
