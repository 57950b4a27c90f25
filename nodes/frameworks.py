"""Which web framework a request or a project is about, and DevBot's layout guide for it."""

from __future__ import annotations

import re

from devsecbots import prompts

_WORDS = (  # first match wins: "a Django app with a FastAPI sidecar" is a Django project
    ("django", re.compile(r"\bdjango\b", re.IGNORECASE)),
    ("fastapi", re.compile(r"\b(fastapi|starlette)\b", re.IGNORECASE)),
    ("flask", re.compile(r"\bflask\b", re.IGNORECASE)),
)
_IMPORTS = {
    "django": re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE),
    "fastapi": re.compile(r"^\s*(from|import)\s+(fastapi|starlette)\b", re.MULTILINE),
    "flask": re.compile(r"^\s*(from|import)\s+flask\b", re.MULTILINE),
}
DEFAULT = "flask"


def framework_for(request: str, files: dict[str, str] | None = None) -> str:
    """The framework the request names; else the one the files import; else Flask."""
    for name, pattern in _WORDS:
        if pattern.search(request or ""):
            return name
    sources = [c for p, c in (files or {}).items() if p.endswith(".py")]
    for name, pattern in _IMPORTS.items():
        if any(pattern.search(s) for s in sources):
            return name
    return DEFAULT


def layout_guide(request: str, files: dict[str, str] | None = None) -> str:
    """DevBot's instructions for laying out (and securing) a project in its framework."""
    return prompts.load(f"framework_{framework_for(request, files)}").strip()
