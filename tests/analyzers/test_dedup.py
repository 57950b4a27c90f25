"""De-duplication across tools: same file, line and weakness; equivalent CWEs; higher severity."""

from __future__ import annotations

from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.dedup import dedupe, weakness_key


def finding(source, rule_id, cwe, severity="medium", line=3, file="app.py"):
    return make_finding(
        severity=severity,
        file=file,
        line=line,
        title=rule_id,
        source=source,
        rule_id=rule_id,
        cwe=cwe,
    )


def test_equivalent_cwes_merge_with_the_higher_severity_and_both_sources():
    merged = dedupe(
        [
            finding("bandit", "B105", "CWE-259", "low"),
            finding("semgrep", "devsecbots.flask.hardcoded-secret-key", "CWE-798", "high"),
        ]
    )
    assert len(merged) == 1
    assert merged[0]["rule_id"] == "devsecbots.flask.hardcoded-secret-key"
    assert merged[0]["cwe"] == "CWE-798"
    assert merged[0]["severity"] == "high"
    assert merged[0]["sources"] == ["semgrep", "bandit"]


def test_bandit_severity_wins_when_higher():
    merged = dedupe(
        [
            finding("semgrep", "devsecbots.python.weak-hash", "CWE-328", "medium"),
            finding("bandit", "B324", "CWE-327", "high"),
        ]
    )
    assert [(m["rule_id"], m["severity"]) for m in merged] == [
        ("devsecbots.python.weak-hash", "high")
    ]


def test_bandit_generic_cwes_are_read_as_what_they_detect():
    assert weakness_key(finding("bandit", "B201", "CWE-94")) == weakness_key(
        finding("semgrep", "devsecbots.flask.debug-enabled", "CWE-489")
    )
    assert weakness_key(finding("bandit", "B307", "CWE-78")) == weakness_key(
        finding("semgrep", "devsecbots.flask.code-injection", "CWE-94")
    )
    assert weakness_key(finding("bandit", "B602", "CWE-78")) == "CWE-77"  # a real command injection


def test_different_weakness_line_or_file_stay_apart():
    findings = [
        finding("semgrep", "devsecbots.flask.debug-enabled", "CWE-489", line=41),
        finding("semgrep", "devsecbots.flask.bind-all-interfaces", "CWE-1327", line=41),
        finding("bandit", "B104", "CWE-605", line=41),
        finding("bandit", "B104", "CWE-605", line=42),
        finding("bandit", "B104", "CWE-605", line=41, file="other.py"),
    ]
    merged = dedupe(findings)
    assert len(merged) == 4
    bind = [
        m
        for m in merged
        if m["line"] == 41 and m["file"] == "app.py" and m["cwe"] in ("CWE-1327", "CWE-605")
    ]
    assert [m["sources"] for m in bind] == [["semgrep", "bandit"]]


def test_findings_without_cwe_merge_only_when_identical():
    a = finding("llm", "", "", line=5)
    b = make_finding(severity="low", file="app.py", line=5, title="other", source="llm")
    assert len(dedupe([a, b])) == 2
    assert len(dedupe([a, dict(a)])) == 1
