"""The one error an analyser raises when it cannot run at all."""


class AnalyzerUnavailable(RuntimeError):
    """An analyser is missing or failed; the message is one line naming the cause and the fix."""
