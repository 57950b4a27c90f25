"""A python3-saml assertion consumer service's CSRF exemption and its missing rate limit are
kept at low confidence; an exempt view that only logs users in, or one that also checks a
password, still blocks."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.nodes.analyzers.flask_checklist import RATE_LIMIT, project_findings
from devsecbots.nodes.analyzers.saml_acs import RULES, reassess

from .helpers import reassessed_confidence

VIEWS = textwrap.dedent(
    """\
    from flask import Flask, request, session
    from flask_seasurf import SeaSurf

    app = Flask(__name__)
    csrf = SeaSurf(app)


    @app.route("/saml/acs", methods=["POST"])
    @csrf.exempt
    def saml_acs():
        auth = init_saml_auth(prepare_flask_request(request))
        auth.process_response()
        errors = auth.get_errors()
        if not errors:
            user = User.query.filter_by(username=auth.get_nameid()).first()
            return authenticate_user(user, "SAML")
        return "error", 400


    @app.route("/sso/login", methods=["POST"])
    @csrf.exempt
    def sso_login():
        user = User.query.filter_by(username=request.form["username"]).first()
        return authenticate_user(user, "SSO")


    @app.route("/saml/acs-password", methods=["POST"])
    @csrf.exempt
    def saml_acs_password():
        auth = init_saml_auth(prepare_flask_request(request))
        auth.process_response()
        if auth.get_errors() or not check_password(request.form["password"]):
            return "error", 400
        return authenticate_user(auth.get_nameid(), "SAML")
    """
)


def _csrf_confidence(line: int) -> str:
    return reassessed_confidence(
        reassess, VIEWS, next(iter(RULES)), "CSRF protection disabled", line
    )


def _line(text: str) -> int:
    return VIEWS.splitlines().index(text) + 1


@pytest.mark.parametrize(
    ("view", "confidence"),
    [("def saml_acs():", "low"), ("def sso_login():", "high")],
)
def test_only_the_acs_exemption_is_low(view, confidence):
    assert _csrf_confidence(_line(view) - 1) == confidence


@pytest.mark.parametrize(
    ("rule", "confidence"),
    [("/saml/acs", "low"), ("/sso/login", "medium"), ("/saml/acs-password", "medium")],
)
def test_an_acs_logs_in_whom_the_assertion_names_without_a_guessable_secret(rule, confidence):
    found = [f for f in project_findings({"app.py": VIEWS}) if f["rule_id"] == RATE_LIMIT]
    assert {f["title"].split("'")[1]: f["confidence"] for f in found}[rule] == confidence
