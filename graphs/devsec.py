"""The DevBot ⇄ SecBot state machine.

    START → develop → review → probe → approval_check ─┬→ develop      (changes requested)
                                                        ├→ human_review (approved, asked)
                                                        └→ END          (approved | stalled …)
    human_review ─┬→ develop   (a person rejected, with a comment, and rounds are left)
                  └→ END       (approved | stopped | rejected)

`probe` attacks the running app in the sandbox once the static checks are clean.

`build_graph()` is the factory (and the extension point); the module-level `graph` is compiled
without a checkpointer for LangGraph Studio / `langgraph dev`, which bring their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from devsecbots.graphs.context import Context
from devsecbots.graphs.state import DevSecState, InputState
from devsecbots.nodes.approval import approval_check, route_after_approval
from devsecbots.nodes.develop import develop
from devsecbots.nodes.human_review import human_review, route_after_human_review
from devsecbots.nodes.probe import probe
from devsecbots.nodes.review import review
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Checkpointer

NODES_PER_ROUND = 5  # develop, review, probe, approval_check and, when asked, human_review
BUILT_IN_NODES = ("develop", "review", "probe", "approval_check", "human_review")
_NODE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class ExtraNode:
    """A node of your own, run every round right after `after` ('review' or 'develop').

    `fn(state)` or `fn(state, runtime)` returns a partial state update, like any LangGraph node.
    After 'review' it sees SecBot's findings; the findings it returns are added to them and
    block approval by severity, like an analyser's. After 'develop' it sees DevBot's new files
    before SecBot does (e.g. a formatter); findings returned there are replaced by SecBot's.
    Several extra nodes after the same node run one after another, in the order given.
    """

    name: str
    fn: Callable[..., Any]
    after: Literal["develop", "review"] = "review"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NODE_NAME.fullmatch(self.name):
            raise ValueError(
                f"extra node name {self.name!r}: use letters, digits, '_' or '-' (up to 64), "
                "starting with a letter or '_'"
            )
        if not callable(self.fn):
            raise ValueError(f"extra node {self.name!r}: fn must be callable")
        if self.after not in ("develop", "review"):
            raise ValueError(f"extra node {self.name!r}: after must be 'develop' or 'review'")


def build_builder(
    extra_nodes: Sequence[ExtraNode] = (),
) -> StateGraph[DevSecState, Context, InputState, DevSecState]:
    """The uncompiled graph, with any extra nodes chained in after the node they name."""
    _check_names(extra_nodes)
    builder = StateGraph(DevSecState, context_schema=Context, input_schema=InputState)
    builder.add_node("develop", develop)
    builder.add_node("review", review)
    builder.add_node("probe", probe)
    builder.add_node("approval_check", approval_check)
    builder.add_node("human_review", human_review)
    for extra in extra_nodes:
        builder.add_node(extra.name, extra.fn)
    chain = [START, "develop"]
    chain += [e.name for e in extra_nodes if e.after == "develop"]
    chain += ["review"]
    chain += [e.name for e in extra_nodes if e.after == "review"]
    chain += ["probe", "approval_check"]
    for source, target in zip(chain, chain[1:], strict=False):
        builder.add_edge(source, target)
    builder.add_conditional_edges("approval_check", route_after_approval)
    builder.add_conditional_edges("human_review", route_after_human_review)
    return builder


def build_graph(
    checkpointer: Checkpointer = None,
    *,
    extra_nodes: Sequence[ExtraNode] = (),
    name: str = "devsecbots",
) -> CompiledStateGraph[DevSecState, Context, InputState, DevSecState]:
    """Compile the DevBot ⇄ SecBot graph, optionally with a checkpointer and extra nodes.

    Example — a reviewer of your own whose findings join SecBot's and count in the approval
    check (it runs after `review` and before `approval_check`, every round)::

        >>> from devsecbots.graphs.context import Context
        >>> from devsecbots.graphs.devsec import ExtraNode, build_graph
        >>> from devsecbots.graphs.state import make_finding
        >>> def todo_reviewer(state):
        ...     # Block any file that still says TODO.
        ...     return {"findings": [
        ...         make_finding(severity="medium", file=path, title="TODO left in the code",
        ...                      source="todo_reviewer")
        ...         for path, text in state["files"].items() if "TODO" in text]}
        >>> graph = build_graph(extra_nodes=[ExtraNode("todo_reviewer", todo_reviewer)])
        >>> final = graph.invoke({"files": {"app.py": "x = 1  # TODO\\n"}},
        ...                      context=Context(offline=True, analyzers=("bandit",), max_rounds=1))
        >>> [f["source"] for f in final["findings"]], final["history"][-1]["note"]
        (['todo_reviewer'], '1 finding(s) at or above medium remain')
    """
    return build_builder(extra_nodes).compile(checkpointer=checkpointer, name=name)


def _check_names(extra_nodes: Sequence[ExtraNode]) -> None:
    """Refuse extra nodes whose names clash with a node, a state key or each other."""
    taken = {*BUILT_IN_NODES, START, END}
    state_keys = DevSecState.__required_keys__ | DevSecState.__optional_keys__
    for extra in extra_nodes:
        if not isinstance(extra, ExtraNode):
            raise TypeError(f"extra_nodes takes ExtraNode(name, fn, after=...), not {extra!r}")
        if extra.name in taken:
            raise ValueError(f"a node named {extra.name!r} already exists")
        if extra.name in state_keys:
            raise ValueError(f"extra node name {extra.name!r} is a state key; choose another")
        taken.add(extra.name)


def recursion_limit(max_rounds: int, extra_nodes: int = 0) -> int:
    """A recursion limit that lets `max_rounds` complete and stops a runaway loop soon after."""
    return max_rounds * (NODES_PER_ROUND + extra_nodes) + 5


graph = build_graph()
