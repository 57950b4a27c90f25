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
