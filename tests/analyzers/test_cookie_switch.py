"""A cookie's Secure flag read from the environment: Secure by default no finding, else low."""

from __future__ import annotations

import ast

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.cookie_switch import UNKNOWN, reassess, unset_value

RULE = "devsecbots.fastapi.insecure-cookie"


def reviewed(secure: str) -> list[str]:
    """The confidences left for a finding on `set_cookie(..., secure=<secure>)`."""
    call = f"response.set_cookie('t', token, secure={secure})"
    source = f"import os\n\ndef login(response, token):\n    {call}\n"
    finding = make_finding(
        severity="medium",
        confidence="high",
        cwe="CWE-614",
        file="app.py",
        line=4,
        snippet="",
        source="semgrep",
        rule_id=RULE,
        title="FastAPI cookie without the Secure flag",
        recommendation="Pass secure=True.",
    )
    return [f["confidence"] for f in reassess([finding], {"app.py": source})]


# Secure unless the operator turns it off (what the cookies codemod writes) / its insecure twin
TWINS = [
    ('os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"', 'os.environ.get("C") == "1"'),
    ('os.getenv("C", "true").lower() == "true"', 'os.getenv("C", "false").lower() == "true"'),
    ('os.environ.get("C", "on") in ("1", "on")', 'os.environ.get("C") in ("1", "on")'),
    ('bool(int(os.environ.get("C", "1")))', 'bool(int(os.environ.get("C", "0")))'),
    ('os.environ.get("C", default="1") != "0"', 'bool(os.environ.get("C", ""))'),
]


@pytest.mark.parametrize(("safe", "unsafe"), TWINS)
def test_secure_by_default_is_no_finding_insecure_default_is_low(safe, unsafe):
    assert reviewed(safe) == []
    assert reviewed(unsafe) == ["low"]


def test_a_default_it_cannot_work_out_is_the_operators_choice():
    assert reviewed('os.environ["COOKIE_SECURE"] == "1"') == ["low"]
    assert reviewed('parse(os.environ.get("C", "1"))') == ["low"]


def test_a_flag_not_read_from_the_environment_is_left_alone():
    assert reviewed("False") == ["high"]


def test_unset_value():
    assert unset_value(ast.parse('os.getenv("X")', mode="eval").body) is None
    assert unset_value(ast.parse('f(os.getenv("X"))', mode="eval").body) is UNKNOWN
