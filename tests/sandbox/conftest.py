"""The two containments the sandbox has: bubblewrap, and the fallback used where bwrap is missing.

Tests that take the `containment` fixture run once with each (the bwrap run skips, with the
reason, where bubblewrap is not installed or cannot make its namespaces).
"""

from __future__ import annotations

import pytest
from devsecbots.nodes.sandbox import bwrap


@pytest.fixture(params=["bwrap", "fallback"])
def containment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Force one containment for everything that runs tests in this test (CLI included)."""
    if request.param == "bwrap":
        monkeypatch.delenv(bwrap.FORCE_FALLBACK_ENV, raising=False)
        if bwrap.find() is None:
            pytest.skip("bubblewrap is not installed or cannot create its namespaces here")
    else:
        monkeypatch.setenv(bwrap.FORCE_FALLBACK_ENV, "fallback")
    return request.param
