"""The probe stage: start the app in the sandbox, attack it with its framework's test client, and
turn each failed attack into a blocking finding with evidence (source `probe`)."""

from __future__ import annotations

import secrets
from pathlib import Path

from devsecbots.graphs.context import Context, context_of
from devsecbots.graphs.state import DevSecState
from devsecbots.nodes.policy import gate, stamped
from devsecbots.nodes.probe.catalogue import probe_finding
from devsecbots.nodes.probe.environment import app_interpreter
from devsecbots.nodes.probe.locate import locate_app
from devsecbots.nodes.probe.report import ProbeReport, clean, not_probed, read_results
from devsecbots.nodes.sandbox.program import run_script
from devsecbots.nodes.sandbox.runner import SandboxUnavailable
from langgraph.runtime import Runtime

INSIDE = Path(__file__).resolve().parent / "inside"


def probe(state: DevSecState, runtime: Runtime[Context]) -> dict:
    """Graph node: attack the app once the static checks are clean; add findings for failures."""
    ctx = context_of(runtime)
    if not ctx.probe:
        return {"probe_report": not_probed("turned off (--no-probe)", status="off")}
    verdict = state.get("verdict")
    reviewer = verdict.get("reviewer_status", "") if verdict else ""
    findings = list(state.get("findings") or [])
    blocking = gate(findings, reviewer, ctx.blocking_severity).blocking
    if blocking:
        return {
            "probe_report": not_probed("static findings still block; probed once they are fixed")
        }
    report, failed_findings = run_probes(state.get("files") or {}, ctx)
    failed = stamped(failed_findings, ctx.blocking_severity, earlier=findings)
    return {"probe_report": report, "findings": failed}


def run_probes(files: dict[str, str], ctx: Context) -> tuple[ProbeReport, list]:
    """Locate the app, find its environment, attack it in the sandbox; (report, findings)."""
    site = locate_app(files)
    if site.why_not:
        return not_probed(site.why_not), []
    python, environment = app_interpreter(files, ctx)
    if python is None:
        return not_probed(environment), []
    config = {
        "token": secrets.token_hex(8),
        "framework": site.framework,
        "module": site.module,
        "root": site.root,
        "attribute": site.attribute,
        "placeholders": list(site.placeholders),
        "sources": sorted(p for p in files if p.endswith(".py")),
    }
    try:
        run = run_script(files, INSIDE, "run.py", config, python=python, timeout=ctx.probe_timeout)
    except (SandboxUnavailable, OSError) as failure:
        return not_probed(f"no sandbox for the app: {failure}", environment=environment), []
    result = run.result if isinstance(run.result, dict) else None
    if run.timed_out:
        why = f"the app did not finish its probes within {ctx.probe_timeout:g}s"
        return not_probed(why, environment=environment), []
    if result is None:
        tail = clean(run.output.strip().splitlines()[-1] if run.output.strip() else "")
        why = f"the probe script wrote no result (exit {run.exit_code})"
        why += f": {tail[:200]}" if tail else ""
        return not_probed(why, environment=environment), []
    if not result.get("loaded"):
        error = clean(str(result.get("error") or "unknown error"))[:300]
        return not_probed(f"the app did not start: {error}", environment=environment), []
    results = read_results(result.get("results"))
    report = ProbeReport(
        status="probed",
        reason="",
        environment=environment,
        isolation=list(run.isolation),
        results=results,
        seconds=run.duration,
    )
    failed = [
        probe_finding(r["id"], r["evidence"], site.file) for r in results if r["status"] == "failed"
    ]
    return report, failed
