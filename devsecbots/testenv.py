"""At the CLI edge: which interpreter the input's tests run with, checked before the run starts."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from devsecbots.errors import input_error
from devsecbots.inputs import LoadedInput
from devsecbots.nodes.appenv import (
    InterpreterError,
    RequirementsError,
    cache_root,
    checked_python,
    declared_requirements,
    found_venv,
)
from devsecbots.nodes.sandbox import has_tests
from devsecbots.text import escape


def tests_python(
    python: Path | None, *, run_tests: bool, loaded: LoadedInput | None, console: Console
) -> str:
    """--python once checked (a bad one stops the run, exit 2), else the input's own usable
    .venv/venv; '' leaves it to a cached venv built from the input's requirements. Requirements
    that cannot be installed (a URL, a local path) do not stop the hardening: the tests do not
    run, and the run says so up front and in its report ("tests not run: …")."""
    try:
        if python is not None:
            return checked_python(str(python))
        if not run_tests or loaded is None or not has_tests(loaded.files):
            return ""
        found = found_venv(loaded.root)
        if found.note:
            console.print(f"[yellow]{escape(found.note)}[/]")
        if found.python:
            console.print(f"[dim]the input's tests run with {escape(found.python)}[/]")
            return found.python
        declared = declared_requirements(loaded.files)
    except InterpreterError as err:
        raise input_error(str(err)) from None
    except RequirementsError as err:
        console.print(
            f"[yellow]the input's tests will not run: could not build the environment "
            f"({escape(str(err))})[/]"
        )
        return ""
    if declared is None:
        console.print(
            "[yellow]the input's tests will not run: no environment (pass --python, or add a "
            "requirements.txt)[/]"
        )
    else:
        where = escape(f"{', '.join(declared.sources)}, cached under {cache_root() / 'envs'}")
        console.print(f"[dim]the input's tests run in a venv built from {where}[/]")
    return ""
