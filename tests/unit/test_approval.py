"""approval_check and its router: approve, continue, max rounds, stall, rollback, budget."""

from devsecbots.nodes.approval import approval_check, route_after_approval
from langgraph.types import Overwrite

from tests.unit.helpers import bandit, runtime, verdict


def state(**values):
    base = {
        "round": 2,
        "files": {"app.py": "x = 1\n"},
        "changed": ["app.py"],
        "findings": [],
        "verdict": verdict(),
        "history": [],
        "usage": [],
    }
    return {**base, **values}


def test_approves_when_nothing_blocks_and_reviewer_approved() -> None:
    update = approval_check(state(verdict=verdict("approved", "approved")), runtime(offline=False))
    assert update["status"] == "approved"
    assert route_after_approval({**update}, runtime()) == "__end__"
    # With human review on, an approval goes to a person first; nothing else does.
    assert route_after_approval(update, runtime(human_review=True)) == "human_review"
    assert route_after_approval({"status": "running"}, runtime(human_review=True)) == "develop"
    assert route_after_approval({"status": "stalled"}, runtime(human_review=True)) == "__end__"


def test_reviewer_approval_refused_while_analyzer_finding_stands() -> None:
    update = approval_check(
        state(findings=[bandit()], verdict=verdict("changes_requested", "approved")),
        runtime(offline=False),
    )
    assert update["status"] == "running"
    assert route_after_approval(update, runtime()) == "develop"
    assert update["history"][0]["verdict"] == "changes_requested"


def test_max_rounds_ends_the_run() -> None:
    update = approval_check(
        state(round=4, findings=[bandit()]), runtime(max_rounds=4, offline=False)
    )
    assert update["status"] == "max_rounds" and route_after_approval(update, runtime()) == "__end__"


def test_round_that_changes_nothing_stalls() -> None:
    update = approval_check(state(changed=[], findings=[bandit()]), runtime(offline=False))
    assert update["status"] == "stalled" and "changed no file" in update["reason"]


def test_no_progress_for_n_rounds_stalls() -> None:
    history = [{"round": r, "verdict": "changes_requested", "blocking": 1} for r in (1, 2)]
    update = approval_check(
        state(round=3, findings=[bandit()], history=history), runtime(offline=False, max_rounds=9)
    )
    assert update["status"] == "stalled" and "no fewer blocking" in update["reason"]


def test_round_that_breaks_a_check_is_rolled_back() -> None:
    snapshot = {
        "files": {"app.py": "good = 1\n"},
        "findings": [bandit("B201")],
        "verdict": verdict(),
    }
    update = approval_check(
        state(
            files={"app.py": "bad = 1\n"},
            findings=[bandit("B201"), bandit("B104", "medium")],
            snapshot=snapshot,
            attempted_keys=["k"],
        ),
        runtime(offline=False),
    )
    assert update["files"] == {"app.py": "good = 1\n"}
    assert isinstance(update["findings"], Overwrite)
    assert update["findings"].value[-1]["rule_id"] == "rolled-back"
    assert update["history"][0]["verdict"] == "rolled_back"
    assert "new blocking" in update["history"][0]["note"]
    assert update["declined_keys"] == ["k"]
    assert update["status"] == "running"


def test_token_budget_ends_the_run() -> None:
    usage = [
        {"round": 1, "node": "develop", "model": "m", "input_tokens": 900, "output_tokens": 200}
    ]
    update = approval_check(
        state(findings=[bandit()], usage=usage), runtime(offline=False, max_tokens_budget=1000)
    )
    assert update["status"] == "budget_exhausted"
