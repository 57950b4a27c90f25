"""Reset-link poisoning: a link mailed with a token and built from the request's Referer or Host
header blocks; the same mail built from a configured base URL, after an allow-list check of the
host, or without any token does not."""

from __future__ import annotations

import pytest

from .helpers import twin_findings, twin_path

RULE = "devsecbots.flask.host-header-link-in-mail"
HEADER = """\
import secrets

from flask import Blueprint, abort, current_app, request
from flask_mail import Message

from app import mail

views = Blueprint("views", __name__)

"""
TWINS = {
    "referer-reset": (
        """
        @views.post("/forgot")
        def forgot():
            token = secrets.token_urlsafe(32)
            link = current_app.config["SITE_URL"] + "/reset/" + token
            mail.send(Message("Reset", [request.form["email"]], body=f"Open {link}"))
            return "sent"
        """,
        """
        @views.post("/forgot")
        def forgot():
            token = secrets.token_urlsafe(32)
            link = request.referrer + "reset/" + token
            mail.send(Message("Reset", [request.form["email"]], body=f"Open {link}"))
            return "sent"
        """,
    ),
    "forwarded-host-confirm": (
        """
        def send_confirmation(user, token):
            host = request.headers.get("X-Forwarded-Host", "")
            if host not in current_app.config["SITE_HOSTS"]:
                abort(400)
            text = "Confirm: https://{host}/confirm/{token}".format(host=host, token=token)
            mail.send_message("Confirm", recipients=[user.email], body=text)
        """,
        """
        def send_confirmation(user, token):
            host = request.headers.get("X-Forwarded-Host", "")
            text = "Confirm: https://{host}/confirm/{token}".format(host=host, token=token)
            mail.send_message("Confirm", recipients=[user.email], body=text)
        """,
    ),
    "host-url-welcome": (
        """
        def send_welcome(user):
            text = f"Welcome! Sign in at {request.host_url}login"
            mail.send_message("Welcome", recipients=[user.email], body=text)
        """,
        """
        def send_welcome(user):
            code = user.activation_key
            text = f"Welcome! Activate at {request.host_url}activate/{code}"
            mail.send_message("Welcome", recipients=[user.email], body=text)
        """,
    ),
}


@pytest.fixture(scope="module")
def found() -> dict[str, list]:
    return twin_findings(TWINS, HEADER, RULE, init="mail = None\n")


@pytest.mark.parametrize("name", sorted(TWINS))
def test_link_from_configured_or_checked_host_does_not_block(found, name):
    assert not any(blocking for _, blocking in found[twin_path(name, "safe")])


@pytest.mark.parametrize("name", sorted(TWINS))
def test_link_from_client_header_with_token_blocks(found, name):
    assert any(blocking for _, blocking in found[twin_path(name, "unsafe")])
