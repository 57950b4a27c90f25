"""Project-level Flask checks: insecure and hardened twins, protections set up in other modules."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.nodes.analyzers import apply_waivers
from devsecbots.nodes.analyzers.engine import analyze
from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable
from devsecbots.nodes.analyzers.flask_checklist import (
    FRAMING,
    HSTS,
    NOSNIFF,
    RATE_LIMIT,
    SESSION_COOKIE,
    project_findings,
)


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip()


INSECURE = code(
    """
    from flask import Flask, flash, request

    app = Flask(__name__)
    app.secret_key = "x"


    @app.route("/login", methods=["GET", "POST"])
    def login():
        flash("hi")
        return "ok"


    @app.post("/upload")
    def upload():
        return request.files["f"].filename


    @app.route("/about")
    def about():
        return "about"
    """
)

HARDENED = code(
    """
    import os

    from flask import Flask, flash, redirect, request
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app = Flask(__name__)
    app.secret_key = os.environ["SECRET_KEY"]
    app.config.update(
        SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax"
    )
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")


    @app.after_request
    def headers(response):
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


    @app.route("/login", methods=["GET", "POST"])
    @limiter.limit("5 per minute")
    def login():
        flash("hi")
        return "ok"


    @app.post("/upload")
    @limiter.limit("10 per minute")
    def upload():
        return request.files["f"].filename
    """
)


def rules(files: dict[str, str]) -> list[tuple[str, str, int]]:
    return sorted((f["rule_id"], f["file"], f["line"]) for f in project_findings(files))


def test_insecure_app_gets_every_checklist_finding():
    found = project_findings({"app.py": INSECURE})
    by_rule = {}
    for f in found:
        by_rule.setdefault(f["rule_id"], []).append(f)
    assert set(by_rule) == {RATE_LIMIT, HSTS, FRAMING, NOSNIFF, SESSION_COOKIE}
    limited = sorted((f["line"], f["cwe"]) for f in by_rule[RATE_LIMIT])
    assert limited == [(8, "CWE-307"), (14, "CWE-770")]  # login and upload, not GET-only /about
    assert all(f["source"] == "project" and f["severity"] == "medium" for f in found)
    assert by_rule[HSTS][0]["line"] == 3 and by_rule[HSTS][0]["snippet"] == "app = Flask(__name__)"
    assert by_rule[SESSION_COOKIE][0]["title"] == "Session cookie not Secure, without SameSite"


def test_hardened_twin_is_clean():
    assert rules({"app.py": HARDENED}) == []


def test_protections_in_other_modules_count():
    files = {
        "shop/extensions.py": code(
            """
            from flask_limiter import Limiter
            from flask_limiter.util import get_remote_address
            from flask_talisman import Talisman

            limiter = Limiter(get_remote_address, default_limits=["100 per hour"])
            talisman = Talisman()
            """
        ),
        "shop/__init__.py": code(
            """
            from flask import Flask, session

            from .extensions import limiter, talisman
            from .views import bp


            def create_app():
                app = Flask(__name__)
                limiter.init_app(app)
                talisman.init_app(app)
                app.register_blueprint(bp)
                return app
            """
        ),
        "shop/views.py": code(
            """
            from flask import Blueprint

            bp = Blueprint("shop", __name__)


            @bp.route("/buy", methods=["POST"])
            def buy():
                return "ok"
            """
        ),
    }
    assert rules(files) == []
    unbound = dict(files)
    unbound["shop/__init__.py"] = files["shop/__init__.py"].replace(
        "    limiter.init_app(app)\n", ""
    )
    assert rules(unbound) == [(RATE_LIMIT, "shop/views.py", 7)]


def test_talisman_with_protections_switched_off():
    app = code(
        """
        from flask import Flask, session
        from flask_talisman import Talisman

        app = Flask(__name__)
        app.secret_key = "k"
        Talisman(app, frame_options=None, x_content_type_options=False,
                 strict_transport_security=False, session_cookie_secure=False)
        """
    )
    assert [r for r, _, _ in rules({"app.py": app})] == [SESSION_COOKIE, FRAMING, HSTS, NOSNIFF]


def test_limiter_without_default_limits_covers_only_decorated_routes():
    app = HARDENED.replace('@limiter.limit("10 per minute")\n', "")
    assert rules({"app.py": app}) == [(RATE_LIMIT, "app.py", 31)]


def test_weak_cookie_settings_in_a_config_class():
    config = code(
        """
        class Config:
            SESSION_COOKIE_SECURE = False
            SESSION_COOKIE_SAMESITE = None
        """
    )
    app = HARDENED.replace(
        "app.config.update(\n    SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, "
        'SESSION_COOKIE_SAMESITE="Lax"\n)\n',
        "app.config.from_object('config.Config')\n",
    )
    assert app != HARDENED
    found = project_findings({"app.py": app, "config.py": config})
    assert [f["title"] for f in found] == ["Session cookie not Secure, without SameSite"]


def test_no_app_no_session_and_tests_are_not_reported():
    api = code(
        """
        from flask import Flask, jsonify
        from flask_talisman import Talisman

        app = Flask(__name__)
        Talisman(app)
        """
    )
    assert rules({"api.py": api}) == []  # no session in use: no cookie finding
    assert rules({"lib.py": "def f():\n    return 1\n"}) == []
    assert rules({"tests/test_app.py": INSECURE}) == []
    assert rules({"app.py": "def broken(:\n"}) == []


@pytest.mark.slow
def test_analyse_reports_project_checks_with_semgrep_only():
    files = {"app.py": INSECURE}
    try:
        found = analyze(files, ("bandit", "semgrep")).findings
    except AnalyzerUnavailable:
        pytest.skip("semgrep not installed")
    assert {RATE_LIMIT, HSTS, FRAMING, NOSNIFF, SESSION_COOKIE} <= {f["rule_id"] for f in found}
    bandit_only = analyze(files, ("bandit",)).findings
    assert not {f["rule_id"] for f in bandit_only} & {RATE_LIMIT, HSTS}


def test_a_person_can_waive_a_route_with_a_reason():
    source = INSECURE.replace(
        "def upload():",
        "def upload():  # nosec devsecbots.flask.missing-rate-limit -- behind a WAF",
    )
    files = {"app.py": source}
    waived = apply_waivers(project_findings(files), files, files)
    upload = [f for f in waived if f["rule_id"] == RATE_LIMIT and f["line"] == 14]
    assert [f["waiver"] for f in upload] == ["behind a WAF"]
    assert [f["waiver"] for f in waived if f["line"] == 8] == [""]


@pytest.mark.parametrize(
    ("decorator", "confidence"),
    [
        ("", "medium"),  # anyone may upload: filling the disk
        ("@login_required", "low"),
        ("@auth.login_required", "low"),
        ("@login_optionally_required", "low"),
        ("@requires_admin", "low"),
        ("@cache.cached(timeout=60)", "medium"),  # a decorator that gates nothing
    ],
)
def test_an_upload_blocks_unthrottled_only_when_anyone_may_send_it(decorator, confidence):
    source = code(
        f"""
        from flask import Flask, request

        app = Flask(__name__)


        @app.post("/import")
        {decorator}
        def upload():
            return request.files["f"].filename
        """
    )
    found = [f for f in project_findings({"app.py": source}) if f["rule_id"] == RATE_LIMIT]
    assert [f["confidence"] for f in found] == [confidence]


def test_a_login_behind_a_login_decorator_still_blocks():
    source = code(
        """
        from flask import Flask, request

        app = Flask(__name__)


        @app.post("/reauth")
        @login_required
        def reauth():
            return str(check_password_hash(current_user.pw, request.form["pw"]))
        """
    )
    found = [f for f in project_findings({"app.py": source}) if f["rule_id"] == RATE_LIMIT]
    assert [(f["confidence"], f["cwe"]) for f in found] == [("medium", "CWE-307")]


HOOKED = code(
    """
    from flask import Flask

    from settings import settings

    app = Flask(__name__)


    @app.after_request
    def add_default_headers(response):
        for header, value in settings["server"]["default_http_headers"].items():
            response.headers[header] = value
        return response
    """
)
SETTINGS_YML = "server:\n  default_http_headers:\n    X-Content-Type-Options: nosniff\n"


def test_headers_an_after_request_hook_copies_from_a_shipped_config_file_count():
    found = rules({"app.py": HOOKED, "settings.yml": SETTINGS_YML})
    assert NOSNIFF not in {r for r, _, _ in found}
    assert {HSTS, FRAMING} <= {r for r, _, _ in found}  # not in the file: still missing


@pytest.mark.parametrize(
    "files",
    [
        # the config file names the header, but no hook copies configured headers
        {"app.py": INSECURE, "settings.yml": SETTINGS_YML},
        # the hook copies headers, but only a test's settings name the header
        {"app.py": HOOKED, "tests/settings.yml": SETTINGS_YML},
        # a hook setting a literal header is not copying configured ones
        {
            "app.py": HOOKED.replace("response.headers[header]", 'response.headers["X-A"]'),
            "settings.yml": SETTINGS_YML,
        },
    ],
)
def test_a_config_file_alone_or_a_literal_hook_does_not_count(files):
    assert NOSNIFF in {r for r, _, _ in rules(files)}
