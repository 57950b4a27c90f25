# Rule tests for flask_config.yaml (run by tests/analyzers/test_rules.py via semgrep --test).
import os
import secrets

from flask import Flask, request, make_response

# ruleid: devsecbots.flask.missing-csrf-protection, devsecbots.flask.upload-missing-max-content-length
app = Flask(__name__)
# ruleid: devsecbots.flask.hardcoded-secret-key
app.secret_key = "dev-secret-key-123"
# ruleid: devsecbots.flask.hardcoded-secret-key
app.config["SECRET_KEY"] = b"bytes-secret"
# ruleid: devsecbots.flask.hardcoded-secret-key
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "fallback-secret")
# ok: devsecbots.flask.hardcoded-secret-key
app.secret_key = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
# ok: devsecbots.flask.hardcoded-secret-key
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
# ok: devsecbots.flask.hardcoded-secret-key
app.config["UPLOAD_FOLDER"] = "uploads"
# ruleid: devsecbots.flask.csrf-disabled
app.config["WTF_CSRF_ENABLED"] = False
# ruleid: devsecbots.flask.debug-enabled
app.config["DEBUG"] = True


@app.route("/upload", methods=["GET", "POST"])
def upload():
    f = request.files["file"]
    resp = make_response("ok")
    # ruleid: devsecbots.flask.insecure-cookie, devsecbots.flask.cookie-without-httponly, devsecbots.flask.cookie-without-samesite
    resp.set_cookie("a", "1")
    # ruleid: devsecbots.flask.insecure-cookie
    resp.set_cookie("b", "1", secure=False, httponly=True, samesite="Lax")
    # ok: devsecbots.flask.insecure-cookie, devsecbots.flask.cookie-without-httponly, devsecbots.flask.cookie-without-samesite
    resp.set_cookie("c", "1", secure=True, httponly=True, samesite="Lax")
    # ok: devsecbots.flask.insecure-cookie
    resp.set_cookie("d", "1", secure=os.environ.get("SESSION_COOKIE_SECURE", "1") != "0", httponly=True, samesite="Lax")
    # ruleid: devsecbots.flask.insecure-cookie
    resp.set_cookie("d", "1", secure=os.environ.get("SESSION_COOKIE_SECURE") == "1", httponly=True, samesite="Lax")
    # ok: devsecbots.flask.insecure-cookie
    resp.set_cookie("e", "1", secure=app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return resp


def test_session_replay():
    client = app.test_client()
    # ok: devsecbots.flask.insecure-cookie, devsecbots.flask.cookie-without-httponly, devsecbots.flask.cookie-without-samesite
    client.set_cookie("session", "abc")
    with app.app_context(), app.test_client() as other:
        # ok: devsecbots.flask.insecure-cookie, devsecbots.flask.cookie-without-httponly, devsecbots.flask.cookie-without-samesite
        other.set_cookie("localhost", "session", "abc")
    with app.test_client() as third:
        # ok: devsecbots.flask.insecure-cookie, devsecbots.flask.cookie-without-httponly, devsecbots.flask.cookie-without-samesite
        third.set_cookie("session", "abc")
    # ok: devsecbots.flask.insecure-cookie, devsecbots.flask.cookie-without-httponly, devsecbots.flask.cookie-without-samesite
    app.test_client().set_cookie("session", "abc")


if __name__ == "__main__":
    # ruleid: devsecbots.flask.debug-enabled, devsecbots.flask.bind-all-interfaces
    app.run(host="0.0.0.0", debug=True)
    # ok: devsecbots.flask.debug-enabled, devsecbots.flask.bind-all-interfaces
    app.run(host=os.environ.get("FLASK_RUN_HOST", "127.0.0.1"), debug=os.environ.get("FLASK_DEBUG") == "1")
    # ok: devsecbots.flask.debug-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG", "").lower() not in ("", "0", "false", "no"))
    # ok: devsecbots.flask.debug-enabled
    app.config["DEBUG"] = os.environ.get("FLASK_DEBUG", "").lower() not in ("", "0", "false", "no")
    # ruleid: devsecbots.flask.debug-enabled
    app.config["DEBUG"] = True
    # ok: devsecbots.flask.debug-enabled, devsecbots.flask.bind-all-interfaces
    app.run(host="127.0.0.1", port=4000, debug=True)
    # ruleid: devsecbots.flask.debug-enabled
    app.run(host=os.environ.get("HOST", "127.0.0.1"), debug=True)


def exempt_view(csrf):
    # ruleid: devsecbots.flask.csrf-disabled
    @csrf.exempt
    def webhook():
        return "ok"

    return webhook


# ok: devsecbots.flask.hardcoded-secret-key
SECRET_KEY = "module-level-secret"  # devsecbots.python.hardcoded-secret-key reports it
