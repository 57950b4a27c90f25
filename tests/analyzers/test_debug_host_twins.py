"""Debug servers whose host is a setting (zou's debug.py), as twins: a host that stays on this
machine unless the operator sets another is reported low; any other host still blocks."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

CONFIG = """\
import os
DEBUG_HOST = os.getenv("DEBUG_HOST", "127.0.0.1")
LOCAL_HOST = os.environ.get("LOCAL_HOST", "localhost")
PUBLIC_HOST = os.getenv("PUBLIC_HOST", "0.0.0.0")
REQUIRED_HOST = os.getenv("REQUIRED_HOST")
COMPOSED_HOST = os.getenv("COMPOSED_HOST", "127.0.0.1")
"""
COMPOSE = """\
services:
  api:
    command: python -m app.unsafe_setting_a_deployment_file_sets
    environment:
      COMPOSED_HOST: 0.0.0.0
"""
HEAD = """\
import os
from flask import Flask
from app import config
app = Flask(__name__)
"""
SAFE = {
    "setting-of-the-config-module": """
        if __name__ == "__main__":
            app.run(host=config.DEBUG_HOST, port=5000, debug=True)
        """,
    "module-level-setting": """
        HOST = os.environ.get("HOST", "127.0.0.1")
        if __name__ == "__main__":
            app.run(
                host=HOST,
                debug=True,
            )
        """,
}
UNSAFE = {
    "setting-defaulting-to-every-interface": """
        if __name__ == "__main__":
            app.run(host=config.PUBLIC_HOST, debug=True)
        """,
    "setting-without-a-default": """
        if __name__ == "__main__":
            app.run(host=config.REQUIRED_HOST, debug=True)
        """,
    "setting-rebound-to-every-interface": """
        HOST = os.environ.get("HOST", "127.0.0.1")
        if os.environ.get("DOCKER"):
            HOST = "0.0.0.0"
        app.run(host=HOST, debug=True)
        """,
    "config-lookup-with-a-loopback-fallback": """
        app.config["BIND_ADDRESS"] = "0.0.0.0"
        app.run(debug=True, host=app.config.get("BIND_ADDRESS", "127.0.0.1"))
        """,
    "setting-a-deployment-file-sets": """
        if __name__ == "__main__":
            app.run(host=config.COMPOSED_HOST, debug=True)
        """,
    "host-the-code-computes": """
        app.run(host=os.environ.get("HOST", "127.0.0.1").replace("lo", "0"), debug=True)
        """,
}
RULES = ("devsecbots.flask.debug-enabled", "B201")


@pytest.fixture(scope="module")
def debug_findings():
    files = {"app/__init__.py": "", "app/config.py": CONFIG, "docker-compose.yml": COMPOSE}
    for kind, cases in (("safe", SAFE), ("unsafe", UNSAFE)):
        for name, body in cases.items():
            files[f"app/{kind}_{name.replace('-', '_')}.py"] = HEAD + textwrap.dedent(body)
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list[tuple[bool, dict]]] = {path: [] for path in files}
    for finding in findings:
        if finding["rule_id"] in RULES:
            found[finding["file"]].append((is_blocking(finding, ctx.blocking_severity), finding))
    return found


@pytest.mark.parametrize("name", SAFE)
def test_a_host_that_defaults_to_this_machine_is_low(debug_findings, name):
    found = debug_findings[f"app/safe_{name.replace('-', '_')}.py"]
    assert found, "the debug server is no longer reported at all"
    for blocks, finding in found:
        assert not blocks, finding
        assert "listens on this machine unless the operator sets" in finding["recommendation"]


@pytest.mark.parametrize("name", UNSAFE)
def test_any_other_host_still_blocks(debug_findings, name):
    found = debug_findings[f"app/unsafe_{name.replace('-', '_')}.py"]
    assert any(blocks for blocks, _ in found), found
