"""A developer tool run by hand (a profiler runner) is development code; the app's own entry
module that runs the app with debug on stays application code."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.autofix import apply_fixes
from devsecbots.nodes.dev_tools import dev_tool_reason
from devsecbots.nodes.policy import apply_run_policy, is_blocking
from devsecbots.nodes.roles import APP, DEVELOPMENT, code_role

from tests.autofix.helpers import finding_at

PROFILER = """from werkzeug.middleware.profiler import ProfilerMiddleware
import cProfile
from wiki.server import app

app.wsgi_app = ProfilerMiddleware(app.wsgi_app, restrictions=[30])

with cProfile.Profile() as pr:
    app.run(debug=True, port=8080)
"""
TOOLBAR = """from flask_debugtoolbar import DebugToolbarExtension
from shop import create_app

app = create_app()

if __name__ == "__main__":
    DebugToolbarExtension(app)
    app.run(host="0.0.0.0", debug=True)
"""
ENTRY = """from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
"""
RUNNER = """from shop import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
"""
# a profiler switched on by the environment in a module production loads
OPTIONAL_PROFILER = """import os
from werkzeug.middleware.profiler import ProfilerMiddleware
from shop import create_app

app = create_app()
if os.environ.get("PROFILE"):
    app.wsgi_app = ProfilerMiddleware(app.wsgi_app)

if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
"""
# a profiler runner that builds its app itself is the app's entry module
PROFILED_ENTRY = ENTRY.replace(
    "app = Flask(__name__)\n",
    "app = Flask(__name__)\napp.wsgi_app = ProfilerMiddleware(app.wsgi_app)\n",
).replace("from flask", "from werkzeug.middleware.profiler import ProfilerMiddleware\nfrom flask")


@pytest.mark.parametrize(
    ("path", "source", "role"),
    [
        ("wiki/profiler.py", PROFILER, DEVELOPMENT),
        ("wiki/tools.py", PROFILER, DEVELOPMENT),  # the content is enough
        ("run_toolbar.py", TOOLBAR, DEVELOPMENT),
        ("manage_dev.py", RUNNER, DEVELOPMENT),  # a development runner by its name
        ("run_dev.py", RUNNER, DEVELOPMENT),
        ("app.py", ENTRY, APP),
        ("profiler.py", ENTRY, APP),  # builds the app: its own entry module
        ("run.py", RUNNER, APP),  # the app's runner, nothing says development
        ("wsgi.py", OPTIONAL_PROFILER, APP),
        ("app.py", PROFILED_ENTRY, APP),
        ("wiki/profiler.py", "import cProfile\n\ndef profiled(f):\n    return f\n", APP),
    ],
)
def test_dev_tool_role(path, source, role):
    assert code_role(path, source) == role


def test_the_reason_names_the_instrument():
    assert "ProfilerMiddleware" in dev_tool_reason("wiki/profiler.py", PROFILER)
    assert "by its name (manage_dev.py)" in dev_tool_reason("manage_dev.py", RUNNER)


def test_debug_in_a_profiler_runner_is_reported_not_blocking_and_the_entry_blocks():
    files = {"wiki/profiler.py": PROFILER, "wiki/app.py": ENTRY}
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    debug = {
        f["file"]: is_blocking(f, ctx.blocking_severity)
        for f in findings
        if f["rule_id"] == "devsecbots.flask.debug-enabled"
    }
    assert debug == {"wiki/profiler.py": False, "wiki/app.py": True}


def test_harden_leaves_the_profiler_runner_alone():
    findings = [
        finding_at(PROFILER, "devsecbots.flask.debug-enabled", "debug=True", path="p/profiler.py"),
        finding_at(ENTRY, "devsecbots.flask.debug-enabled", "debug=True", path="p/app.py"),
    ]
    outcome = apply_fixes({"p/profiler.py": PROFILER, "p/app.py": ENTRY}, findings)
    assert outcome.changed == ["p/app.py"]
    assert "development code" in outcome.reason(findings[0])
