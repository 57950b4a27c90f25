"""Why the input's environment cannot be used; the message is one line for the user."""

from __future__ import annotations

from devsecbots.nodes.errors import ConfigurationError


class RequirementsError(ConfigurationError):
    """A requirements line that cannot or must not be installed (bad input: exit 2)."""


class InterpreterError(ConfigurationError):
    """--python names no usable interpreter, or one without pytest (bad input: exit 2)."""


class EnvironmentUnavailable(OSError):
    """No environment to run the input's tests in; the message says why ('no environment (…)',
    'could not build the environment (…)'). Reported as 'tests not run: …', never as passed."""
