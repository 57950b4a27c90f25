"""CSRF exemptions of views that only read (render request data, call nothing that writes) are
kept at low confidence; a view that writes the session, calls a project function or another
server, or has another decorator still blocks."""

from __future__ import annotations

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.inert_views import RULES, reassess

VIEWS = """\
import logging
import requests
from flask import Blueprint, render_template, request, session
from flask_seasurf import SeaSurf

csrf = SeaSurf()
bp = Blueprint("bp", __name__)
log = logging.getLogger(__name__)


@bp.route("/checkip", methods=["GET", "POST"])
@csrf.exempt
def checkip():
    # answers a dynamic-DNS client with its own address
    ip = request.environ.get("HTTP_X_REAL_IP", request.remote_addr)
    log.info("checkip from %s", ip)
    return render_template("ip.html", response=ip.strip())


@bp.route("/theme", methods=["POST"])
@csrf.exempt
def theme():
    session["theme"] = request.form.get("theme", "dark")
    return render_template("ok.html")


@bp.route("/update", methods=["POST"])
@csrf.exempt
def update():
    Record.update(request.form["ip"])
    return render_template("ok.html")


@bp.route("/ping", methods=["POST"])
@csrf.exempt
def ping():
    requests.get(request.form["url"])
    return render_template("ok.html")


@bp.route("/whoami", methods=["POST"])
@csrf.exempt
@login_required
def whoami():
    return render_template("me.html")


@bp.route("/forget", methods=["POST"])
@csrf.exempt
def forget():
    session.pop("user_id", None)
    return render_template("ok.html")
"""


def _confidence(line: int) -> str:
    finding = make_finding(
        severity="medium",
        file="views.py",
        line=line,
        title="CSRF protection disabled",
        source="semgrep",
        rule_id=next(iter(RULES)),
        confidence="high",
    )
    return reassess([finding], {"views.py": VIEWS})[0]["confidence"]


def _line(text: str) -> int:
    return VIEWS.splitlines().index(text) + 1


def test_a_view_that_only_reads_is_low():
    assert _confidence(_line('@bp.route("/checkip", methods=["GET", "POST"])')) == "low"


@pytest.mark.parametrize(
    "view",
    ["def theme():", "def update():", "def ping():", "def whoami():", "def forget():"],
)
def test_a_view_that_may_write_still_blocks(view):
    assert _confidence(_line(view)) == "high"
