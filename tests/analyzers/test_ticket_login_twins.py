"""A login view that asks the issuing server about a CAS ticket or OAuth code has nothing to
guess: its missing rate limit is low. One that forwards a password or one-time code to a remote
checker, or checks a password itself, still blocks at medium."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.nodes.analyzers.flask_checklist import RATE_LIMIT, project_findings

VIEWS = textwrap.dedent(
    """\
    import requests
    from flask import Flask, jsonify, request

    app = Flask(__name__)
    CAS = "https://cas.example.org"


    def validate_ticket(ticket, service):
        query = {"ticket": ticket, "service": service}
        answer = requests.get(CAS + "/serviceValidate", params=query)
        return answer.json()["serviceResponse"].get("authenticationSuccess")


    @app.route("/auth/cas", methods=["POST"])
    def cas_login():
        ticket = request.json.get("ticket")
        success = validate_ticket(ticket, request.json.get("service"))
        if not success:
            return "invalid ticket", 401
        return jsonify(token=make_token(success["user"]))


    @app.route("/auth/oauth", methods=["POST"])
    def oauth_login():
        grant = {"code": request.form["code"], "grant_type": "authorization_code"}
        answer = requests.post(TOKEN_URL, data=grant)
        return jsonify(token=make_token(answer.json()["id_token"]))


    def remote_check(name, secret):
        return requests.post(AUTH_API, json={"user": name, "password": secret}).ok


    @app.route("/auth/remote", methods=["POST"])
    def remote_login():
        if not remote_check(request.form["user"], request.form["secret"]):
            return "no", 401
        return jsonify(token=make_token(request.form["user"]))


    @app.route("/auth/forward", methods=["POST"])
    def forward_login():
        sent = {"user": request.form["user"], "pwd": request.form["pwd"]}
        answer = requests.post(AUTH_API, json=sent)
        return jsonify(token=make_token(answer.json()["user"]))


    @app.route("/auth/otp", methods=["POST"])
    def otp_login():
        answer = requests.post(VERIFY_API, json={"otp": request.form["code"]})
        return jsonify(ok=answer.ok)


    @app.route("/auth/login", methods=["POST"])
    def login():
        requests.post(AUDIT_HOOK, json={"user": request.form["user"]})
        return do_login(request.form["user"], request.form["secret"])


    @app.route("/auth/cas-session", methods=["POST"])
    def cas_session_login():
        answer = validate_ticket(request.form["ticket"], SERVICE)
        if not answer:
            return "no", 401
        login_user(find_user(answer["user"]))
        return "ok"


    @app.route("/auth/ticket-then-authenticate", methods=["POST"])
    def ticket_authenticate_login():
        if not validate_ticket(request.form["ticket"], SERVICE):
            return "no", 401
        user = authenticate(username=request.form["user"], pw=request.form["p"])
        login_user(user)
        return "ok"


    @app.route("/auth/ticket-then-password", methods=["POST"])
    def ticket_login():
        if not validate_ticket(request.form["ticket"], SERVICE):
            return "no", 401
        user = find_user(request.form["user"])
        if not user.check_password(request.form["secret"]):
            return "no", 401
        return jsonify(token=make_token(user))
    """
)


@pytest.mark.parametrize(
    ("rule", "confidence"),
    [
        ("/auth/cas", "low"),
        ("/auth/oauth", "low"),
        ("/auth/cas-session", "low"),
        ("/auth/ticket-then-authenticate", "medium"),
        ("/auth/remote", "medium"),
        ("/auth/forward", "medium"),
        ("/auth/otp", "medium"),
        ("/auth/login", "medium"),
        ("/auth/ticket-then-password", "medium"),
    ],
)
def test_an_issued_ticket_is_no_guessing_target_but_a_forwarded_secret_is(rule, confidence):
    found = [f for f in project_findings({"app.py": VIEWS}) if f["rule_id"] == RATE_LIMIT]
    assert {f["title"].split("'")[1]: f["confidence"] for f in found}[rule] == confidence
