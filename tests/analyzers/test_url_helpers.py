"""B310 in a module-level helper: low only when no other module can call it with other URLs."""

from __future__ import annotations

from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.analyzers.url_helpers import reassess

HELPER = """\
import urllib.request
from proj import settings


def download_file(url, destination):
    with urllib.request.urlopen(url) as stream:
        open(destination, "wb").write(stream.read())


def ready():
    for name, config in settings.FONTS.items():
        download_file(config["url"], name)
    download_file("https://example.org/font.ttf", "font")
"""


def b310(files: dict[str, str]) -> list[str]:
    """The confidence of each B310 finding after the project pass."""
    return [f["confidence"] for f in reassess(run_bandit(files), files) if f["rule_id"] == "B310"]


def test_helper_only_its_module_calls_with_settings_urls_is_low():
    assert b310({"proj/apps.py": HELPER, "proj/views.py": "def index():\n    return 1\n"}) == [
        "low"
    ]


def test_helper_another_module_imports_keeps_its_finding():
    views = "from proj.apps import download_file\n\ndef f(u):\n    download_file(u, 'x')\n"
    assert b310({"proj/apps.py": HELPER, "proj/views.py": views}) == ["high"]


def test_helper_its_module_calls_with_request_data_keeps_its_finding():
    source = HELPER + "\n\ndef view(request):\n    download_file(request.GET['u'], 'x')\n"
    assert b310({"proj/apps.py": source}) == ["high"]


def test_helper_exported_by_name_keeps_its_finding():
    source = '__all__ = ["download_file"]\n' + HELPER
    assert b310({"proj/apps.py": source}) == ["high"]
