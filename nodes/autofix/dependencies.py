"""Add a package a fix needs to the project's nearest requirements.txt."""

from __future__ import annotations

import re

from devsecbots.nodes.autofix.base import FileResult, Project
from devsecbots.nodes.autofix.forms import requirements_for


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def with_package(text: str, requirement: str) -> str | None:
    """requirements.txt text with `requirement` ("flask-limiter>=3.5") added; None if present."""
    wanted = _canonical(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])
    for line in text.splitlines():
        name = re.split(r"[\s<>=!~;\[]", line.strip(), maxsplit=1)[0]
        if name and _canonical(name) == wanted:
            return None
    separator = "" if not text or text.endswith("\n") else "\n"
    return f"{text}{separator}{requirement}\n"


def require(project: Project, path: str, requirement: str, result: FileResult) -> None:
    """Record the requirement in the requirements.txt next to (or above) `path`, or say to."""
    target = requirements_for(project.files, path)
    if target is None:
        result.notes.append(f"{path}: add {requirement} to the project's dependencies")
        return
    current = result.other_files.get(target, project.files[target])
    updated = with_package(current, requirement)
    if updated is not None:
        result.other_files[target] = updated
        result.notes.append(f"{target}: {requirement} added")
