"""The example's environment, built once per session in the session's cache (tests/conftest.py)."""

from __future__ import annotations

import pytest
from devsecbots.nodes.appenv import CachedEnv, cached_env, declared_requirements

from tests.sandbox.test_run import example_files


@pytest.fixture(scope="session")
def example_env(env_cache) -> CachedEnv:
    """The cached venv for examples/flask_upload's requirements.txt (Flask + pytest)."""
    declared = declared_requirements(example_files())
    assert declared is not None
    return cached_env(declared.specs)
