"""The extension point: extra nodes plugged into build_graph(...) without rewiring the package."""

from __future__ import annotations

import doctest
import itertools

import devsecbots.graphs.devsec as devsec_module
import pytest
from devsecbots.graphs.context import Context
from devsecbots.graphs.devsec import ExtraNode, build_graph, recursion_limit
from devsecbots.graphs.state import make_finding

CLEAN = {"app.py": "def add(a, b):\n    return a + b\n"}


def edges(graph) -> set[tuple[str, str]]:
    """The drawn graph's edges as (source, target) pairs."""
    return {(e.source, e.target) for e in graph.get_graph().edges}


def reviewer(severity: str = "medium", name: str = "dep_reviewer", calls: list | None = None):
    """An extra reviewer that reports one finding on app.py every round (and logs the round)."""

    def node(state):
        if calls is not None:
            calls.append(state.get("round"))
        return {
            "findings": [
                make_finding(
                    severity=severity,
                    file="app.py",
                    source=name,
                    rule_id=f"{name}-1",
                    title=f"{name} says no",
                )
            ]
        }

    return node


def offline(**settings) -> Context:
    return Context(offline=True, analyzers=("bandit",), **settings)


def with_model(server, **settings) -> Context:
    return Context(
        dev_model="dev",
        sec_model="sec",
        base_url=server.base_url,
        analyzers=("bandit",),
        offline=False,
        stall_rounds=9,
        **settings,
    )


def script_always_revising(server, sec_status: str = "changes_requested") -> None:
    """DevBot changes app.py every round; SecBot answers `sec_status` every round."""
    counter = itertools.count(1)
    server.default(
        "dev",
        lambda body: {
            "summary": "revised",
            "files": [
                {"path": "app.py", "content": f"{CLEAN['app.py']}VERSION = {next(counter)}\n"}
            ],
        },
    )
    server.default("sec", {"status": sec_status, "summary": sec_status, "findings": []})


# --------------------------------------------------------------------------- graph structure


def test_reviewer_is_chained_between_review_and_the_probe_stage() -> None:
    graph = build_graph(extra_nodes=[ExtraNode("dep_reviewer", reviewer())])
    found = edges(graph)
    assert {("review", "dep_reviewer"), ("dep_reviewer", "probe")} <= found
    assert ("probe", "approval_check") in found
    assert ("review", "probe") not in found
    assert {("approval_check", "develop"), ("approval_check", "__end__")} <= found
    assert {("approval_check", "human_review"), ("human_review", "develop")} <= found
    assert "dep_reviewer" in graph.get_graph().draw_mermaid()


def test_nodes_after_develop_and_several_after_review_keep_their_order() -> None:
    graph = build_graph(
        extra_nodes=[
            ExtraNode("first", reviewer()),
            ExtraNode("fmt", lambda s: {}, after="develop"),
            ExtraNode("second", reviewer()),
        ]
    )
    found = edges(graph)
    assert {
        ("develop", "fmt"),
        ("fmt", "review"),
        ("review", "first"),
        ("first", "second"),
        ("second", "probe"),
    } <= found
    assert ("develop", "review") not in found and ("review", "second") not in found


def test_without_extra_nodes_the_graph_is_the_package_graph() -> None:
    assert edges(build_graph()) == edges(devsec_module.graph)
    assert {("review", "probe"), ("probe", "approval_check")} <= edges(build_graph())


# --------------------------------------------------------------------------- behaviour


def test_extra_reviewer_runs_every_round_and_its_findings_do_not_pile_up(fake_openai) -> None:
    script_always_revising(fake_openai)
    calls: list = []
    graph = build_graph(extra_nodes=[ExtraNode("dep_reviewer", reviewer(calls=calls))])
    final = graph.invoke(
        {"files": dict(CLEAN)},
        {"recursion_limit": recursion_limit(3, 1)},
        context=with_model(fake_openai, max_rounds=3),
    )
    assert calls == [1, 2, 3]
    assert final["status"] == "max_rounds" and final["round"] == 3
    # SecBot's review replaces the findings each round, so one round's finding remains, not three.
    assert [f["source"] for f in final["findings"]] == ["dep_reviewer"]
    assert [r["blocking"] for r in final["history"]] == [2, 2, 2]  # the finding + reviewer's "no"


def test_extra_findings_join_secbots_and_block_its_approval(fake_openai) -> None:
    fake_openai.default(
        "sec",
        {
            "status": "approved",
            "summary": "fine",
            "findings": [{"severity": "low", "file": "app.py", "title": "style nit"}],
        },
    )
    plain = build_graph().invoke(
        {"files": dict(CLEAN)}, context=with_model(fake_openai, max_rounds=1)
    )
    assert plain["status"] == "approved"

    graph = build_graph(extra_nodes=[ExtraNode("dep_reviewer", reviewer("high"))])
    final = graph.invoke({"files": dict(CLEAN)}, context=with_model(fake_openai, max_rounds=1))
    assert final["status"] == "max_rounds"
    assert sorted(f["source"] for f in final["findings"]) == ["dep_reviewer", "llm"]
    assert final["verdict"]["reviewer_status"] == "approved"  # overruled by the extra finding
    assert final["history"][-1]["note"] == "1 finding(s) at or above medium remain"


def test_extra_findings_below_the_blocking_severity_do_not_block() -> None:
    low = build_graph(extra_nodes=[ExtraNode("dep_reviewer", reviewer("low"))])
    final = low.invoke({"files": dict(CLEAN)}, context=offline(max_rounds=1))
    assert final["status"] == "approved"
    assert [f["source"] for f in final["findings"]] == ["dep_reviewer"]

    strict = low.invoke(
        {"files": dict(CLEAN)}, context=offline(max_rounds=1, blocking_severity="low")
    )
    assert strict["status"] == "max_rounds"


def test_extra_reviewer_sees_secbots_findings() -> None:
    seen: list = []
    graph = build_graph(
        extra_nodes=[ExtraNode("spy", lambda state: seen.append(list(state["findings"])) or {})]
    )
    final = graph.invoke(
        {"files": {"app.py": "import pickle\npickle.loads(b'')\n"}}, context=offline(max_rounds=1)
    )
    assert seen and {f["source"] for f in seen[0]} == {"bandit"}
    assert seen[0] == final["findings"]


def test_node_after_develop_changes_what_secbot_reviews() -> None:
    def pin_host(state):
        files = dict(state["files"])
        files["app.py"] = files["app.py"].replace('"0.0.0.0"', '"127.0.0.1"')
        return {"files": files}

    source = {"app.py": 'import socket\nsocket.socket().bind(("0.0.0.0", 80))\n'}
    before = build_graph().invoke({"files": dict(source)}, context=offline(max_rounds=1))
    assert any(f["rule_id"] == "B104" for f in before["findings"])
    graph = build_graph(extra_nodes=[ExtraNode("pin_host", pin_host, after="develop")])
    final = graph.invoke({"files": dict(source)}, context=offline(max_rounds=1))
    assert '"127.0.0.1"' in final["files"]["app.py"]
    assert not any(f["rule_id"] == "B104" for f in final["findings"])
    assert final["status"] == "approved"


def test_findings_returned_before_review_are_replaced_by_secbots() -> None:
    graph = build_graph(extra_nodes=[ExtraNode("early", reviewer("high"), after="develop")])
    final = graph.invoke({"files": dict(CLEAN)}, context=offline(max_rounds=1))
    assert final["findings"] == [] and final["status"] == "approved"


def test_docstring_example_runs() -> None:
    result = doctest.testmod(devsec_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


# --------------------------------------------------------------------------- bad input refused


@pytest.mark.parametrize(
    "name", ["develop", "review", "approval_check", "human_review", "__start__", "__end__"]
)
def test_names_of_existing_nodes_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="already exists"):
        build_graph(extra_nodes=[ExtraNode(name, reviewer())])


def test_duplicate_extra_names_are_refused() -> None:
    with pytest.raises(ValueError, match="'twice' already exists"):
        build_graph(extra_nodes=[ExtraNode("twice", reviewer()), ExtraNode("twice", reviewer())])


@pytest.mark.parametrize("name", ["findings", "files", "status"])
def test_state_keys_are_refused_as_names(name: str) -> None:
    with pytest.raises(ValueError, match="is a state key"):
        build_graph(extra_nodes=[ExtraNode(name, reviewer())])


@pytest.mark.parametrize("name", ["", "a:b", "a|b", "has space", "9lives", "x" * 65, "é", None])
def test_malformed_names_are_refused(name) -> None:
    with pytest.raises(ValueError, match="extra node name"):
        ExtraNode(name, reviewer())


def test_bad_position_and_fn_are_refused() -> None:
    with pytest.raises(ValueError, match="after must be 'develop' or 'review'"):
        ExtraNode("late", reviewer(), after="approval_check")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fn must be callable"):
        ExtraNode("broken", "not a function")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes ExtraNode"):
        build_graph(extra_nodes=[reviewer()])  # type: ignore[list-item]
