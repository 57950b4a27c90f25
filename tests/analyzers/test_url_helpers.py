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


DETECTOR = """\
import urllib.request


class Detector:
    def __init__(self, size, kind):
        if kind == "yolo":
            mapping = {
                (640, 640): ("https://models.example/yolo_640.zip", "yolo_640"),
                (320, 320): ("https://models.example/yolo_320.zip", "yolo_320"),
            }
            self.model_url, self.folder = mapping.get(
                size, ("https://models.example/yolo_320.zip", "yolo_320")
            )
        else:
            self.model_url = "https://models.example/ssd.zip"
{extra}
    def fetch(self, destination):
        urllib.request.urlretrieve(self.model_url, destination)
"""


def test_self_url_stored_only_as_fixed_urls_in_its_module_is_low():
    files = {"proj/detector.py": DETECTOR.replace("{extra}", "")}
    assert b310(files) == ["low"]


def test_self_url_also_stored_from_a_parameter_keeps_its_finding():
    extra = "\n    def use(self, url):\n        self.model_url = url\n"
    assert b310({"proj/detector.py": DETECTOR.replace("{extra}", extra)}) == ["high"]


def test_self_url_from_a_mapping_a_caller_can_fill_keeps_its_finding():
    extra = "\n    def add(self, key, url, mapping):\n        mapping[key] = (url, 'x')\n"
    source = DETECTOR.replace("{extra}", extra).replace("mapping = {", "self.mapping = {")
    source = source.replace("mapping.get(", "self.mapping.get(")
    assert b310({"proj/detector.py": source}) == ["high"]


def test_self_url_another_module_names_keeps_its_finding():
    views = "def configure(detector, request):\n    detector.model_url = request.args['u']\n"
    files = {"proj/detector.py": DETECTOR.replace("{extra}", ""), "proj/views.py": views}
    assert b310(files) == ["high"]


def test_self_url_without_the_project_pass_keeps_its_finding():
    found = run_bandit({"proj/detector.py": DETECTOR.replace("{extra}", "")})
    assert [f["confidence"] for f in found if f["rule_id"] == "B310"] == ["high"]


def test_self_url_from_a_local_mapping_with_a_stored_request_url_keeps_its_finding():
    source = DETECTOR.replace("{extra}", "").replace(
        "            self.model_url, self.folder",
        "            mapping[size] = (kind, 'x')\n            self.model_url, self.folder",
    )
    assert b310({"proj/detector.py": source}) == ["high"]
