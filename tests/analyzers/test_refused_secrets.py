"""A secret key the application refuses to start with: a placeholder (low), not a key."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.nodes.analyzers.refused_secrets import reassess

# The finding is reported on the call's first line; the key is written on the next one.
CONFIG = 'app.config.update(\n    DEBUG=False,\n    SECRET_KEY="CHANGE ME",\n)\n'
FATAL = """\
import sys


def fatal_error(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)
"""

REFUSALS = {
    "equal-or-too-short-then-project-exit": """
        if len(app.config["SECRET_KEY"]) < 16 or app.config["SECRET_KEY"] == "CHANGE ME":
            fatal_error("configure SECRET_KEY")
        """,
    "in-a-tuple-then-raise": """
        def create_app():
            if app.config.get("SECRET_KEY") in ("CHANGE ME", ""):
                raise RuntimeError("set SECRET_KEY")
            return app
        """,
    # Sparing debug, test and command-line runs: every deployed server run still refuses it.
    "outside-debug": """
        if not app.debug:
            if app.config["SECRET_KEY"] == "CHANGE ME":
                raise RuntimeError("set SECRET_KEY")
        """,
    "unless-debug-tests-or-cli": """
        DEBUG = envtobool("DEBUG", False)
        _started_from_cli = "app.cli" in sys.modules
        if (
            app.config["SECRET_KEY"] == "CHANGE ME"
            and not DEBUG
            and "pytest" not in sys.modules
            and not _started_from_cli
        ):
            raise RuntimeError("set SECRET_KEY")
        """,
}
STILL_BLOCKING = {
    "only-warns": """
        if app.config["SECRET_KEY"] == "CHANGE ME":
            app.logger.warning("set SECRET_KEY")
        """,
    "only-when-debugging": """
        if app.config["SECRET_KEY"] == "CHANGE ME" and app.debug:
            raise RuntimeError("set SECRET_KEY")
        """,
    "only-when-opted-in": """
        if app.config.get("ENFORCE_SECRET"):
            if app.config["SECRET_KEY"] == "CHANGE ME":
                raise RuntimeError("set SECRET_KEY")
        """,
    "only-when-the-deployer-names-production": """
        if app.config["SECRET_KEY"] == "CHANGE ME" and os.environ.get("ENV") == "production":
            raise RuntimeError("set SECRET_KEY")
        """,
    "outside-debug-but-debug-is-on-by-default": """
        DEBUG = os.getenv("DEBUG", "1")
        if app.config["SECRET_KEY"] == "CHANGE ME" and not DEBUG:
            raise RuntimeError("set SECRET_KEY")
        """,
    "except-under-the-server-itself": """
        if app.config["SECRET_KEY"] == "CHANGE ME" and "gunicorn" not in sys.modules:
            raise RuntimeError("set SECRET_KEY")
        """,
    "another-key": """
        if app.config["MAIL_PASSWORD"] == "CHANGE ME":
            raise RuntimeError("set MAIL_PASSWORD")
        """,
    "length-the-literal-passes": """
        if len(app.config["SECRET_KEY"]) < 8:
            raise RuntimeError("SECRET_KEY too short")
        """,
}


def _confidence(check: str) -> str:
    source = CONFIG + textwrap.dedent(check)
    finding = {
        "rule_id": "devsecbots.flask.hardcoded-secret-key",
        "confidence": "high",
        "file": "app/server.py",
        "line": 1,
        "recommendation": "Load it from the environment.",
    }
    files = {"app/server.py": source, "app/errors.py": FATAL}
    (out,) = reassess([finding], files)  # type: ignore[list-item]
    return out["confidence"]


@pytest.mark.parametrize("name", REFUSALS)
def test_a_refused_placeholder_is_low(name: str) -> None:
    assert _confidence(REFUSALS[name]) == "low"


@pytest.mark.parametrize("name", STILL_BLOCKING)
def test_a_check_that_does_not_stop_start_up_keeps_it(name: str) -> None:
    assert _confidence(STILL_BLOCKING[name]) == "high"
