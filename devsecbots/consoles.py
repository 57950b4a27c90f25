"""The consoles commands print on: wrapped to the terminal, never wrapped in a CI log.

Rich wraps at 80 columns (or $COLUMNS, which shells and CI runners often export) when its stream
is not a terminal; in a CI log that cuts table cells (paths, rule ids) and wraps long lines for no
one. Off a terminal the width is effectively unlimited.
"""

from __future__ import annotations

import sys

from rich.console import Console

UNWRAPPED = 10_000  # columns: wider than any line we print


def output_width(stderr: bool = False) -> int | None:
    """None (the terminal's width) on a terminal, else UNWRAPPED."""
    stream = sys.stderr if stderr else sys.stdout
    isatty = getattr(stream, "isatty", None)
    return None if isatty is not None and isatty() else UNWRAPPED


def output_console() -> Console:
    """The console for a command's results (stdout)."""
    return Console(highlight=False, width=output_width())


def notes_console() -> Console:
    """The console for notes and progress (stderr)."""
    return Console(stderr=True, highlight=False, width=output_width(stderr=True))
