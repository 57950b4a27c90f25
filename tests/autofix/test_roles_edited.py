"""The offline fixes edit the application's code only; tests, examples, migrations on request."""

from __future__ import annotations

from devsecbots.nodes.autofix import apply_fixes
from devsecbots.nodes.develop import develop
from devsecbots.nodes.roles import ROLES

from tests.autofix.helpers import bandit
from tests.unit.helpers import runtime

SOURCE = "import hashlib\n\n\ndef token(password):\n    return hashlib.md5(password).hexdigest()\n"


def test_application_code_is_edited():
    findings = bandit(SOURCE, "B324", path="shop/auth.py")
    outcome = apply_fixes({"shop/auth.py": SOURCE}, findings)
    assert outcome.changed == ["shop/auth.py"] and "sha256" in outcome.files["shop/auth.py"]


def test_tests_and_migrations_are_not_edited_by_default():
    for path in ("tests/test_auth.py", "shop/migrations/0002_tokens.py", "examples/demo.py"):
        findings = bandit(SOURCE, "B324", path=path)
        outcome = apply_fixes({path: SOURCE}, findings)
        assert outcome.changed == [] and outcome.fixed == []
        assert "not edited" in outcome.reason(findings[0])
        edited = apply_fixes({path: SOURCE}, findings, edit_roles=ROLES)
        assert edited.changed == [path]


def _offline_round(findings, **settings) -> dict:
    files = {f["file"]: SOURCE for f in findings}
    state = {"round": 1, "files": files, "findings": findings}
    return develop(state, runtime(offline=True, **settings))


def test_offline_devbot_fixes_blocking_findings_only():
    [finding] = bandit(SOURCE, "B324", path="shop/auth.py")
    assert _offline_round([{**finding, "severity": "high"}])["changed"] == ["shop/auth.py"]
    assert _offline_round([{**finding, "severity": "low"}])["changed"] == []
    exempt = {**finding, "severity": "high", "exempt": "low confidence"}
    assert _offline_round([exempt])["changed"] == []


def test_offline_devbot_edits_tests_only_with_block_tests():
    [finding] = bandit(SOURCE, "B324", path="tests/test_auth.py")
    finding = {**finding, "severity": "high"}
    assert _offline_round([finding])["changed"] == []
    assert _offline_round([finding], block_tests=True)["changed"] == ["tests/test_auth.py"]
