"""Run the project's own tests in a sandboxed subprocess and compare results across rounds."""

from devsecbots.nodes.sandbox.layout import has_tests, is_test_path
from devsecbots.nodes.sandbox.result import TestRun, same_result
from devsecbots.nodes.sandbox.runner import DEFAULT_TIMEOUT, run_project_tests

__all__ = [
    "DEFAULT_TIMEOUT",
    "TestRun",
    "has_tests",
    "is_test_path",
    "run_project_tests",
    "same_result",
]
