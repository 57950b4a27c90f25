"""Test helpers that ship with the package: a local fake OpenAI-compatible server.

``from devsecbots.testing import FakeOpenAI, Fault, free_port`` (see ``fake_openai``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["FakeOpenAI", "Fault", "RecordedRequest", "Reply", "free_port"]


def __getattr__(name: str) -> Any:
    # Imported lazily so `python -m devsecbots.testing.fake_openai` runs without a
    # "found in sys.modules" warning.
    if name in ("FakeOpenAI", "RecordedRequest", "free_port"):
        from devsecbots.testing import fake_openai

        return getattr(fake_openai, name)
    if name in ("Fault", "Reply"):
        from devsecbots.testing import faults

        return getattr(faults, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
