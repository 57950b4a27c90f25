"""The one exception codemods raise to refuse a fix."""


class Decline(Exception):
    """A fix would be unsafe or impossible here; the message says why."""
