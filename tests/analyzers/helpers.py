"""Shared bits for the analyser tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).with_name("fixtures")
EXAMPLE_APP = ROOT / "examples" / "flask_upload" / "app.py"
BLOCKING = ("medium", "high", "critical")


def fixture(name: str) -> str:
    """The text of a fixture file."""
    return (FIXTURES / name).read_text()


def rule_ids(findings) -> set[str]:
    """The rule ids among findings."""
    return {f["rule_id"] for f in findings}


def blocking(findings) -> list:
    """Findings at medium severity or above."""
    return [f for f in findings if f["severity"] in BLOCKING]


def twin_path(name: str, kind: str) -> str:
    """The file a twin's safe or unsafe body is written to."""
    return f"app/{name.replace('-', '_')}_{kind}.py"


def twin_findings(
    twins: dict[str, tuple[str, str]], header: str, rule: str, init: str = ""
) -> dict[str, list]:
    """Each twin file -> its (finding, blocking?) pairs of `rule`: every body written after
    `header` into one project, analysed under the run's default policy."""
    import textwrap

    from devsecbots.graphs.context import Context
    from devsecbots.nodes.analyzers import analyze
    from devsecbots.nodes.policy import apply_run_policy, is_blocking

    files = {"app/__init__.py": init}
    for name, (safe, unsafe) in twins.items():
        for kind, body in (("safe", safe), ("unsafe", unsafe)):
            files[twin_path(name, kind)] = header + textwrap.dedent(body)
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list] = {path: [] for path in files}
    for finding in findings:
        if finding["rule_id"] == rule:
            found[finding["file"]].append((finding, is_blocking(finding, ctx.blocking_severity)))
    return found


def assert_low_with_why(found: list) -> None:
    """The safe twin: still reported, nothing blocking, each finding saying why it is low."""
    assert found, "the rule should still report the response"
    assert not any(blocking for _, blocking in found), found
    assert all("Low confidence: " in f["recommendation"] for f, _ in found), found


def assert_blocks(found: list) -> None:
    """The unsafe twin: at least one finding blocks."""
    assert any(blocking for _, blocking in found), found


def reassessed_confidence(
    reassess, source: str, rule_id: str, title: str, line: int, confidence: str = "high"
) -> str:
    """The confidence a pass gives one finding of `rule_id` at `line` of app.py holding `source`."""
    from devsecbots.graphs.state import make_finding

    finding = make_finding(
        severity="medium",
        file="app.py",
        line=line,
        title=title,
        source="semgrep",
        rule_id=rule_id,
        confidence=confidence,
    )
    return reassess([finding], {"app.py": source})[0]["confidence"]
