"""A TOTP enrolment page that answers a wrong code with the QR code of the secret it checks has
nothing to guess: its missing rate limit is reported at low confidence. A second-factor login
step, a check whose wrong answer omits the secret, or a QR code of another user's secret still
block."""

from __future__ import annotations

import textwrap

from devsecbots.nodes.analyzers.flask_checklist import RATE_LIMIT, project_findings

VIEWS = textwrap.dedent(
    """\
    import base64

    from flask import Flask, redirect, render_template, request, session
    from flask_login import login_user

    app = Flask(__name__)


    @app.route("/setup-2fa", methods=["GET", "POST"])
    def setup_2fa():
        if "enrolling" not in session:
            return redirect("/")
        member = Member.load(session["enrolling"])
        picture = base64.b64encode(member.totp_qrcode_png()).decode()
        if request.method == "POST":
            accepted = member.verify_totp(request.form.get("code", ""))
            if not accepted:
                return render_template("enrol.html", picture=picture, error="wrong code")
            session.pop("enrolling")
        return render_template("enrol.html", picture=picture)


    @app.route("/setup-otp", methods=["POST"])
    def setup_otp():
        member = Member.load(session["enrolling"])
        if not member.verify_otp(request.form["code"]):
            return render_template("enrol.html", uri=member.provisioning_uri("shop"))
        return redirect("/")


    @app.route("/second-factor", methods=["POST"])
    def second_factor():
        member = Member.load(session["pending_login"])
        if not member.verify_totp(request.form["code"]):
            return render_template("second_factor.html", error="wrong code")
        login_user(member)
        return redirect("/")


    @app.route("/enrol-quiet", methods=["GET", "POST"])
    def enrol_quiet():
        member = Member.load(session["enrolling"])
        if request.method == "GET":
            return render_template("enrol.html", picture=member.totp_qrcode_png())
        if not member.verify_totp(request.form["code"]):
            return render_template("enrol.html", error="wrong code")
        return redirect("/")


    @app.route("/enrol-other", methods=["POST"])
    def enrol_other():
        member = Member.load(session["pending_login"])
        helper = Member.load(session["enrolling"])
        if not member.verify_totp(request.form["code"]):
            return render_template("enrol.html", picture=helper.totp_qrcode_png())
        login_user(member)
        return redirect("/")


    @app.route("/enrol-rebound", methods=["POST"])
    def enrol_rebound():
        member = Member.load(session["enrolling"])
        picture = member.totp_qrcode_png()
        member = Member.load(request.form["who"])
        if not member.verify_totp(request.form["code"]):
            return render_template("enrol.html", picture=picture)
        login_user(member)
        return redirect("/")
    """
)


def _confidence(view: str) -> str:
    line = next(
        number
        for number, text in enumerate(VIEWS.splitlines(), start=1)
        if text.startswith(f"def {view}(")
    )
    (finding,) = [
        f
        for f in project_findings({"app.py": VIEWS})
        if f["rule_id"] == RATE_LIMIT and f["line"] == line
    ]
    return finding["confidence"]


def test_enrolment_that_shows_the_secret_again_on_a_wrong_code_does_not_block():
    assert _confidence("setup_2fa") == "low"


def test_enrolment_answering_a_wrong_code_with_the_provisioning_uri_does_not_block():
    assert _confidence("setup_otp") == "low"


def test_second_factor_login_step_still_blocks():
    assert _confidence("second_factor") == "medium"


def test_check_whose_wrong_answer_omits_the_secret_still_blocks():
    assert _confidence("enrol_quiet") == "medium"


def test_qr_code_of_another_users_secret_still_blocks():
    assert _confidence("enrol_other") == "medium"


def test_receiver_bound_again_between_qr_code_and_check_still_blocks():
    assert _confidence("enrol_rebound") == "medium"
