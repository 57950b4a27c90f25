"""B310 under a startswith test of web prefixes, and in a method only its own class calls."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.analyzers.url_helpers import reassess


def b310(files: dict[str, str]) -> list[str]:
    """The confidence of each B310 finding after the project pass."""
    files = {p: textwrap.dedent(t) for p, t in files.items()}
    return [f["confidence"] for f in reassess(run_bandit(files), files) if f["rule_id"] == "B310"]


GUARDED = """\
from urllib.request import urlopen


def fetch(location):
    if {test}:
        return urlopen(location).read()
    return open(location, "rb").read()
"""


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        ('location.startswith(("http://", "https://"))', ["low"]),
        ('location.startswith("https://") or location.startswith("http://")', ["low"]),
        ('location and location.startswith("https://")', ["low"]),
        ('location.startswith(("https://", "www."))', ["low"]),
        ('"http" in location', ["high"]),
        ('location.startswith("http")', ["high"]),
        ('location.startswith(("https://", "file:"))', ["high"]),
        ('location.startswith("https://") or location.endswith(".jpg")', ["high"]),
        ('not location.startswith("https://")', ["high"]),
        ('other.startswith("https://")', ["high"]),
    ],
)
def test_urlopen_under_a_prefix_test_is_low_only_for_web_prefixes(test, expected):
    assert b310({"app/images.py": GUARDED.format(test=test)}) == expected


def test_a_name_rebound_after_the_test_keeps_its_finding():
    source = GUARDED.format(test='location.startswith("https://")').replace(
        "        return urlopen",
        "        location = location.split('#')[1]\n        return urlopen",
    )
    assert b310({"app/images.py": source}) == ["high"]


def test_the_else_branch_of_a_prefix_test_keeps_its_finding():
    source = """\
    from urllib.request import urlopen


    def fetch(location):
        if location.startswith("https://"):
            return None
        else:
            return urlopen(location).read()
    """
    assert b310({"app/images.py": source}) == ["high"]


LOADER = """\
import urllib.request

DEFAULT_URL = "https://models.example/tiny.bin"


class Loader:
    def __init__(self, config):
        self.url = None
        model = config.model
        if self.looks_like_url(model):
            self.url = model

    def looks_like_url(self, value):
        return value.startswith("https://") or value.startswith("http://")

    @staticmethod
    def download(url, destination):
        urllib.request.urlretrieve(url, destination)

    def prepare(self, destination):
        if self.url:
            self.download(self.url, destination)
        else:
            self.download(DEFAULT_URL, destination)
"""

OTHER = """\
class Reader:
    def __init__(self, url):
        self.url = url

    def download(self, name):
        return self.url + name

    def run(self):
        return self.download("x")
"""


def test_staticmethod_only_its_class_calls_with_checked_urls_is_low():
    assert b310({"app/loader.py": LOADER, "app/reader.py": OTHER}) == ["low"]


def test_a_predicate_that_admits_any_substring_keeps_its_finding():
    source = LOADER.replace(
        'value.startswith("https://") or value.startswith("http://")', '"http" in value'
    )
    assert b310({"app/loader.py": source}) == ["high"]


def test_another_module_calling_the_method_on_any_object_keeps_its_finding():
    caller = "def run(loader, url):\n    loader.download(url, 'model.bin')\n"
    assert b310({"app/loader.py": LOADER, "app/jobs.py": caller}) == ["high"]


def test_another_module_storing_the_attribute_keeps_its_finding():
    caller = "def configure(loader, value):\n    loader.url = value\n"
    assert b310({"app/loader.py": LOADER, "app/jobs.py": caller}) == ["high"]


def test_a_module_naming_the_class_keeps_its_finding():
    sub = (
        "from app.loader import Loader\n\n\nclass Mine(Loader):\n"
        "    def looks_like_url(self, value):\n        return True\n"
    )
    assert b310({"app/loader.py": LOADER, "app/mine.py": sub}) == ["high"]


def test_a_base_class_elsewhere_storing_the_attribute_keeps_its_finding():
    base = "class Base:\n    def point(self, value):\n        self.url = value\n"
    source = "from app.base import Base\n" + LOADER.replace("class Loader:", "class Loader(Base):")
    assert b310({"app/loader.py": source, "app/base.py": base}) == ["high"]


def test_a_method_called_with_request_data_in_its_module_keeps_its_finding():
    source = LOADER + "\n    def from_request(self, request):\n"
    source += "        self.download(request.args['u'], 'x')\n"
    assert b310({"app/loader.py": source}) == ["high"]


PREDICATE = """\
from urllib.request import urlopen
{imported}

def looks_like_url(value):
    return value.startswith(("https://", "http://"))


def fetch(location):
    if looks_like_url(location):
        return urlopen(location).read()
    return None
"""


def test_a_module_function_returning_a_prefix_test_guards_the_call():
    assert b310({"app/images.py": PREDICATE.format(imported="")}) == ["low"]


def test_a_predicate_name_also_imported_keeps_its_finding():
    source = PREDICATE.format(imported="from app.checks import looks_like_url")
    assert b310({"app/images.py": source}) == ["high"]


def test_a_module_level_name_under_a_prefix_test_keeps_its_finding():
    source = "from urllib.request import urlopen\nimport config\n\nlocation = config.MODEL\n"
    source += 'if location.startswith("https://"):\n    urlopen(location)\n'
    assert b310({"app/images.py": source}) == ["high"]
