"""CSRF exemptions of git's smart-HTTP read endpoints (info/refs, git-upload-pack) are kept at
low confidence; the push endpoint (git-receive-pack), a view that also answers another route and
a switched-off CSRFProtect still block."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers.git_http_views import RULES, reassess

from .helpers import reassessed_confidence

VIEWS = """\
from flask import Flask, request
from flask_wtf import CSRFProtect

app = Flask(__name__)
csrf = CSRFProtect(app)


@app.route("/.git/info/refs", methods=["POST", "GET"])
@csrf.exempt
def git_info_refs():
    return server.advertise_refs(request.args.get("service"))


@app.route("/.git/git-upload-pack", methods=["POST"])
@csrf.exempt
def git_upload_pack():
    return server.upload_pack(request.stream)


@app.route("/.git/git-receive-pack", methods=["POST"])
@csrf.exempt
def git_receive_pack():
    return server.receive_pack(request.stream)


@app.route("/repo/git-upload-pack", methods=["POST"])
@app.route("/repo/settings", methods=["POST"])
@csrf.exempt
def upload_or_settings():
    return server.upload_pack(request.stream)


def upload_pack_by_call():
    return server.upload_pack(request.stream)


app.add_url_rule("/x", view_func=upload_pack_by_call)
csrf.exempt(upload_pack_by_call)
app.config["WTF_CSRF_ENABLED"] = False
"""


def _confidence(line: int) -> str:
    return reassessed_confidence(
        reassess, VIEWS, next(iter(RULES)), "CSRF protection disabled", line
    )


def _line(text: str) -> int:
    return VIEWS.splitlines().index(text) + 1


@pytest.mark.parametrize(
    "first", ['@app.route("/.git/info/refs", methods=["POST", "GET"])', "def git_upload_pack():"]
)
def test_exempt_git_read_endpoints_are_low(first):
    assert _confidence(_line(first)) == "low"


@pytest.mark.parametrize(
    "first",
    [
        '@app.route("/.git/git-receive-pack", methods=["POST"])',  # push writes
        '@app.route("/repo/git-upload-pack", methods=["POST"])',  # also another route
        "csrf.exempt(upload_pack_by_call)",  # no git route at all
        'app.config["WTF_CSRF_ENABLED"] = False',
    ],
)
def test_push_other_routes_and_a_switched_off_protection_still_block(first):
    assert _confidence(_line(first)) == "high"
