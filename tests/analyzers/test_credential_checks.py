"""A session store of what a passed credential check vouches for (the checked user, its inputs,
a validated SAML assertion) is low; request data the check did not look at, a store before or
beside the check, and a check of no password still block."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.session_guards import RULE, reassess

from .helpers import reassessed_confidence

APP = textwrap.dedent(
    """\
    from flask import Flask, abort, request, session

    app = Flask(__name__)


    @app.post("/login")
    def login():
        user = User.query.filter_by(name=request.form["name"]).first()
        session["user_early"] = user.id
        if not user.check_password(request.form["password"]):
            abort(401)
        session["user_id"] = user.id
        session["user_role"] = request.form["role"]
        return "ok"


    @app.post("/ldap")
    def ldap_login():
        method = request.form.get("auth_method", "LOCAL")
        user = User(username=request.form["name"], password=request.form["password"])
        try:
            verdict = user.is_validate(method=method)
            if verdict == False:
                return "no", 401
        except Exception:
            return "error", 500
        if user.otp_secret:
            session["pending_user_id"] = user.id
            session["pending_auth_method"] = method
        return "ok"


    @app.post("/profile")
    def profile():
        form = Profile(name=request.form["name"])
        if form.is_valid():
            session["user_name"] = form.name
        if check_password(request.form["password"]):
            pass
        else:
            session["user_guess"] = request.form["name"]
        return "ok"


    @app.post("/saml/acs")
    def saml_acs():
        errors = []
        auth = init_saml_auth(prepare_flask_request(request))
        auth.process_response()
        session["user_unchecked"] = auth.get_nameid()
        errors = auth.get_errors()
        if len(errors) == 0:
            session["user_name_id"] = auth.get_nameid()
            name = session["user_name_id"].lower()
            user = User.query.filter_by(username=name).first()
            session["user_id"] = user.id
            session["user_next"] = request.form["RelayState"]
        return "ok"
    """
)


def _confidence(text: str) -> str:
    line = next(i for i, t in enumerate(APP.splitlines(), 1) if t.strip().startswith(text))
    return reassessed_confidence(
        reassess, APP, RULE, "Unvalidated request data stored in the session", line, "medium"
    )


@pytest.mark.parametrize(
    "store",
    [
        'session["user_id"] = user.id',  # after `if not user.check_password(...): abort`
        'session["pending_user_id"]',  # after a try whose `if verdict == False` returns
        'session["pending_auth_method"]',  # the method the password was checked with
        'session["user_name_id"]',  # inside `if len(errors) == 0` of a processed response
    ],
)
def test_what_a_passed_check_vouches_for_is_low(store):
    assert _confidence(store.strip()) == "low"


def test_the_acs_user_looked_up_from_the_assertion_is_low():
    lines = APP.splitlines()
    acs = lines.index("def saml_acs():")
    store = next(i for i, t in enumerate(lines) if i > acs and 'session["user_id"]' in t)
    finding = make_finding(
        severity="medium",
        file="app.py",
        line=store + 1,
        title="t",
        source="semgrep",
        rule_id=RULE,
        confidence="medium",
    )
    assert reassess([finding], {"app.py": APP})[0]["confidence"] == "low"


@pytest.mark.parametrize(
    "store",
    [
        'session["user_early"]',  # before the check
        'session["user_role"]',  # request data the check did not look at
        'session["user_name"]',  # is_valid() of a form: no password checked
        'session["user_guess"]',  # the check's else branch
        'session["user_unchecked"]',  # the response's errors not read yet
        'session["user_next"]',  # RelayState: unsigned form data
    ],
)
def test_request_data_and_unguarded_stores_still_block(store):
    assert _confidence(store) == "medium"
