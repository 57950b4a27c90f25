"""B310 on a URL from a global preference: low only when the preference's validate() admits
only http(s) URLs."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.analyzers.preference_urls import reassess

PREFERENCE = """\
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from dynamic_preferences.registries import global_preferences_registry
from dynamic_preferences.types import StringPreference


@global_preferences_registry.register
class FeedUrlsPreference(StringPreference):
    name = "feed_urls"
    default = {default}

    def validate(self, value):
{validate}
"""

LOOP = """\
        for url in (line.strip() for line in value.split("\\n")):
            parts = urlparse(url)
            if {test} and parts.netloc:
                continue
            raise ValidationError("not a feed url")
"""

GUARD = """\
        if not value.startswith(("http://", "https://")):
            raise ValidationError("not a feed url")
"""

FETCH = """\
import urllib.request

from dynamic_preferences.registries import global_preferences_registry


def fetch_feeds(request):
    urls = (
        stripped
        for url in global_preferences_registry.manager().get("general__feed_urls").splitlines()
        if (stripped := url.strip())
    )
    for url in {urls}:
        with urllib.request.urlopen(url) as response:
            yield response.read()
"""

SAFE_LOOP = LOOP.format(test='parts.scheme.startswith("http")')


def b310(validate: str, default: str = '"https://example.org/feed.json"', urls="urls") -> list:
    """The confidence of the B310 finding on the fetch after the project pass."""
    files = {
        "app/preferences.py": PREFERENCE.format(default=default, validate=validate),
        "app/feeds.py": FETCH.format(urls=urls),
    }
    found = reassess(run_bandit(files), files)
    return [f["confidence"] for f in found if f["rule_id"] == "B310"]


@pytest.mark.parametrize(
    "validate", [SAFE_LOOP, LOOP.format(test='parts.scheme in ("http", "https")'), GUARD]
)
def test_url_from_a_preference_validated_to_http_is_low(validate):
    assert b310(validate) == ["low"]


@pytest.mark.parametrize(
    "validate",
    [
        LOOP.format(test='"http" in url'),  # a substring: file:///http passes
        LOOP.format(test='parts.path.endswith(".json")'),
        "        return value\n",
    ],
)
def test_url_from_a_preference_without_a_scheme_check_keeps_its_finding(validate):
    assert b310(validate) == ["high"]


def test_a_file_url_default_keeps_its_finding():
    assert b310(SAFE_LOOP, default='"file:///etc/feeds.json"') == ["high"]


def test_request_url_keeps_its_finding():
    assert b310(SAFE_LOOP, urls='[request.GET["url"]]') == ["high"]
