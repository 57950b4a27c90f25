"""The engine: routing findings, reporting what is not fixed, and never returning a broken file."""

from __future__ import annotations

from devsecbots.graphs.state import make_finding
from devsecbots.nodes.autofix import apply_fixes, can_fix
from devsecbots.nodes.autofix.base import Codemod, FileResult
from devsecbots.nodes.autofix.registry import CODEMODS

from tests.autofix.helpers import bandit, finding_at

APP = """import pickle
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/load", methods=["POST"])
def load():
    return str(pickle.loads(request.data))


if __name__ == "__main__":
    app.run(debug=True)
"""


def test_unfixable_findings_come_back_with_reasons():
    findings = bandit(APP)
    findings.append(
        finding_at(APP, "devsecbots.python.insecure-deserialization", "pickle.loads", cwe="CWE-502")
    )
    findings.append(
        make_finding(
            severity="low",
            file="app.py",
            title="Consider rate limiting",
            source="llm",
            cwe="CWE-770",
            line=0,
        )
    )
    findings.append(
        make_finding(severity="high", file="gone.py", title="x", source="bandit", rule_id="B201")
    )
    findings.append(
        make_finding(
            severity="high",
            file="templates/a.html",
            title="x",
            source="semgrep",
            rule_id="devsecbots.flask.debug-enabled",
        )
    )
    outcome = apply_fixes({"app.py": APP, "templates/a.html": "<p>"}, findings)
    reasons = {f["rule_id"] or f["title"]: outcome.reason(f) for f in outcome.unfixable}
    # The model's rate-limit finding (CWE-770, its words fit) goes to the rate-limit codemod.
    assert [f["rule_id"] or f["title"] for f in outcome.fixed] == ["B201", "Consider rate limiting"]
    assert len(outcome.fixed) + len(outcome.unfixable) == len(findings)  # nothing dropped
    assert reasons["B301"] == "needs a data format change (e.g. JSON) — no safe automatic fix"
    assert reasons["devsecbots.python.insecure-deserialization"] == reasons["B301"]
    assert outcome.changed == ["app.py"]
    assert "gone.py is not among the files" in [outcome.reason(f) for f in outcome.unfixable]
    assert "automatic fixes only edit Python files" in [
        outcome.reason(f) for f in outcome.unfixable
    ]


def test_can_fix_follows_rule_ids_then_cwe():
    def finding(**kw):
        return make_finding(severity="high", file="a.py", title="t", **kw)

    assert can_fix(finding(source="bandit", rule_id="B201"))
    assert can_fix(finding(source="semgrep", rule_id="devsecbots.flask.sql-injection"))
    assert can_fix(finding(source="llm", cwe="CWE-89"))
    assert can_fix(finding(source="semgrep", rule_id="someone.elses.rule", cwe="CWE-78"))
    assert not can_fix(finding(source="bandit", rule_id="B301", cwe="CWE-502"))
    assert not can_fix(finding(source="bandit", rule_id="B404", cwe="CWE-78"))  # import warning
    assert not can_fix(finding(source="semgrep", rule_id="devsecbots.flask.xss", cwe="CWE-79"))
    assert not can_fix(finding(source="llm", cwe="CWE-502", snippet="data = pickle.loads(blob)"))
    assert not can_fix(finding(source="llm", cwe="CWE-1234"))


def test_stale_line_numbers_are_tolerated():
    shifted = "# a comment added by an earlier fix\n\n" + APP
    stale = bandit(APP, "B201")[0]  # still says the old line; its snippet finds the code
    outcome = apply_fixes({"app.py": shifted}, [stale])
    assert outcome.fixed == [stale]
    no_snippet = finding_at(
        APP, "B201", "debug=True", snippet=False, line_shift=2, source_name="bandit"
    )
    assert apply_fixes({"app.py": APP}, [no_snippet]).fixed == [no_snippet]
    far = finding_at(APP, "B201", "debug=True", snippet=False, line_shift=-8, source_name="bandit")
    assert apply_fixes({"app.py": APP}, [far]).unfixable == [far]


class BreaksTheFile(Codemod):
    """A codemod with a bug: its output does not parse."""

    name = "broken"
    rule_ids = frozenset({"B201"})

    def apply(self, path, source, findings, project):  # type: ignore[no-untyped-def]
        return FileResult(
            source=source + "\nif True\n",
            fixed=list(findings),
            notes=[f"{path}: broke it"],
            other_files={"requirements.txt": "broken"},
        )


class Crashes(Codemod):
    """A codemod that raises."""

    name = "crashes"
    rule_ids = frozenset({"B104"})

    def apply(self, path, source, findings, project):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


def test_a_fix_that_breaks_the_file_is_discarded():
    files = {"app.py": APP, "requirements.txt": "flask\n"}
    findings = bandit(APP, "B201")
    outcome = apply_fixes(files, findings, codemods=[BreaksTheFile(), *CODEMODS])
    assert (
        outcome.files == files
        and outcome.changed == []
        and outcome.fixed == []
        and outcome.notes == []
    )
    assert outcome.unfixable == findings
    assert outcome.reason(findings[0]).startswith("the fix left app.py unparseable (line 17")
    assert outcome.reason(findings[0]).endswith("change discarded")


def test_a_crashing_codemod_loses_only_its_own_findings():
    source = APP.replace("debug=True", 'host="0.0.0.0", debug=True')
    findings = bandit(source, "B201", "B104")
    outcome = apply_fixes({"app.py": source}, findings, codemods=[Crashes(), *CODEMODS])
    assert [f["rule_id"] for f in outcome.fixed] == ["B201"]
    assert outcome.reason(outcome.unfixable[0]) == "crashes failed: RuntimeError: boom"


def test_a_file_that_does_not_parse_is_not_touched():
    broken = APP + "\ndef oops(:\n"
    finding = finding_at(broken, "B201", "debug=True", source_name="bandit")
    outcome = apply_fixes({"app.py": broken}, [finding])
    assert outcome.files["app.py"] == broken
    assert outcome.reason(finding).startswith("app.py does not parse (line 17")


def test_findings_order_does_not_change_the_result():
    findings = bandit(APP) + [finding_at(APP, "devsecbots.flask.missing-csrf-protection", "Flask(")]
    first = apply_fixes({"app.py": APP}, findings)
    second = apply_fixes({"app.py": APP}, list(reversed(findings)))
    assert first.files == second.files and first.notes == second.notes


def test_a_stale_finding_does_not_fix_a_neighbour():
    source = "import random\n\n\nx = random.choice(seq)\n"
    gone = make_finding(
        severity="low",
        file="app.py",
        title="B311",
        source="bandit",
        rule_id="B311",
        line=3,
        snippet="token = random.random()",
    )
    outcome = apply_fixes({"app.py": source}, [gone])
    assert outcome.changed == [] and outcome.unfixable == [gone]
