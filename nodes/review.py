"""SecBot's graph node: one review pass (nodes/review_pass.py) per round, published to the state."""

from __future__ import annotations

from devsecbots.graphs.context import Context, context_of
from devsecbots.graphs.state import DevSecState
from devsecbots.nodes.errors import WallTimeExceeded
from devsecbots.nodes.llm import time_limit_update
from devsecbots.nodes.review_pass import ReviewOutcome, review_files
from langgraph.runtime import Runtime
from langgraph.types import Overwrite

__all__ = ["ReviewOutcome", "review", "review_files"]


def review(state: DevSecState, runtime: Runtime[Context]) -> dict:
    """Graph node: review the current files and publish this round's verdict and findings."""
    ctx = context_of(runtime)
    if state.get("status") == "time_limit":  # DevBot's call ran out of time: nothing to review
        return {}
    try:
        outcome = review_files(
            state.get("files") or {},
            ctx,
            request=state.get("request", ""),
            round_no=state.get("round", 1),
            trusted=state.get("input_files") or {},
        )
    except WallTimeExceeded as out_of_time:
        return time_limit_update(out_of_time, "SecBot")
    return {
        "verdict": outcome.verdict,
        "findings": Overwrite(list(outcome.verdict["findings"])),
        "usage": outcome.usage,
    }
