"""A random HOTP counter (zou's e-mailed one-time codes), as twins: a draw that is only the moving
factor of an HOTP keyed by another secret, kept server-side, is reported low; a draw that is the
code, the key, or is also checked or sent itself still blocks."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

HEAD = """\
import random
import pyotp
from app import store, mail
"""
SAFE = {
    "counter-of-the-users-hotp": """
        def send_email_otp(person):
            count = random.randint(0, 999999999999)
            otp = pyotp.HOTP(person["email_otp_secret"]).at(count)
            store.add(f"email-otp-count-{person['email']}", count, ttl=300)
            mail.send(person["email"], otp)
        """,
    "counter-through-a-local-hotp": """
        def check_code(person, code):
            hotp = pyotp.HOTP(person.otp_secret)
            count = random.randint(0, 10**9)
            store.set(person.email, count)
            otp = hotp.at(count)
            return hotp.verify(code, count), otp
        """,
}
UNSAFE = {
    "the-draw-is-the-code": """
        def send_email_otp(person):
            otp = random.randint(100000, 999999)
            store.add(f"email-otp-{person['email']}", otp, ttl=300)
            mail.send(person["email"], otp)
        """,
    "the-draw-is-the-key": """
        def send_email_otp(person):
            count = random.randint(0, 999999999999)
            otp = pyotp.HOTP(str(count)).at(count)
            mail.send(person["email"], otp)
        """,
    "the-counter-is-also-checked": """
        def check(person, answer):
            count = random.randint(0, 999999)
            otp = pyotp.HOTP(person["email_otp_secret"]).at(count)
            mail.send(person["email"], otp)
            return answer == count
        """,
}
RULE = "devsecbots.python.weak-random"


@pytest.fixture(scope="module")
def random_findings():
    files = {"app/__init__.py": ""}
    for kind, cases in (("safe", SAFE), ("unsafe", UNSAFE)):
        for name, body in cases.items():
            files[f"app/{kind}_{name.replace('-', '_')}.py"] = HEAD + textwrap.dedent(body)
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list[tuple[bool, dict]]] = {path: [] for path in files}
    for finding in findings:
        if finding["rule_id"] == RULE:
            found[finding["file"]].append((is_blocking(finding, ctx.blocking_severity), finding))
    return found


@pytest.mark.parametrize("name", SAFE)
def test_an_hotp_moving_factor_is_low(random_findings, name):
    found = random_findings[f"app/safe_{name.replace('-', '_')}.py"]
    assert found, "the draw is no longer reported at all"
    for blocks, finding in found:
        assert not blocks, finding
        assert "moving factor of an HOTP" in finding["recommendation"], finding


@pytest.mark.parametrize("name", UNSAFE)
def test_a_draw_that_is_or_guards_the_secret_blocks(random_findings, name):
    found = random_findings[f"app/unsafe_{name.replace('-', '_')}.py"]
    assert any(blocks for blocks, _ in found), found
