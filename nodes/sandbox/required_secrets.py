"""Throw-away values for the secrets a project's code requires from the environment, as CI gives.

`app.secret_key = os.environ["SECRET_KEY"]` stops start-up when the variable is unset, and
`SECRET_KEY = os.environ.get("SECRET_KEY")` leaves the app no key to sign with, on purpose:
every deployment must configure its own (the secret-key codemod writes exactly these). A test
run is no deployment: the project's CI sets such a variable to a throw-away value, and so does
the sandbox, for each secret-named variable read as `os.environ["NAME"]` (a required read) and
each signing key (`SECRET_KEY`, `JWT_SECRET_KEY`, `SESSION_SECRET`) read with no default.
Other optional reads (`os.environ.get("API_TOKEN")`) get nothing: the code chose what to do
without them, and a value could send the tests to a real service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_REQUIRED_READ = re.compile(r"""os\.environ\s*\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]""")
_SECRET_NAME = re.compile(r"SECRET|KEY|TOKEN|PASSWORD|PASSWD", re.IGNORECASE)
_DEFAULTLESS_READ = re.compile(
    r"""os\.(?:environ\.get|getenv)\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\)"""
)
_SIGNING_KEY = re.compile(r"^(?:[A-Z0-9]+_)*SECRET_KEY$|^(?:APP|JWT|SESSION|FLASK|SIGNING)_SECRET$")
PLACEHOLDER = "devsecbots-test-run-placeholder-not-a-real-secret-0123456789abcdef"


def required_secrets(files: Mapping[str, str]) -> dict[str, str]:
    """Variable -> placeholder for every secret the Python files require or sign with."""
    names: set[str] = set()
    for path, source in files.items():
        if path.endswith(".py"):
            names |= {m.group(1) for m in _REQUIRED_READ.finditer(source)}
            names |= {
                m.group(1)
                for m in _DEFAULTLESS_READ.finditer(source)
                if _SIGNING_KEY.match(m.group(1))
            }
    return {name: PLACEHOLDER for name in sorted(names) if _SECRET_NAME.search(name)}
