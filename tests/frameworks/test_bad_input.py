"""Bad input for the framework rules: reviewed as far as possible, one line on what was skipped."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.analyzers.frameworks import project_notes

VIEWS = (
    "from django.http import HttpResponse\nfrom django.db import connection\n\n\n"
    "def find(request):\n    with connection.cursor() as cursor:\n"
    "        cursor.execute(\"SELECT 1 WHERE a = '\" + request.GET['a'] + \"'\")\n"
    "    return HttpResponse('ok')\n"
)
MANAGE = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n'
FACTORY = (
    "from fastapi import FastAPI\nfrom fastapi.responses import FileResponse\n\n\n"
    "def create_app():\n    app = FastAPI()\n\n    @app.get('/f/{name}')\n"
    "    def f(name: str):\n        return FileResponse('/srv/' + name)\n\n"
    "    app.add_api_route('/g', f)\n    return app\n"
)
PY2 = "import os\nprint 'hello'\nos.system('ls ' + raw_input())\n"


@pytest.fixture(scope="module")
def report():
    """One review of a tree with every kind of bad input (one Semgrep run for the module)."""
    files = {"manage.py": MANAGE, "shop/views.py": VIEWS, "api/app.py": FACTORY, "legacy.py": PY2}
    return analyze(files, cache=None)


def rules_of(report, path: str) -> set[str]:
    return {f["rule_id"] for f in report.findings if f["file"] == path}


def test_django_without_settings_is_reviewed_and_says_what_it_skipped(report):
    assert "devsecbots.django.sql-injection" in rules_of(report, "shop/views.py")
    [(path, note)] = [s for s in report.skipped if "settings" in s[1]]
    assert path == "manage.py" and "site.settings is not among the files" in note
    assert "\n" not in note


def test_a_fastapi_factory_is_reviewed_and_unregistered_routes_are_noted(report):
    assert "devsecbots.fastapi.path-traversal" in rules_of(report, "api/app.py")
    assert [p for p, n in report.skipped if "add_api_route" in n] == ["api/app.py"]


def test_mixed_frameworks_are_each_reviewed_with_their_own_rules(report):
    semgrep = [f for f in report.findings if f["source"] == "semgrep"]
    assert {f["rule_id"].split(".")[1] for f in semgrep if f["file"] == "api/app.py"} == {"fastapi"}
    assert {f["rule_id"].split(".")[1] for f in semgrep if f["file"] == "shop/views.py"} == {
        "django"
    }
    assert any("mixed frameworks (django, fastapi)" in n for _, n in report.skipped)


def test_python2_files_are_flagged_and_noted_not_crashed_on(report):
    assert rules_of(report, "legacy.py") == {"syntax-error"}
    assert [p for p, n in report.skipped if n.startswith("Python 2 syntax")] == ["legacy.py"]


def test_a_plain_flask_tree_gets_no_notes():
    assert project_notes({"app.py": "from flask import Flask\napp = Flask(__name__)\n"}) == []
