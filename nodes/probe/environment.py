"""Which Python runs the app for the probes: the input's environment (nodes/appenv)."""

from __future__ import annotations

import os

from devsecbots.graphs.context import Context
from devsecbots.nodes.appenv import EnvironmentUnavailable, app_environment


def app_interpreter(files: dict[str, str], ctx: Context) -> tuple[str | None, str]:
    """(interpreter, where it comes from) for the app, or (None, why there is none): `--python`,
    else a venv built from the app's requirements and cached."""
    if ctx.tests_python and not os.access(ctx.tests_python, os.X_OK):
        return None, f"--python {ctx.tests_python} is not an executable"
    try:
        env = app_environment(files, python=ctx.tests_python)
    except EnvironmentUnavailable as why:
        return None, str(why)
    return env.python, env.label
