"""The one error an analyzer raises when it cannot run at all."""

from devsecbots.nodes.errors import ConfigurationError


class AnalyzerUnavailable(ConfigurationError, RuntimeError):
    """An analyzer is unknown, missing or failed; one line naming the cause and the fix.

    A configuration problem: install it, or opt out with --analyzers.
    """
