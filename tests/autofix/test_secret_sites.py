"""Twins: sites a codemod must fix, look-alikes it must leave (secret keys, cookies, binds)."""

from __future__ import annotations

from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import bandit, declined, finding_at

FIXED = 'os.environ["SECRET_KEY"]'  # the running app's key: required at start-up
DEFAULT = 'SECRET_KEY = os.environ.get("SECRET_KEY")'  # a settings default a config file may set


def _fixes(source: str, findings, path: str = "app.py") -> str:
    """The file after the fix; every finding must be fixed."""
    assert findings
    outcome = apply_fixes({path: source}, findings)
    assert [outcome.reason(f) for f in outcome.unfixable] == []
    return outcome.files[path]


def test_config_dict_entry_for_the_app_key_is_fixed():
    source = (
        'from flask import Flask\napp = Flask(__name__)\napp.config.update({"SECRET_KEY": "dev"})\n'
    )
    assert FIXED in _fixes(source, bandit(source, "B105"))


def test_dict_entry_named_secret_is_data_not_a_key():
    # an emoji map in a migration, a form schema naming its secret field
    source = (
        'EMOJI = {"smile": "😄", "secret": "㊙"}\nSCHEMA = {"type": "object", "secret": "url"}\n'
    )
    findings = bandit(source, "B105")
    assert len(findings) == 2
    assert all("not an app secret key" in r for r in declined(source, findings))


def test_keyword_for_the_app_key_is_fixed():
    source = (
        "from starlette.middleware.sessions import SessionMiddleware\n"
        "app.add_middleware(SessionMiddleware, secret_key='dev')\n"
    )
    assert FIXED in _fixes(source, bandit(source, "B106"))


def test_mock_expectation_is_left_alone():
    source = (
        "def test_login(auth):\n"
        '    auth.assert_called_once_with(identifier="fred", secret="nope")\n'
        '    auth.check.assert_called_with(secret_key="nope")\n'
    )
    findings = bandit(source, "B106")
    assert len(findings) == 2
    reasons = declined(source, findings)
    assert "not an app secret key" in reasons[0]
    assert "expects a mock to be called with" in reasons[1]


def test_production_config_class_is_fixed():
    source = 'class ProductionConfig:\n    SECRET_KEY = "AAAAAAAAAAAAAAAA"\n'
    assert DEFAULT in _fixes(source, bandit(source, "B105"))
    source = 'class Config:\n    def __init__(self):\n        self.SECRET_KEY = "AAAAAAAA"\n'
    assert f"self.{DEFAULT}" in _fixes(source, bandit(source, "B105"))


def test_testing_config_class_is_left_alone():
    source = 'class TestingConfig(ServerConfig):\n    SECRET_KEY = "AAAAAAAAAAAAAAAA"\n'
    [reason] = declined(source, bandit(source, "B105"))
    assert "TestingConfig configures test runs" in reason


def test_settings_for_ci_runs_are_left_alone():
    source = 'from .base import *\n\nSECRET_KEY = "CISECRETKEY"\n'
    path = "proj/settings/ci.py"
    [reason] = declined(source, bandit(source, "B105", path=path), path=path)
    # a CI settings module is test code (nodes/roles.py): the engine leaves it before the codemod
    assert "is test code: not edited" in reason
    path = "proj/settings/staging.py"
    assert DEFAULT in _fixes(source, bandit(source, "B105", path=path), path=path)


def test_empty_placeholder_is_left_alone():
    source = 'SECRET_KEY = ""\n'
    finding = finding_at(source, "devsecbots.flask.hardcoded-secret-key", "SECRET_KEY")
    [reason] = declined(source, [finding])
    assert "placeholder" in reason
    source = 'SECRET_KEY = "x"\n'
    finding = finding_at(source, "devsecbots.flask.hardcoded-secret-key", "SECRET_KEY")
    assert DEFAULT in _fixes(source, [finding])


def test_session_cookie_is_hardened_but_the_csrf_token_cookie_is_not():
    from tests.autofix.helpers import finding_at

    source = (
        "def after(response, token, sid):\n"
        '    response.set_cookie("csrf_token", token)\n'
        '    response.set_cookie("sid", sid)\n'
    )
    rule = "devsecbots.flask.insecure-cookie"
    csrf, session = finding_at(source, rule, "csrf_token"), finding_at(source, rule, '"sid"')
    outcome = apply_fixes({"app.py": source}, [csrf, session])
    assert outcome.fixed == [session]
    assert (
        'secure=os.environ.get("SESSION_COOKIE_SECURE", "1") != "0",\n        httponly=True,\n'
        '        samesite="Lax",' in outcome.files["app.py"]
    )
    assert "double-submit CSRF token" in outcome.reason(csrf)


def test_bind_all_interfaces_is_fixed_unless_the_environment_opts_in():
    source = (
        "import os\nimport debugpy\n\n"
        'if os.environ.get("REMOTE_DEBUG"):\n'
        '    debugpy.listen(("0.0.0.0", 5678))\n'
        'app.run(host="0.0.0.0")\n'
    )
    findings = bandit(source, "B104")
    assert len(findings) == 2
    outcome = apply_fixes({"app.py": source}, findings)
    assert outcome.fixed == [findings[1]]
    assert 'debugpy.listen(("0.0.0.0", 5678))' in outcome.files["app.py"]
    assert "the operator chose every interface" in outcome.reason(findings[0])
