"""An app with no accounts still needs CSRF protection on its forms: the forger borrows whatever
the browser brings by itself, and with no login that is the user's cookies and network position
(an intranet or localhost app answers anyone's page). So devsecbots.flask.missing-csrf-protection
keeps blocking an app with no login, session auth or password check; CSRFProtect settles it."""

from __future__ import annotations

from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

RULE = "devsecbots.flask.missing-csrf-protection"
APP = """\
from flask import Flask, make_response, render_template, request
{protect}
app = Flask(__name__)
{bind}

@app.route("/preferences", methods=["GET", "POST"])
def preferences():
    if request.method == "POST":
        resp = make_response(render_template("saved.html"))
        theme = request.form.get("theme", "light")
        resp.set_cookie("theme", theme, samesite="Lax", secure=True, httponly=True)
        return resp
    return render_template("preferences.html")
"""


def _blocking(source: str) -> list[str]:
    files = {"app.py": source}
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    return [f["rule_id"] for f in findings if is_blocking(f, ctx.blocking_severity)]


def test_app_without_accounts_still_blocks_without_csrf_protection():
    assert RULE in _blocking(APP.format(protect="", bind=""))


def test_the_same_app_with_csrfprotect_does_not_block():
    source = APP.format(protect="from flask_wtf.csrf import CSRFProtect", bind="CSRFProtect(app)")
    assert RULE not in _blocking(source)
