"""Flask configuration codemods: debug mode, listening address, secret key."""

from __future__ import annotations

from tests.autofix.helpers import assert_fixed, bandit, declined, finding_at

# FLASK_DEBUG read as Flask reads it: on unless unset, empty, 0, false or no
FLASK_DEBUG_ON = 'os.environ.get("FLASK_DEBUG", "").lower() not in ("", "0", "false", "no")'
DEBUG_BEFORE = """from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # local development server
    app.run(port=8000, debug=True)  # keep this comment
"""
DEBUG_AFTER = """import os

from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # local development server
    app.run(
        port=8000,
        debug=os.environ.get("FLASK_DEBUG", "").lower() not in ("", "0", "false", "no"),
    )  # keep this comment
"""


def test_debug_true_becomes_opt_in():
    assert_fixed(DEBUG_BEFORE, DEBUG_AFTER, bandit(DEBUG_BEFORE, "B201"))
    assert bandit(DEBUG_AFTER) == []


def test_debug_attribute_and_config_item():
    before = (
        "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
        'app.debug = True\napp.config["DEBUG"] = True\n'
    )
    after = (
        "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
        f"app.debug = {FLASK_DEBUG_ON}\n"
        f'app.config["DEBUG"] = {FLASK_DEBUG_ON}\n'
    )
    findings = [
        finding_at(before, "devsecbots.flask.debug-enabled", "app.debug"),
        finding_at(before, "devsecbots.flask.debug-enabled", '"DEBUG"'),
    ]
    assert_fixed(before, after, findings)


BIND_BEFORE = """import os
from flask import Flask

app = Flask(__name__)
HOST = '0.0.0.0'
PORT = int(os.environ.get("PORT", "8080"))

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=PORT)
"""
BIND_AFTER = """import os
from flask import Flask

app = Flask(__name__)
HOST = os.environ.get('FLASK_RUN_HOST', '127.0.0.1')
PORT = int(os.environ.get("PORT", "8080"))

if __name__ == "__main__":
    app.run(host=os.environ.get("FLASK_RUN_HOST", "127.0.0.1"), port=PORT)
"""


def test_bind_all_interfaces_becomes_localhost_by_default():
    findings = bandit(BIND_BEFORE, "B104")
    assert len(findings) == 2
    assert_fixed(BIND_BEFORE, BIND_AFTER, findings)
    assert bandit(BIND_AFTER, "B104") == []


def test_bind_default_of_an_environment_lookup_and_a_socket():
    before = (
        'import os\nimport socket\nhost = os.getenv("HOST", "0.0.0.0")\n'
        'socket.socket().bind(("0.0.0.0", 80))\n'
    )
    after = (
        'import os\nimport socket\nhost = os.getenv("HOST", "127.0.0.1")\n'
        'socket.socket().bind((os.environ.get("BIND_HOST", "127.0.0.1"), 80))\n'
    )
    assert_fixed(before, after, bandit(before, "B104"))


def test_bind_comparison_is_declined():
    source = 'def is_public(host):\n    return host == "0.0.0.0"\n'
    reasons = declined(source, bandit(source, "B104"))
    assert "not bound" in reasons[0]


SECRET_BEFORE = '''"""Config."""
from flask import Flask

SECRET_KEY = "change-me"  # TODO


app = Flask(__name__)
app.secret_key = "s3cr3t"
app.config["SECRET_KEY"] = "also-hard-coded"
app.config.update(SECRET_KEY="again")
'''


def test_secret_keys_in_every_form():
    before = SECRET_BEFORE
    after = '''"""Config."""
import os

from flask import Flask

SECRET_KEY = os.environ.get("SECRET_KEY")  # TODO


app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config.update(SECRET_KEY=os.environ["SECRET_KEY"])
'''
    findings = bandit(before, "B105", "B106")
    assert len(findings) == 4
    assert_fixed(before, after, findings)


def test_a_secondary_key_default_is_declined():
    """flaskbb: WTF_CSRF_SECRET_KEY = os.environ.get(...) would be None when unset, and Flask-WTF
    raises on a None one instead of falling back to SECRET_KEY as it does when it is absent."""
    source = 'class DefaultConfig:\n    WTF_CSRF_SECRET_KEY = "reallyhardtoguess"\n'
    [reason] = declined(source, bandit(source, "B105"))
    assert "secondary key in a settings default" in reason


def test_environment_lookup_with_a_hard_coded_fallback():
    # No per-process random key: gunicorn workers must share one. A settings default only reads
    # the variable (a config file loaded later may set the key); the app's own key requires it.
    before = 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "dev")\n'
    after = 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY")\n'
    finding = finding_at(before, "devsecbots.flask.hardcoded-secret-key", "SECRET_KEY =")
    assert_fixed(before, after, [finding])
    before = 'import os\napp.secret_key = os.getenv("APP_KEY") or "dev"\n'
    after = 'import os\napp.secret_key = os.environ["APP_KEY"]\n'
    finding = finding_at(before, "devsecbots.flask.hardcoded-secret-key", "app.secret_key =")
    assert_fixed(before, after, [finding])
    before = 'SECRET_KEY = settings.get("SECRET_KEY") or "dev"\n'
    after = 'import os\n\nSECRET_KEY = settings.get("SECRET_KEY") or os.environ.get("SECRET_KEY")\n'
    finding = finding_at(before, "devsecbots.flask.hardcoded-secret-key", "SECRET_KEY =")
    assert_fixed(before, after, [finding])


def test_a_default_the_app_refuses_to_start_with_is_left_alone():
    """zou: the public default is refused outside debug, tests and the CLI; replacing it would
    only remove that refusal."""
    before = (
        "import os\nimport sys\n"
        'DEBUG = os.getenv("DEBUG") == "1"\n'
        'SECRET_KEY = os.getenv("SECRET_KEY", "mysecretkey")\n'
        'if SECRET_KEY == "mysecretkey" and not DEBUG and "pytest" not in sys.modules:\n'
        '    raise RuntimeError("set SECRET_KEY")\n'
    )
    finding = finding_at(before, "devsecbots.flask.hardcoded-secret-key", "SECRET_KEY =")
    [reason] = declined(before, [finding])
    assert "already refuses to start with this value (app.py:5)" in reason
    opted_in = before.replace("and not DEBUG", "and os.getenv('ENFORCE_KEY')")
    finding = finding_at(opted_in, "devsecbots.flask.hardcoded-secret-key", "SECRET_KEY =")
    assert_fixed(
        opted_in,
        opted_in.replace('os.getenv("SECRET_KEY", "mysecretkey")', 'os.environ.get("SECRET_KEY")'),
        [finding],
    )


def test_other_credentials_are_declined():
    source = 'DB_PASSWORD = "hunter2"\nclient_secret = "abc"\n'
    findings = bandit(source, "B105")
    assert len(findings) == 2
    for reason in declined(source, findings):
        assert "not an app secret key" in reason


def test_bind_address_that_is_only_inspected_is_declined():
    source = 'def local(ip):\n    return ip.startswith("0.0.0.0") or ip in {"0.0.0.0"}\n'
    findings = bandit(source, "B104")
    assert len(findings) == 2
    assert all("not bound" in reason for reason in declined(source, findings))


def test_debug_server_bound_to_loopback_on_purpose_is_left_alone():
    # twin of test_debug_true_becomes_opt_in: the author bound the debug server to this machine
    source = "from flask import Flask\napp = Flask(__name__)\n"
    source += 'app.run(debug=True, host="127.0.0.1")\n'
    [reason] = declined(source, bandit(source, "B201"))
    assert "binds to this machine only" in reason
