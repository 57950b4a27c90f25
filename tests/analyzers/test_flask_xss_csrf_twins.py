"""Flask XSS and open redirects in a view only CSRF-checked requests reach: under the app's
global CSRFProtect, a POST-only view echoes (or redirects to) only the user's own input
(reported at low confidence with the reason); a GET view, an exempt view, and the same view in
an app without the protection still block."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

RULES = {"devsecbots.flask.xss", "devsecbots.flask.open-redirect"}
FACTORY = """\
from flask import Flask
from flask_wtf import CSRFProtect

csrf = CSRFProtect()

def create_app():
    app = Flask(__name__)
    app.secret_key = __import__("os").environ["SECRET_KEY"]
    csrf.init_app(app)
    from app.views import views
    app.register_blueprint(views)
    return app
"""
UNPROTECTED = """\
from flask import Flask

def create_app():
    app = Flask(__name__)
    from app.views import views
    app.register_blueprint(views)
    return app
"""
VIEWS = """\
from flask import Blueprint, redirect, request

from app import csrf

views = Blueprint("views", __name__)

@views.route("/test/<string:item>", methods=["POST"])
@views.route("/test", methods=["POST"])
def send_test(item=None):
    mode = request.args.get("mode", "")
    for url in request.form.get("urls", "").splitlines():
        if not url.startswith("mailto:"):
            return f"Error: {url} is not a valid URL ({mode}, {item})"
    return "OK"

@views.route("/echo", methods=["GET", "POST"])
def echo():
    return f"<p>{request.values.get('text', '')}</p>"

@csrf.exempt
@views.post("/hook")
def hook():
    return f"<p>{request.form['text']}</p>"

@views.route("/go", methods=["POST"])
def go():
    return redirect(home_instance(request.form["account"]))

@views.route("/go-next", methods=["POST"])
def go_next():
    return redirect(request.form["next"])  # a site page's hidden field may carry a link's

@views.route("/go-back", methods=["GET", "POST"])
def go_back():
    return redirect(request.values["next"])

@csrf.exempt
@views.post("/go-hook")
def go_hook():
    return redirect(home_instance(request.form["account"]))
"""


def _xss(factory: str) -> dict[str, list[tuple[dict, bool]]]:
    files = {"app/__init__.py": factory, "app/views.py": VIEWS}
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    lines = VIEWS.splitlines()
    found: dict[str, list] = {}
    for f in findings:
        if f["rule_id"] in RULES and f["file"] == "app/views.py":
            view = next(
                line.split("def ")[1].split("(")[0]
                for line in reversed(lines[: f["line"]])
                if line.startswith("def ")
            )
            found.setdefault(view, []).append((f, is_blocking(f, ctx.blocking_severity)))
    return found


@pytest.fixture(scope="module")
def protected():
    return _xss(FACTORY)


def test_a_post_only_view_under_global_csrf_is_low_with_why(protected):
    found = protected["send_test"]
    assert not any(blocking for _, blocking in found), found
    assert all("self-XSS" in f["recommendation"] for f, _ in found), found


@pytest.mark.parametrize("view", ["echo", "hook"])
def test_a_get_echo_or_an_exempt_view_still_blocks(protected, view):
    assert any(blocking for _, blocking in protected[view]), protected.get(view)


def test_the_post_only_view_blocks_without_the_protection():
    found = _xss(UNPROTECTED)["send_test"]
    assert any(blocking for _, blocking in found), found


def test_a_post_only_redirect_under_global_csrf_is_low_with_why(protected):
    found = protected["go"]
    assert found and not any(blocking for _, blocking in found), found
    assert all("no other site can choose it" in f["recommendation"] for f, _ in found)


@pytest.mark.parametrize("view", ["go_back", "go_hook", "go_next"])
def test_a_get_or_exempt_redirect_still_blocks(protected, view):
    assert any(blocking for _, blocking in protected[view]), protected.get(view)


def test_the_post_only_redirect_blocks_without_the_protection():
    found = _xss(UNPROTECTED)["go"]
    assert any(blocking for _, blocking in found), found
