"""Human review through the graph API: `interrupt` in the human_review node, resumed by
`Command(resume=...)`."""

from __future__ import annotations

import json

import pytest
from devsecbots.graphs.context import Context
from devsecbots.graphs.devsec import build_graph
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from tests.story import SECURE_APP, SECURE_TEMPLATE, flask_upload_story, submission, verdict

pytestmark = pytest.mark.timeout(180)
CLEAN = {"calc.py": "def add(a, b):\n    return a + b\n"}
OFFLINE = Context(offline=True, human_review=True, analyzers=("bandit",), run_tests=False)


def _start(ctx: Context = OFFLINE, inputs: dict | None = None):
    graph = build_graph(InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    result = graph.invoke(inputs or {"request": "harden", "files": CLEAN}, config, context=ctx)
    return graph, config, result


def _pause(graph, config) -> dict:
    snapshot = graph.get_state(config)
    assert snapshot.next == ("human_review",) and len(snapshot.interrupts) == 1
    return snapshot.interrupts[0].value


def test_pauses_before_approving_and_shows_what_is_approved() -> None:
    graph, config, result = _start()
    assert "__interrupt__" in result
    # The checks' verdict is recorded; the run is not over until the person decides.
    assert result["status"] == "approved" and graph.get_state(config).next == ("human_review",)
    payload = _pause(graph, config)
    assert payload["kind"] == "human_review" and payload["round"] == 1
    assert payload["options"] == ["approve", "reject", "stop"]
    assert payload["files"] == ["calc.py"] and payload["diff"] == ""  # nothing changed yet
    assert "approved in round 1" in payload["reason"]
    json.dumps(payload)  # the server sends it as JSON


def test_approve() -> None:
    graph, config, _ = _start()
    final = graph.invoke(
        Command(resume={"decision": "approve", "comment": "ok"}), config, context=OFFLINE
    )
    assert final["status"] == "approved" and "approved by a person" in final["reason"]
    assert final["decisions"] == [{"round": 1, "decision": "approve", "comment": "ok"}]
    assert final["history"][-1]["note"].endswith("approved by a person: ok")
    assert graph.get_state(config).next == ()


def test_stop() -> None:
    graph, config, _ = _start()
    final = graph.invoke(Command(resume={"decision": "stop"}), config, context=OFFLINE)
    assert final["status"] == "stopped" and final["history"][-1]["verdict"] == "stopped"


def test_a_malformed_answer_asks_again() -> None:
    graph, config, _ = _start()
    graph.invoke(Command(resume="maybe later"), config, context=OFFLINE)
    assert "decision must be one of" in _pause(graph, config)["error"]
    graph.invoke(Command(resume={"decision": "reject"}), config, context=OFFLINE)
    assert "needs a comment" in _pause(graph, config)["error"]
    final = graph.invoke(Command(resume="approve"), config, context=OFFLINE)  # a bare word works
    assert final["status"] == "approved"


def test_offline_reject_ends_rejected_with_the_comment_as_a_human_finding() -> None:
    graph, config, _ = _start()
    final = graph.invoke(
        Command(resume={"decision": "reject", "comment": "Add input checks"}),
        config,
        context=OFFLINE,
    )
    assert final["status"] == "rejected" and "cannot act on comments" in final["reason"]
    human = [f for f in final["findings"] if f["source"] == "human"]
    assert len(human) == 1 and human[0]["recommendation"] == "Add input checks"


def test_reject_sends_the_comment_to_devbot_and_the_loop_goes_on(fake_openai) -> None:
    story = flask_upload_story()
    revised = SECURE_APP.replace('UPLOAD_FOLDER = "uploads"', 'UPLOAD_FOLDER = "/srv/uploads"')
    fake_openai.script("dev-model", [*story["dev-model"], submission(revised, SECURE_TEMPLATE)])
    fake_openai.script("sec-model", [*story["sec-model"], verdict("approved")])
    ctx = Context(
        dev_model="dev-model",
        sec_model="sec-model",
        base_url=fake_openai.base_url,
        human_review=True,
        run_tests=False,
        analyzers=("bandit",),
    )
    graph, config, _ = _start(ctx, {"request": "a Flask app for file upload"})
    assert _pause(graph, config)["round"] == 3
    assert '+app.config["SECRET_KEY"]' in _pause(graph, config)["diff"]  # vs. no input: all new
    graph.invoke(
        Command(
            resume={"decision": "reject", "comment": "Keep uploads out of the working directory"}
        ),
        config,
        context=ctx,
    )
    payload = _pause(graph, config)
    assert payload["round"] == 4  # DevBot went round again, and the checks approve again
    prompt = json.dumps(fake_openai.requests[-2].messages)  # DevBot's round-4 request
    assert fake_openai.requests[-2].model == "dev-model"
    assert "Keep uploads out of the working directory" in prompt
    final = graph.invoke(Command(resume={"decision": "approve"}), config, context=ctx)
    assert final["status"] == "approved" and final["round"] == 4
    assert final["files"]["app.py"] == revised
    assert [d["decision"] for d in final["decisions"]] == ["reject", "approve"]
    assert [r["verdict"] for r in final["history"]][-2:] == ["changes_requested", "approved"]
