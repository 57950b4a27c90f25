# Tests for python_secrets.yaml (semgrep --test). Not meant to run.
import os
import secrets

# ruleid: devsecbots.python.hardcoded-secret-key
SECRET_KEY = "module-level-secret"
# ruleid: devsecbots.python.hardcoded-secret-key
JWT_SECRET = os.environ.get("JWT_SECRET", "change-me")
# ok: devsecbots.python.hardcoded-secret-key
SECRET_KEY = os.environ.get("SECRET_KEY")
# ok: devsecbots.python.hardcoded-secret-key
SECRET_KEY = os.environ["SECRET_KEY"]
# ok: devsecbots.python.hardcoded-secret-key
SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
# ok: devsecbots.python.hardcoded-secret-key
API_TITLE = "not a secret"


class Config:
    # ruleid: devsecbots.python.hardcoded-secret-key
    SECRET_KEY = "class-level-secret"


def webhook(request, settings, current_app, proxy_config, session, Token):
    # ruleid: devsecbots.python.timing-unsafe-comparison
    if request.headers.get("x-proxy-secret", "") != proxy_config.auth_secret:
        return 1
    given = request.headers.get("X-Token")
    # ruleid: devsecbots.python.timing-unsafe-comparison
    if given != current_app.config["WEBHOOK_TOKEN"]:
        return 2
    # ruleid: devsecbots.python.timing-unsafe-comparison
    if request.GET.get("token") == settings.STATOR_TOKEN:
        return 3
    signature = request.args.get("signature")
    # ruleid: devsecbots.python.timing-unsafe-comparison
    if signature == calculated_signature:
        return 4
    # ok: devsecbots.python.timing-unsafe-comparison
    if secrets.compare_digest(request.headers.get("X-Token", ""), settings.API_TOKEN):
        return 5
    # ok: devsecbots.python.timing-unsafe-comparison
    if request.args.get("token_type") == "bearer":
        return 6
    # ok: devsecbots.python.timing-unsafe-comparison
    if request.args.get("name") == session.user_name:
        return 7
    password = request.form["password"]
    rpassword = request.form["rpassword"]
    # ok: devsecbots.python.timing-unsafe-comparison
    if password != rpassword:
        return 8
    token = request.form["token"]
    # ok: devsecbots.python.timing-unsafe-comparison
    found = session.query(Token).filter(Token.auth_token == token).first()
    # ok: devsecbots.python.timing-unsafe-comparison
    if request.headers["digest"] != body_digest:
        return 9
    return found
