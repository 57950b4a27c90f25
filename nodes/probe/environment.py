"""Which Python runs the app for the probes: `--app-python`, else none (static checks only)."""

from __future__ import annotations

import os

from devsecbots.graphs.context import Context


def app_interpreter(files: dict[str, str], ctx: Context) -> tuple[str | None, str]:
    """(interpreter, description) for the app, or (None, why not)."""
    if ctx.app_python:
        if not os.access(ctx.app_python, os.X_OK):
            return None, f"--app-python {ctx.app_python} is not an executable"
        return ctx.app_python, f"--app-python {ctx.app_python}"
    return None, "no environment for the app (pass --app-python)"
