"""DevBot: writes the program, then revises it against SecBot's open findings.

With a model it asks for a structured DevSubmission; offline it applies deterministic codemods.
Either way the prompt (or the codemods) see only the request, the current files and the open
findings — never the transcript — so the cost of a round stays flat as rounds go by.
"""

from __future__ import annotations

from devsecbots.graphs.context import Context, context_of
from devsecbots.graphs.state import DevSecState, DevSubmission, Finding
from devsecbots.nodes.errors import ModelConfigError, WallTimeExceeded
from devsecbots.nodes.fencing import defang, fence_files, findings_as_text
from devsecbots.nodes.frameworks import layout_guide
from devsecbots.nodes.llm import ask_structured, time_limit_update
from devsecbots.nodes.policy import finding_key, is_blocking
from devsecbots.nodes.roles import APP
from devsecbots.nodes.roles import ROLES as ALL_ROLES
from langgraph.runtime import Runtime

from devsecbots import prompts


def develop(state: DevSecState, runtime: Runtime[Context]) -> dict:
    """Graph node: one DevBot round."""
    ctx = context_of(runtime)
    round_no = state.get("round", 0) + 1
    files = dict(state.get("files") or {})
    if round_no == 1 and files:
        return {
            "round": 1,
            "files": files,
            "input_files": files,
            "changed": sorted(files),
            "notes": [f"started from the {len(files)} file(s) given"],
        }
    if ctx.is_offline():
        return _revise_offline(state, ctx, round_no, files)
    return _write_with_model(state, ctx, round_no, files)


def open_findings(state: DevSecState) -> list[Finding]:
    """Findings DevBot should work on: everything not waived."""
    return [f for f in state.get("findings") or [] if not f["waiver"]]


def _revise_offline(state: DevSecState, ctx: Context, round_no: int, files: dict[str, str]) -> dict:
    if not files:
        raise ModelConfigError(
            "offline DevBot only fixes existing code: give it files (devsecbots harden PATH) "
            "or configure a model (--model / --base-url)"
        )
    from devsecbots.nodes import autofix  # libcst: loaded when an offline round needs it

    declined = set(state.get("declined_keys") or [])
    # Only what blocks: a codemod run for a finding the gate does not count (low severity, low
    # confidence, test code) changes code nobody asked to change.
    outcome = autofix.apply_fixes(
        files,
        [
            f
            for f in open_findings(state)
            if is_blocking(f, ctx.blocking_severity) and finding_key(f) not in declined
        ],
        edit_roles=ALL_ROLES if ctx.block_tests else (APP,),
    )
    return {
        "round": round_no,
        "files": outcome.files,
        "changed": outcome.changed,
        "attempted_keys": sorted({finding_key(f) for f in outcome.fixed}),
        "unfixable_findings": outcome.unfixable,
        "notes": outcome.notes or ["no automatic fix applies to the open findings"],
    }


def _write_with_model(
    state: DevSecState, ctx: Context, round_no: int, files: dict[str, str]
) -> dict:
    request = defang(state.get("request") or "")
    if not files:
        task = prompts.render("devbot_write", request=request, layout=layout_guide(request))
    else:
        task = prompts.render(
            "devbot_revise",
            request=request or "(not stated: harden the given code)",
            files=fence_files(files),
            round=str(round_no - 1),
            findings=findings_as_text(open_findings(state)),
            layout=layout_guide(request, files),
        )
    try:
        submission, usage = ask_structured(
            ctx,
            "dev",
            DevSubmission,
            prompts.load("devbot_system"),
            task,
            round_no=round_no,
            node="develop",
        )
    except WallTimeExceeded as out_of_time:
        return {"round": round_no, "changed": [], **time_limit_update(out_of_time, "DevBot")}
    changed = sorted(f.path for f in submission.files if files.get(f.path) != f.content)
    merged = {**files, **{f.path: f.content for f in submission.files}}
    return {
        "round": round_no,
        "files": merged,
        "changed": changed,
        "notes": [submission.summary] if submission.summary else [],
        "usage": usage,
    }
