"""Application-level Flask facts gathered across modules: which routes throttling protects,
the project's own limiter, CSRFProtect bound in a factory, cookie settings of a test config."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers.flask_checklist import RATE_LIMIT, SESSION_COOKIE, project_findings
from devsecbots.nodes.policy import is_blocking
from devsecbots.nodes.review import review_files


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip()


FACTORY = code(
    """
    from flask import Flask

    from .auth import api_auth
    from .views import bp


    def create_app():
        app = Flask(__name__)
        app.config.from_object("blog.config.Config")
        app.register_blueprint(bp)
        return app
    """
)
AUTH = code(
    """
    from flask_httpauth import HTTPBasicAuth

    api_auth = HTTPBasicAuth()
    """
)
VIEWS = code(
    """
    from flask import Blueprint, request
    from flask_login import current_user, login_user

    from .auth import api_auth
    from .mail import send_password_reset_email
    from .models import User
    from .throttle import ratelimit

    bp = Blueprint("blog", __name__)


    @bp.route("/signin", methods=["POST"])
    def signin():
        user = User.find(request.form["name"])
        if user.check_password(request.form["password"]):
            login_user(user)
        return "ok"


    @bp.route("/api/tokens", methods=["POST"])
    @api_auth.login_required
    def get_token():
        return {"token": api_auth.current_user().token()}


    @bp.route("/forgot", methods=["POST"])
    def forgot():
        send_password_reset_email(User.find(request.form["email"]))
        return "sent"


    @bp.route("/follow/<name>", methods=["POST"])
    def follow(name):
        current_user.follow(User.find(name))
        return "ok"


    @bp.route("/attempt", methods=["POST"])
    @ratelimit(method="POST", limit=10, interval=5)
    def attempt():
        return "checked"
    """
)
CONFIG = code(
    """
    import os


    class Config:
        SECRET_KEY = os.environ.get("SECRET_KEY")
        SESSION_COOKIE_SECURE = True
        SESSION_COOKIE_SAMESITE = "Lax"


    class TestingConfig(Config):
        TESTING = True
        SESSION_COOKIE_SECURE = False
    """
)
FILES = {
    "blog/__init__.py": FACTORY,
    "blog/auth.py": AUTH,
    "blog/views.py": VIEWS,
    "blog/config.py": CONFIG,
}


@pytest.fixture(scope="module")
def limits():
    return {f["line"]: f for f in project_findings(FILES) if f["rule_id"] == RATE_LIMIT}


def _line(source: str, text: str) -> int:
    return source.splitlines().index(text) + 1


@pytest.mark.parametrize(
    ("view", "cwe", "why"),
    [
        ("def signin():", "CWE-307", "checks a password"),
        ("def get_token():", "CWE-307", "HTTP basic auth"),  # HTTPBasicAuth made in auth.py
        ("def forgot():", "CWE-770", "sends email"),
    ],
)
def test_routes_that_check_passwords_or_send_mail_block_without_a_limit(limits, view, cwe, why):
    finding = limits[_line(VIEWS, view)]
    assert finding["cwe"] == cwe and why in finding["title"]
    assert finding["confidence"] == "medium"


def test_an_ordinary_state_change_is_reported_with_low_confidence(limits):
    finding = limits[_line(VIEWS, "def follow(name):")]
    assert finding["confidence"] == "low" and "checks no password" in finding["title"]


def test_the_projects_own_rate_limit_decorator_counts(limits):
    assert _line(VIEWS, "def attempt():") not in limits


def test_the_testing_config_does_not_make_the_session_cookie_insecure():
    assert not [f for f in project_findings(FILES) if f["rule_id"] == SESSION_COOKIE]
    weak = {**FILES, "blog/config.py": CONFIG.replace("SESSION_COOKIE_SECURE = True", "")}
    [finding] = [f for f in project_findings(weak) if f["rule_id"] == SESSION_COOKIE]
    assert finding["title"] == "Session cookie not Secure" and finding["confidence"] == "medium"


def test_cookie_settings_loaded_at_run_time_lower_the_confidence():
    loaded = FACTORY.replace(
        'app.config.from_object("blog.config.Config")',
        'app.config.from_envvar("BLOG_SETTINGS")',
    )
    files = {**FILES, "blog/__init__.py": loaded, "blog/config.py": "DEBUG = False\n"}
    [finding] = [f for f in project_findings(files) if f["rule_id"] == SESSION_COOKIE]
    assert finding["confidence"] == "low" and "at run time" in finding["title"]


SINGLE = code(
    """
    from flask import Flask, render_template, request

    from .extensions import csrf

    app = Flask(__name__)
    csrf.init_app(app)


    @app.route("/comment", methods=["GET", "POST"])
    def comment():
        return render_template("comment.html", text=request.form.get("text", ""))
    """
)
EXTENSIONS = "from flask_wtf.csrf import CSRFProtect\n\ncsrf = CSRFProtect()\n"


@pytest.fixture(scope="module")
def csrf_reviews():
    ctx = Context(offline=True, analyzers=("semgrep",))
    bound = {"site/app.py": SINGLE, "site/extensions.py": EXTENSIONS}
    missing = {"site/app.py": SINGLE.replace("csrf.init_app(app)\n", ""), "site/extensions.py": ""}
    return {
        name: [
            f
            for f in review_files(files, ctx).verdict["findings"]
            if f["rule_id"] == "devsecbots.flask.missing-csrf-protection"
        ]
        for name, files in (("bound", bound), ("missing", missing))
    }


def test_csrfprotect_bound_in_another_module_does_not_block(csrf_reviews):
    [finding] = csrf_reviews["bound"]
    assert "site/extensions.py" in finding["title"] and not is_blocking(finding, "medium")


def test_no_csrfprotect_anywhere_blocks(csrf_reviews):
    [finding] = csrf_reviews["missing"]
    assert is_blocking(finding, "medium")


# An app with no login and no session: its secret key only signs URLs (HMAC). Its session
# cookie's flags protect nothing; its siblings keep state in the session.
NO_SESSION = textwrap.dedent(
    """\
    import hmac

    from flask import Flask, request

    app = Flask(__name__)
    app.secret_key = "from-settings"


    @app.route("/proxy")
    def proxy():
        return str(hmac.compare_digest(request.args["h"], app.secret_key))
    """
)
SESSION_SIBLINGS = {
    "session": NO_SESSION.replace(
        "from flask import Flask, request", "import flask\nfrom flask import Flask, request"
    ).replace("    return str(", '    flask.session["seen"] = True\n    return str('),
    "login": "from flask_login import LoginManager\n" + NO_SESSION,
    "flash": NO_SESSION.replace("Flask, request", "Flask, flash, request"),
    "renamed": NO_SESSION.replace(
        "Flask, request", "Flask, request, session as flask_session"
    ).replace("    return str(", '    flask_session["seen"] = True\n    return str('),
    "star": NO_SESSION.replace("from flask import Flask, request", "from flask import *").replace(
        "    return str(", '    session["seen"] = True\n    return str('
    ),
}
# Its own variable named `session` (a database session, an HTTP client's) is not Flask's.
DB_SESSION = NO_SESSION + textwrap.dedent(
    """

    def connection(pool):
        session = pool.get()
        if session is None:
            session = pool.open()
        return session.conn
    """
)


def test_a_secret_key_signing_only_hmacs_is_no_session():
    assert not [
        f for f in project_findings({"app.py": NO_SESSION}) if f["rule_id"] == SESSION_COOKIE
    ]


def test_a_variable_named_session_is_no_flask_session():
    assert not [
        f for f in project_findings({"app.py": DB_SESSION}) if f["rule_id"] == SESSION_COOKIE
    ]


@pytest.mark.parametrize("name", SESSION_SIBLINGS)
def test_an_app_keeping_state_in_the_session_is_told_its_cookie_flags(name):
    found = project_findings({"app.py": SESSION_SIBLINGS[name]})
    assert [f for f in found if f["rule_id"] == SESSION_COOKIE], found
