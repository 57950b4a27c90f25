"""Answering a paused human review re-runs nothing but the human_review node.

The approval check (with its sandboxed run of the input's own tests) finished before the pause
and is not repeated on resume, so a flaky test cannot undo a person's answer.
"""

from __future__ import annotations

import sys
import time

import pytest
from devsecbots.graphs.context import Context
from devsecbots.graphs.devsec import build_graph
from devsecbots.nodes.sandbox import check as sandbox_check
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from tests.sandbox.test_run import CALC, CALC_TESTS

pytestmark = pytest.mark.timeout(300)
CONFIG = {"configurable": {"thread_id": "t"}}
DEBUG_APP = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"


def _offline(**settings) -> Context:
    return Context(
        offline=True,
        human_review=True,
        analyzers=("bandit",),
        tests_python=sys.executable,  # the input has no requirements: its tests run with ours
        **settings,
    )


@pytest.fixture
def sandbox_runs(monkeypatch) -> list[int]:
    """Counts the input's test runs in the sandbox (each run still happens for real)."""
    runs: list[int] = []
    real = sandbox_check.run_project_tests

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sandbox_check, "run_project_tests", counted)
    return runs


def _resume(graph, decision: dict, ctx: Context) -> list[str]:
    """Answer the pause; return the nodes that ran, in order."""
    chunks = graph.stream(Command(resume=decision), CONFIG, context=ctx, stream_mode="updates")
    return [node for chunk in chunks for node in chunk]


def test_a_decision_does_not_run_the_tests_again(sandbox_runs: list[int]) -> None:
    ctx = _offline()
    graph = build_graph(InMemorySaver())
    graph.invoke(
        {"files": {"calc.py": CALC, "tests/test_calc.py": CALC_TESTS}}, CONFIG, context=ctx
    )
    assert graph.get_state(CONFIG).next == ("human_review",)
    assert len(sandbox_runs) == 1  # the baseline, in round 1's approval check

    assert _resume(graph, {"decision": "approve", "comment": "ok"}, ctx) == ["human_review"]
    assert len(sandbox_runs) == 1
    final = graph.get_state(CONFIG).values
    assert final["status"] == "approved" and final["decisions"][0]["decision"] == "approve"
    note = final["history"][-1]["note"]  # the approval check's record, amended by the person
    assert "tests: 2 passed" in note and note.endswith("approved by a person: ok")
    assert len(final["history"]) == 1


def _pause_before(deadline: float, ctx: Context):
    """Start a run whose input test passes until `deadline`; the graph, paused in round 2."""
    clock_test = (
        f"import time\n\n\ndef test_before_the_deadline():\n    assert time.time() < {deadline!r}\n"
    )
    graph = build_graph(InMemorySaver())
    graph.invoke({"files": {"app.py": DEBUG_APP, "test_clock.py": clock_test}}, CONFIG, context=ctx)
    return graph


@pytest.mark.slow
def test_a_test_that_turns_red_after_the_pause_cannot_undo_the_answer() -> None:
    """The input's test passes until a moment that falls while the run waits for the person.

    Before human review had its own node, resuming re-ran the approval check: the test failed,
    the round was rolled back and the person's "approve" was lost.
    """
    ctx = _offline()
    for margin in (20.0, 40.0, 80.0):  # two rounds, two sandbox runs; longer on a busy machine
        deadline = time.time() + margin
        graph = _pause_before(deadline, ctx)
        if time.time() < deadline:
            break
    paused = graph.get_state(CONFIG)
    assert time.time() < deadline, "two rounds took longer than 80 s"
    assert paused.next == ("human_review",) and paused.values["round"] == 2
    assert "tests: 1 passed" in paused.values["history"][-1]["note"]

    time.sleep(deadline - time.time() + 0.5)  # the input's test now fails if run again
    assert _resume(graph, {"decision": "approve"}, ctx) == ["human_review"]
    final = graph.get_state(CONFIG).values
    assert final["status"] == "approved" and "approved by a person" in final["reason"]
    assert [r["verdict"] for r in final["history"]] == ["changes_requested", "approved"]
