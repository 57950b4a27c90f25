"""`--audit-deps`: pip-audit over the pinned requirements; known-vulnerable versions block.

pip-audit asks the OSV service (DEVSECBOTS_OSV_URL, default OSV's own API) about every pinned
`name==version`; it needs the network. When it cannot run, nothing blocks and the report says
"dependencies not audited: <why>".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from devsecbots.graphs.state import Finding, make_finding
from devsecbots.nodes.analyzers.requirements import (
    dependency_advice,
    parse_requirements,
    requirement_files,
)

SOURCE = "pip-audit"
OSV_URL = "https://api.osv.dev/v1/query"
TIMEOUT = 120.0
_SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD")
_CACHE: dict[str, AuditResult] = {}


@dataclass
class AuditResult:
    """Blocking findings for known-vulnerable pins, and what could not be audited."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "dependencies not audited: ..." and co.


def dependency_review(files: dict[str, str], audit: bool) -> tuple[list[str], list[Finding]]:
    """(advice, blocking findings): hygiene advice always, pip-audit's results when asked."""
    if not audit:
        return dependency_advice(files), []
    result = audit_dependencies(files)
    return [*dependency_advice(files, audited=True), *result.notes], result.findings


def find_pip_audit() -> str | None:
    """The pip-audit executable: beside this interpreter first, then on PATH."""
    beside = Path(sys.executable).with_name("pip-audit")
    return str(beside) if beside.exists() else shutil.which("pip-audit")


def audit_dependencies(
    files: dict[str, str], *, osv_url: str | None = None, timeout: float = TIMEOUT
) -> AuditResult:
    """Audit every requirements file's pinned versions; results cached by content."""
    url = osv_url or os.environ.get("DEVSECBOTS_OSV_URL") or OSV_URL
    paths = requirement_files(files)
    key = hashlib.sha256(
        json.dumps([url, [(p, files[p]) for p in paths]]).encode("utf-8")
    ).hexdigest()
    if key not in _CACHE:
        _CACHE[key] = _audit(files, paths, url, timeout)
    cached = _CACHE[key]
    return AuditResult(findings=[dict(f) for f in cached.findings], notes=list(cached.notes))  # type: ignore[misc]


def _audit(files: dict[str, str], paths: list[str], url: str, timeout: float) -> AuditResult:
    result = AuditResult()
    if not paths:
        result.notes.append("dependencies not audited: no requirements.txt")
        return result
    executable = find_pip_audit()
    if executable is None:
        result.notes.append(
            "dependencies not audited: pip-audit is not installed (pip install 'devsecbots[audit]')"
        )
        return result
    for path in paths:
        requirements = parse_requirements(files[path])
        pinned = [r for r in requirements if r.pinned]
        loose = [r.name for r in requirements if not r.pinned]
        if loose:
            result.notes.append(
                f"dependencies not audited: {path}: {', '.join(loose)} not pinned (==)"
            )
        if not pinned:
            continue
        report, why = _run(executable, pinned, url, timeout)
        if report is None:
            result.notes.append(f"dependencies not audited: {path}: {why}")
            continue
        lines = {r.name.lower().replace("_", "-"): r.line for r in pinned}
        result.findings.extend(_findings(path, report, lines))
        result.notes.append(f"dependencies audited: {path}: {len(pinned)} pinned with pip-audit")
    return result


def _run(executable: str, pinned: list, url: str, timeout: float) -> tuple[dict | None, str]:
    """pip-audit's JSON report, or None and why it is missing."""
    with tempfile.TemporaryDirectory(prefix="devsecbots-audit-") as tmp:
        listed = Path(tmp, "requirements.txt")
        listed.write_text("".join(f"{r.name}{r.spec.split(';')[0]}\n" for r in pinned))
        command = [
            executable,
            "--requirement",
            str(listed),
            "--no-deps",
            "--disable-pip",
            "--vulnerability-service",
            "osv",
            "--osv-url",
            url,
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--timeout",
            str(int(max(1, timeout // 4))),
            "--cache-dir",
            str(Path(tmp, "cache")),
        ]
        env = {
            k: v for k, v in os.environ.items() if not any(w in k.upper() for w in _SECRET_WORDS)
        }
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
                cwd=tmp,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None, f"pip-audit took longer than {timeout:g}s"
        except OSError as err:
            return None, f"pip-audit could not start ({err.strerror or err})"
    try:
        report = json.loads(done.stdout)
        if not isinstance(report, dict) or not isinstance(report.get("dependencies"), list):
            raise ValueError("no dependency list")
    except ValueError:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        last = lines[-1].strip() if lines else f"exit code {done.returncode}"
        return None, f"pip-audit failed (no network?): {last[:200]}"
    return report, ""


def _findings(path: str, report: dict, lines: dict[str, int]) -> list[Finding]:
    found = []
    for dependency in report["dependencies"]:
        name = str(dependency.get("name", ""))
        version = str(dependency.get("version", ""))
        for vuln in dependency.get("vulns") or []:
            ident = str(vuln.get("id", "")) or "unknown"
            aliases = [str(a) for a in vuln.get("aliases") or [] if a != ident]
            fixes = [str(v) for v in vuln.get("fix_versions") or []]
            also = f" ({', '.join(aliases[:3])})" if aliases else ""
            upgrade = (
                f"Upgrade {name} to {fixes[0]} or later and pin it."
                if fixes
                else f"No fixed {name} release is known: replace it or remove the dependency."
            )
            found.append(
                make_finding(
                    severity="high",
                    cwe="CWE-1395",
                    file=path,
                    line=lines.get(name.lower().replace("_", "-"), 0),
                    source=SOURCE,
                    rule_id=ident,
                    title=f"{name}=={version} has a known vulnerability {ident}{also}",
                    recommendation=upgrade
                    + (
                        f" {str(vuln.get('description', ''))[:300]}"
                        if vuln.get("description")
                        else ""
                    ),
                    snippet=f"{name}=={version}",
                )
            )
    return found
