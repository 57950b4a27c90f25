"""Bad input for the framework rules: reviewed as far as possible, one line on what was skipped."""

from __future__ import annotations

from devsecbots.nodes.analyzers import analyse
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


def test_django_without_settings_is_reviewed_and_says_what_it_skipped():
    report = analyse({"manage.py": MANAGE, "shop/views.py": VIEWS}, cache=None)
    assert "devsecbots.django.sql-injection" in {f["rule_id"] for f in report.findings}
    [(path, note)] = [s for s in report.skipped if "settings" in s[1]]
    assert path == "manage.py" and "site.settings is not among the files" in note
    assert "\n" not in note


def test_a_fastapi_factory_is_reviewed_and_unregistered_routes_are_noted():
    report = analyse({"app.py": FACTORY}, cache=None)
    assert "devsecbots.fastapi.path-traversal" in {f["rule_id"] for f in report.findings}
    assert [p for p, n in report.skipped if "add_api_route" in n] == ["app.py"]


def test_mixed_frameworks_are_each_reviewed_with_their_own_rules():
    files = {"api/app.py": FACTORY, "shop/views.py": VIEWS, "manage.py": MANAGE}
    report = analyse(files, cache=None)
    rules = {f["file"]: f["rule_id"] for f in report.findings if f["source"] == "semgrep"}
    assert rules["api/app.py"].startswith("devsecbots.fastapi.")
    assert rules["shop/views.py"].startswith("devsecbots.django.")
    assert any("mixed frameworks (django, fastapi)" in n for _, n in report.skipped)


def test_python2_files_are_flagged_and_noted_not_crashed_on():
    report = analyse({"legacy.py": PY2, "ok.py": "x = 1\n"}, cache=None)
    assert [f["rule_id"] for f in report.findings if f["file"] == "legacy.py"] == ["syntax-error"]
    assert [p for p, n in report.skipped if n.startswith("Python 2 syntax")] == ["legacy.py"]


def test_a_plain_flask_tree_gets_no_notes():
    assert project_notes({"app.py": "from flask import Flask\napp = Flask(__name__)\n"}) == []
