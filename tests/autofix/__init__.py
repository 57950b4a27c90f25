"""Tests of the offline DevBot's codemods."""

import pytest

pytest.register_assert_rewrite("tests.autofix.helpers")
