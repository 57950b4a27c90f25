"""Throw-away values for the secrets a project's code requires from the environment, as CI gives.

`app.secret_key = os.environ["SECRET_KEY"]` stops start-up when the variable is unset, on purpose:
every deployment must configure its own key (the secret-key codemod writes exactly this). A test
run is no deployment: the project's CI sets such a variable to a throw-away value, and so does
the sandbox, for each secret-named variable read as `os.environ["NAME"]` (a required read).
Optional reads (`os.environ.get`, `os.getenv`) get nothing: the code chose what to do without.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_REQUIRED_READ = re.compile(r"""os\.environ\s*\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]""")
_SECRET_NAME = re.compile(r"SECRET|KEY|TOKEN|PASSWORD|PASSWD", re.IGNORECASE)
PLACEHOLDER = "devsecbots-test-run-placeholder-not-a-real-secret-0123456789abcdef"


def required_secrets(files: Mapping[str, str]) -> dict[str, str]:
    """Variable -> placeholder for every secret-named variable the Python files require."""
    names = {
        match.group(1)
        for path, source in files.items()
        if path.endswith(".py")
        for match in _REQUIRED_READ.finditer(source)
        if _SECRET_NAME.search(match.group(1))
    }
    return {name: PLACEHOLDER for name in sorted(names)}
