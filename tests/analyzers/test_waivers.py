"""Inline waivers: only with a reason, only for the named rule, never when the bot wrote them."""

from __future__ import annotations

from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers import analyze, apply_waivers
from devsecbots.nodes.analyzers.waivers import MALFORMED, NO_REASON, UNTRUSTED

APP = "from flask import Flask\napp = Flask(__name__)\n{run}\n"


def debug_finding(line=3, rule_id="devsecbots.flask.debug-enabled", cwe="CWE-489"):
    return make_finding(
        severity="high",
        file="app.py",
        line=line,
        title="Flask debug mode enabled",
        source="semgrep",
        rule_id=rule_id,
        cwe=cwe,
    )


def waive(comment_line: str, finding=None, trusted=None):
    source = APP.format(run=comment_line)
    return apply_waivers([finding or debug_finding()], {"app.py": source}, trusted)[0]


def test_waiver_with_reason_is_accepted():
    result = waive(
        "app.run(debug=True)  # nosec devsecbots.flask.debug-enabled -- demo script, never deployed"
    )
    assert result["waiver"] == "demo script, never deployed"
    assert result["title"] == "Flask debug mode enabled"


def test_waiver_without_reason_keeps_blocking_and_says_why():
    result = waive("app.run(debug=True)  # nosec")
    assert result["waiver"] == ""
    assert result["title"] == f"Flask debug mode enabled ({NO_REASON})"
    assert (
        waive("app.run(debug=True)  # nosemgrep: devsecbots.flask.debug-enabled --")["waiver"] == ""
    )


def test_free_text_without_the_separator_is_not_a_waiver():
    result = waive("app.run(debug=True)  # nosec because I said so")
    assert result["waiver"] == "" and MALFORMED in result["title"]


def test_waiver_for_another_rule_does_not_apply():
    result = waive("app.run(debug=True)  # nosec B104 -- bound to localhost by the container")
    assert result["waiver"] == "" and result["title"] == "Flask debug mode enabled"


def test_cwe_ids_and_their_equivalents_match():
    assert waive("app.run(debug=True)  # nosec CWE-489 -- demo")["waiver"] == "demo"
    bandit = make_finding(
        severity="high",
        file="app.py",
        line=3,
        title="debug",
        source="bandit",
        rule_id="B201",
        cwe="CWE-94",
    )
    assert (
        waive("app.run(debug=True)  # nosec: CWE-489 -- demo", finding=bandit)["waiver"] == "demo"
    )
    secret = make_finding(
        severity="low",
        file="app.py",
        line=3,
        title="pw",
        source="bandit",
        rule_id="B105",
        cwe="CWE-259",
    )
    assert (
        waive("KEY = 'x'  # nosec CWE-798 -- test fixture", finding=secret)["waiver"]
        == "test fixture"
    )


def test_comment_alone_on_the_line_above_counts():
    source = (
        "from flask import Flask\n# nosemgrep: devsecbots.flask.debug-enabled -- local tool\n"
        "app.run(debug=True)\n"
    )
    assert apply_waivers([debug_finding()], {"app.py": source})[0]["waiver"] == "local tool"
    code_above = "x = 1  # nosec -- unrelated\napp.run(debug=True)\n"
    assert apply_waivers([debug_finding(line=2)], {"app.py": code_above})[0]["waiver"] == ""


def test_marker_inside_a_string_is_not_a_waiver():
    result = waive('app.run(debug=True, extra="# nosec -- not a comment")')
    assert result["waiver"] == "" and result["title"] == "Flask debug mode enabled"


def test_waiver_the_bot_added_is_ignored():
    original = APP.format(run="app.run(debug=True)")
    result = waive(
        "app.run(debug=True)  # nosec -- the bot says this is fine", trusted={"app.py": original}
    )
    assert result["waiver"] == "" and UNTRUSTED in result["title"]
    users = "app.run(debug=True)  # nosec -- demo only"
    kept = waive(users, trusted={"app.py": APP.format(run=users)})
    assert kept["waiver"] == "demo only"
    new_file = apply_waivers([debug_finding()], {"app.py": APP.format(run=users)}, trusted={})
    assert new_file[0]["waiver"] == ""


def test_inputs_are_not_modified_and_notes_are_not_repeated():
    finding = debug_finding()
    source = APP.format(run="app.run(debug=True)  # nosec")
    once = apply_waivers([finding], {"app.py": source})
    twice = apply_waivers(once, {"app.py": source})
    assert finding["title"] == "Flask debug mode enabled"
    assert twice[0]["title"] == once[0]["title"]


def test_waivers_apply_to_real_analyzer_findings():
    source = APP.format(run="app.run(debug=True)  # nosec -- demo only, never deployed")
    report = analyze({"app.py": source}, ("bandit",), cache=None)
    waived = apply_waivers(report.findings, {"app.py": source}, {"app.py": source})
    assert [f["waiver"] for f in waived] == ["demo only, never deployed"]
