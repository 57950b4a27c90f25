"""Split Django settings: a base module's insecure value that the deployment module replaces
does not block; the same value with nothing replacing it does."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.policy import is_blocking
from devsecbots.nodes.review import review_files

BASE = """\
SECRET_KEY = "c6u0-9c!7nilj_ysatsda0(f@e_2mws2f!6m0n^o*4#*q#kzp)"
DEBUG = True
ALLOWED_HOSTS = ["localhost"]
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
"""
PRODUCTION = """\
import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
"""
DEV = "from .base import *  # noqa: F403\n\nDEBUG = True\n"
TEST = 'from .base import *  # noqa: F403\n\nSECRET_KEY = "tests"\nDEBUG = False\n'


def _review(files: dict[str, str]) -> list:
    ctx = Context(offline=True, analyzers=("semgrep",))
    return review_files(files, ctx).verdict["findings"]


@pytest.fixture(scope="module")
def split():
    return _review(
        {
            "site/settings/base.py": BASE,
            "site/settings/production.py": PRODUCTION,
            "site/settings/dev.py": DEV,
        }
    )


@pytest.fixture(scope="module")
def alone():
    # only a dev module and the test settings build on base: nothing replaces its values
    return _review(
        {
            "site/settings/base.py": BASE,
            "site/settings/dev.py": DEV,
            "site/settings/test.py": TEST,
        }
    )


def _in_base(findings, word: str) -> list:
    found = [f for f in findings if f["file"] == "site/settings/base.py" and word in f["rule_id"]]
    assert found, f"no {word} finding in base.py"
    return found


@pytest.mark.parametrize("word", ["secret-key", "debug-enabled"])
def test_a_value_the_production_module_replaces_does_not_block(split, word):
    for finding in _in_base(split, word):
        assert finding["confidence"] == "low" and "site/settings/production.py" in finding["title"]
        assert not is_blocking(finding, "medium")


@pytest.mark.parametrize("word", ["secret-key", "debug-enabled"])
def test_the_same_value_blocks_when_only_dev_or_test_settings_replace_it(alone, word):
    assert any(is_blocking(f, "medium") for f in _in_base(alone, word))
