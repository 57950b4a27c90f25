"""The DevBot ⇄ SecBot state machine.

    START → develop → review → approval_check ─┬→ develop   (changes requested, rounds left)
                                                └→ END       (approved | max rounds | stalled)

`build_graph()` is the factory (and the extension point); the module-level `graph` is compiled
without a checkpointer for LangGraph Studio / `langgraph dev`, which bring their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Checkpointer

from graphs.context import Context
from graphs.state import DevSecState, InputState
from nodes.approval import approval_check, route_after_approval
from nodes.develop import develop
from nodes.review import review

NODES_PER_ROUND = 3


@dataclass(frozen=True)
class ExtraNode:
    """A node of your own, run every round right after `after` ('develop' or 'review')."""

    name: str
    fn: Callable[..., Any]
    after: Literal["develop", "review"] = "review"


def build_builder(extra_nodes: Sequence[ExtraNode] = ()) -> StateGraph:
    """The uncompiled graph, with any extra nodes chained in after the node they name.

    Example — a reviewer whose findings join SecBot's and count in the approval check::

        def secrets_scanner(state):
            return {"findings": [make_finding(severity="high", file="app.py", ...)]}

        graph = build_graph(extra_nodes=[ExtraNode("secrets_scanner", secrets_scanner)])
    """
    builder = StateGraph(DevSecState, context_schema=Context, input_schema=InputState)
    builder.add_node("develop", develop)
    builder.add_node("review", review)
    builder.add_node("approval_check", approval_check)
    names = {"develop", "review", "approval_check"}
    for extra in extra_nodes:
        if extra.name in names or extra.name in (START, END):
            raise ValueError(f"a node named {extra.name!r} already exists")
        if extra.after not in ("develop", "review"):
            raise ValueError(f"extra node {extra.name!r}: after must be 'develop' or 'review'")
        names.add(extra.name)
        builder.add_node(extra.name, extra.fn)
    chain = [START, "develop"]
    chain += [e.name for e in extra_nodes if e.after == "develop"]
    chain += ["review"]
    chain += [e.name for e in extra_nodes if e.after == "review"]
    chain += ["approval_check"]
    for source, target in zip(chain, chain[1:]):
        builder.add_edge(source, target)
    builder.add_conditional_edges("approval_check", route_after_approval)
    return builder


def build_graph(
    checkpointer: Checkpointer = None,
    *,
    extra_nodes: Sequence[ExtraNode] = (),
    name: str = "devsecbots",
) -> CompiledStateGraph:
    """Compile the DevBot ⇄ SecBot graph, optionally with a checkpointer and extra nodes."""
    return build_builder(extra_nodes).compile(checkpointer=checkpointer, name=name)


def recursion_limit(max_rounds: int, extra_nodes: int = 0) -> int:
    """A recursion limit that lets `max_rounds` complete and stops a runaway loop soon after."""
    return max_rounds * (NODES_PER_ROUND + extra_nodes) + 5


graph = build_graph()
