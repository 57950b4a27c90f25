"""The agents' instructions, kept as text files beside this loader."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

_HERE = Path(__file__).parent


@cache
def load(name: str) -> str:
    """Return the text of prompts/<name>.txt."""
    return (_HERE / f"{name}.txt").read_text(encoding="utf-8")


def render(name: str, **values: str) -> str:
    """Fill a prompt's $placeholders; unknown placeholders are an error, not silence."""
    return Template(load(name)).substitute(values)
