"""Fixtures for the durable-run tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.durable.postgres_server import PostgresUnavailable, ThrowawayPostgres


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server URL: $DEVSECBOTS_TEST_POSTGRES_URL, or a throwaway local cluster."""
    if os.environ.get("DEVSECBOTS_TEST_POSTGRES_URL"):
        yield os.environ["DEVSECBOTS_TEST_POSTGRES_URL"]
        return
    server = ThrowawayPostgres()
    try:
        url = server.start()
    except PostgresUnavailable as reason:
        server.stop()
        pytest.skip(f"no PostgreSQL server for the Postgres tests: {reason}")
    try:
        yield url
    finally:
        server.stop()
