"""Twins through a real review: code outside the application reports but does not block,
the same code in the application blocks, and --block-tests makes both block."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.policy import is_blocking
from devsecbots.nodes.review import review_files

# yaml.load without a safe loader: Bandit B506, medium, high confidence (blocks in app code)
UNSAFE = "import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n"
CONFIG = """\
import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "hunter2-not-for-production"


class ProductionConfig(Config):
    SECRET_KEY = "hunter2-not-for-production"
"""
FILES = {
    "app/tasks.py": UNSAFE,
    "tests/test_tasks.py": UNSAFE,
    "app/migrations/0002_data.py": UNSAFE,
    "examples/tasks.py": UNSAFE,
    "app/config.py": CONFIG,
}


def _review(block_tests: bool) -> list:
    ctx = Context(offline=True, analyzers=("bandit", "semgrep"), block_tests=block_tests)
    return review_files(FILES, ctx).verdict["findings"]


@pytest.fixture(scope="module")
def findings():
    return _review(block_tests=False)


@pytest.fixture(scope="module")
def findings_blocking_tests():
    return _review(block_tests=True)


def _at(findings, path, line=None):
    found = [f for f in findings if f["file"] == path and (line is None or f["line"] == line)]
    assert found, f"nothing reported in {path}:{line}"
    return found


def test_the_application_copy_blocks(findings):
    assert any(is_blocking(f, "medium") for f in _at(findings, "app/tasks.py"))
    assert all(f["role"] == "app" and not f["exempt"] for f in _at(findings, "app/tasks.py"))


@pytest.mark.parametrize(
    ("path", "role", "why"),
    [
        ("tests/test_tasks.py", "test", "test code (under tests/)"),
        ("app/migrations/0002_data.py", "migration", "migration code (under migrations/)"),
        ("examples/tasks.py", "example", "example code (under examples/)"),
    ],
)
def test_the_same_code_elsewhere_is_reported_not_blocking(findings, path, role, why):
    reported = _at(findings, path)
    assert all(f["role"] == role and why in f["exempt"] for f in reported)
    assert not any(is_blocking(f, "medium") for f in reported)


def test_block_tests_makes_them_block(findings_blocking_tests):
    for path in ("tests/test_tasks.py", "app/migrations/0002_data.py", "examples/tasks.py"):
        reported = _at(findings_blocking_tests, path)
        assert any(is_blocking(f, "medium") for f in reported)
        assert all(not f["exempt"] for f in reported)


def test_a_secret_in_the_testing_config_does_not_block_but_in_production_it_does(findings):
    testing = [f for f in _at(findings, "app/config.py", 10) if "secret" in f["rule_id"]]
    production = [f for f in _at(findings, "app/config.py", 14) if "secret" in f["rule_id"]]
    assert testing and production
    assert all(f["role"] == "test" and "TestingConfig" in f["exempt"] for f in testing)
    assert not any(is_blocking(f, "medium") for f in testing)
    assert any(is_blocking(f, "medium") for f in production)


def test_block_tests_makes_the_testing_config_block(findings_blocking_tests):
    testing = [
        f for f in _at(findings_blocking_tests, "app/config.py", 10) if "secret" in f["rule_id"]
    ]
    assert any(is_blocking(f, "medium") for f in testing)


def test_the_state_carries_blocking_and_the_report_fingerprint(findings):
    from devsecbots.reported import reported

    assert all(f["blocking"] == is_blocking(f, "medium") for f in findings)
    assert {f["blocking"] for f in findings} == {True, False}
    assert [f["fingerprint"] for f in findings] == [
        r["fingerprint"] for r in reported(findings, "medium")
    ]
    assert len({f["fingerprint"] for f in findings}) == len(findings)
