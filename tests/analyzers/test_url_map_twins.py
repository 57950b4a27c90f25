"""A redirect target kept only when it matches one of the app's routes (url_map_checks.py): safe
when every route starts with a literal segment, an open redirect when one starts with a variable.
Each twin is its own project, as the verdict depends on all of the project's routes."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking
from flask import Flask

HELPER = """\
from urllib.parse import urlparse
from flask import current_app, request, url_for

def remove_prefix(text, prefix):
    if text.startswith(prefix):
        return text[len(prefix):]
    return ""

def redirect_location(next, endpoint):
    target = next or url_for(endpoint)
    adapter = current_app.url_map.bind(urlparse(request.host_url).netloc)
    if not len(adapter.allowed_methods(remove_prefix(target, request.script_root))):
        target = url_for(endpoint)
    return target
"""
VIEWS = """\
from flask import Blueprint, Flask, redirect, request
from app.redirects import redirect_location
app = Flask(__name__)
web = Blueprint("web", __name__)
device = Blueprint("device", __name__, url_prefix="/device/<auth_token>")

@web.route("/")
def index():
    return ""

@device.route("/<book_id>/cover.jpg")
def cover(book_id):
    return ""

@web.route("/robots.txt")
def robots():
    return ""

for d in ["rated", "newest"]:
    web.add_url_rule("/{}/<sort_param>".format(d), view_func=index)

@web.route("/login", methods=["POST"])
def login():
    return redirect(redirect_location(request.form.get("next"), "web.index"))

@web.route("/logout")
def logout():
    if app.config["ANONYMOUS_BROWSING"]:
        location = redirect_location(request.args.get("next"), "web.login")
    else:
        location = None
    if location:
        return redirect(location)
    return redirect("/login")
"""
LOGIN = VIEWS.splitlines().index("def login():") + 2
LOGOUT = VIEWS.splitlines().index("        return redirect(location)") + 1
# name -> (extra code in the views module, whether the redirect must block)
PROJECTS = {
    "literal-first-segments": ("", False),
    "a-variable-first-segment": (
        '\n@web.route("/<lang>/<page>")\ndef page(lang, page):\n    return ""\n',
        True,
    ),
    "a-catch-all-route": (
        '\n@web.route("/<path:rest>")\ndef rest(rest):\n    return ""\n',
        True,
    ),
    "a-library-blueprint-at-the-root": (
        "\nfrom flask_dance.contrib.github import make_github_blueprint\n"
        "app.register_blueprint(make_github_blueprint())\n",
        True,
    ),
    "a-check-of-the-parsed-path": (  # urlparse(target).path matches for https://evil/x
        "",
        True,
    ),
}


def _blocking(name: str) -> list:
    extra, _ = PROJECTS[name]
    helper = HELPER
    if name == "a-check-of-the-parsed-path":
        helper = helper.replace(
            "remove_prefix(target, request.script_root)", "urlparse(target).path"
        )
    files = {"app/redirects.py": helper, "app/views.py": VIEWS + textwrap.dedent(extra)}
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    return [
        f
        for f in findings
        if f["rule_id"] == "devsecbots.flask.open-redirect"
        and is_blocking(f, ctx.blocking_severity)
    ]


@pytest.mark.parametrize("name", PROJECTS)
def test_the_redirect_blocks_only_when_a_route_can_match_a_host(name):
    blocking = sorted(f["line"] for f in _blocking(name))
    assert blocking == ([LOGIN, LOGOUT] if PROJECTS[name][1] else []), blocking


def _allowed(*rules: str) -> dict[str, list[str]]:
    app = Flask("twins")
    for index, rule in enumerate(rules):
        app.add_url_rule(rule, f"view{index}", lambda **kw: "")
    adapter = app.url_map.bind("calibre.example")
    targets = ("//evil.example/x", "///evil.example", "/\\evil.example", "https://evil.example/")
    return {t: adapter.allowed_methods(t) for t in targets}


def test_werkzeug_matches_a_host_only_through_a_route_with_a_variable_first_segment():
    """Why the project's routes decide: Werkzeug strips the leading slashes before matching."""
    pinned = _allowed("/", "/book/<int:id>", "/kobo/<token>/<uuid>/image.jpg", "/robots.txt")
    assert not any(pinned.values()), pinned
    open_ = _allowed("/", "/<lang>/<page>", "/<name>")
    assert open_["//evil.example/x"] and open_["/\\evil.example"], open_
