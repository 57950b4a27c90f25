"""Findings as a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from devsecbots.graphs.state import Finding, normalise_cwe
from devsecbots.nodes.fingerprint import rule_of
from devsecbots.reported import ReportedFinding, reported

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/devsecbots/devsecbots"
ROOT_BASE_ID = "SRCROOT"
FINGERPRINT_KEY = "devsecbotsFindingHash/v1"  # nodes/fingerprint.py; --baseline reads it back
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# A finding that does not block in this run (exempt, waived, below the threshold) is listed one
# level lower, never as an error: a viewer's "errors" are what fails the gate.
_NON_BLOCKING_LEVEL = {"critical": "warning", "high": "warning", "medium": "note", "low": "note"}
# GitHub reads properties.security-severity: >= 9 critical, >= 7 high, >= 4 medium, else low.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def to_sarif(
    findings: list[Finding],
    *,
    tool_version: str,
    root: str | None = None,
    source: str | Path | None = None,
    threshold: str = "medium",
) -> dict[str, Any]:
    """One SARIF 2.1.0 log with one run: a rule per rule id, a result per finding.

    Findings name files relative to `source` (default: `root`). With `root` (the CLI passes the
    working directory: the repository root in CI), URIs are relative POSIX paths from the
    %SRCROOT% base recorded in originalUriBaseIds, and a file outside `root` gets an absolute
    file:// URI; without it, the finding's path as it is. Waived findings carry an inSource
    suppression whose justification is the waiver's reason. Every finding is a result; one that
    does not block under `threshold` is a note or warning, and its properties say why.
    """
    base = Path(root).resolve() if root is not None else None
    where = Path(source).resolve() if source is not None else base
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for finding in reported(findings, threshold):
        rule_id = rule_of(finding)
        if rule_id not in rules:
            rules[rule_id] = _rule(rule_id, finding)
        else:
            _widen(rules[rule_id], finding)
        artifact = _artifact(finding.get("file") or "", base, where)
        results.append(_result(finding, rule_id, list(rules).index(rule_id), artifact))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "devsecbots",
                "version": tool_version,
                "informationUri": INFORMATION_URI,
                "rules": list(rules.values()),
            }
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if base is not None:
        run["originalUriBaseIds"] = {ROOT_BASE_ID: {"uri": base.as_uri().rstrip("/") + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(rule_id: str, finding: Finding) -> dict[str, Any]:
    """A reportingDescriptor built from the first finding of a rule."""
    rule: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": finding["title"] or rule_id},
        "defaultConfiguration": {"level": _LEVEL[finding["severity"]]},
        "properties": {
            "tags": _tags(finding),
            "security-severity": _SECURITY_SEVERITY[finding["severity"]],
            "source": finding.get("source", ""),
        },
    }
    if finding.get("recommendation"):
        rule["help"] = {"text": finding["recommendation"]}
    return rule


def _widen(rule: dict[str, Any], finding: Finding) -> None:
    """Keep a rule's severity at its most severe finding and its tags complete."""
    if float(_SECURITY_SEVERITY[finding["severity"]]) > float(
        rule["properties"]["security-severity"]
    ):
        rule["properties"]["security-severity"] = _SECURITY_SEVERITY[finding["severity"]]
        rule["defaultConfiguration"]["level"] = _LEVEL[finding["severity"]]
    for tag in _tags(finding):
        if tag not in rule["properties"]["tags"]:
            rule["properties"]["tags"].append(tag)


def _tags(finding: Finding) -> list[str]:
    """'security' plus the GitHub-style CWE tag, e.g. external/cwe/cwe-89."""
    tags = ["security"]
    cwe = normalise_cwe(finding.get("cwe"))
    if cwe:
        tags.append(f"external/cwe/{cwe.lower()}")
    return tags


def _artifact(file: str, base: Path | None, source: Path | None) -> dict[str, Any]:
    """The artifactLocation of a finding's file: relative to %SRCROOT%, else absolute."""
    rel = file.replace("\\", "/").lstrip("/")
    if base is None or source is None:
        return {"uri": quote(rel, safe="/")}
    path = source.joinpath(*rel.split("/"))
    if path.is_relative_to(base):
        inside = path.relative_to(base).as_posix()
        return {"uri": quote(inside, safe="/"), "uriBaseId": ROOT_BASE_ID}
    return {"uri": path.as_uri()}


def _result(
    finding: ReportedFinding, rule_id: str, rule_index: int, artifact: dict[str, Any]
) -> dict[str, Any]:
    """One SARIF result for one reported finding (with `blocking` and `fingerprint`)."""
    levels = _LEVEL if finding["blocking"] else _NON_BLOCKING_LEVEL
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": levels[finding["severity"]],
        "message": {"text": _message(finding)},
        "properties": {
            "severity": finding["severity"],
            "cwe": finding.get("cwe", ""),
            "source": finding.get("source", ""),
            "sources": list(finding.get("sources") or [finding.get("source", "")]),
            "blocking": finding["blocking"],
            "confidence": finding["confidence"],
            "role": finding["role"],
            "exempt": finding["exempt"],
            "fingerprint": finding["fingerprint"],
        },
    }
    if finding.get("file"):
        result["locations"] = [_location(finding, artifact)]
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding["fingerprint"]}
    if finding.get("waiver"):
        result["suppressions"] = [
            {"kind": "inSource", "status": "accepted", "justification": finding["waiver"]}
        ]
    return result


def _message(finding: Finding) -> str:
    """Title, then the recommendation when it adds something."""
    text = finding["title"] or rule_of(finding)
    if finding.get("recommendation") and finding["recommendation"] not in text:
        text = f"{text}. {finding['recommendation']}"
    return text


def _location(finding: Finding, artifact: dict[str, Any]) -> dict[str, Any]:
    """physicalLocation with the file's URI and a 1-based line (1 for whole-file findings)."""
    region: dict[str, Any] = {"startLine": max(1, int(finding.get("line") or 0))}
    if finding.get("snippet"):
        region["snippet"] = {"text": finding["snippet"]}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}
