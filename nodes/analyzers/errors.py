"""The one error an analyser raises when it cannot run at all."""

from devsecbots.nodes.errors import DevSecError


class AnalyzerUnavailable(DevSecError, RuntimeError):
    """An analyser is missing or failed; the message is one line naming the cause and the fix."""

    exit_code = 2  # a configuration problem: install it, or opt out with --analyzers
