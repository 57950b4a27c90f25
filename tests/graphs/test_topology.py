"""graphs/topology.py describes the graph for the CLI's instant commands; it must say and draw
exactly what the compiled graph says and draws, so the two can never drift apart."""

from __future__ import annotations

import typing

from devsecbots.graphs import topology
from devsecbots.graphs.devsec import build_graph
from devsecbots.graphs.state import DevSecState


def test_the_mermaid_text_is_the_compiled_graphs() -> None:
    assert topology.draw_mermaid() == build_graph().get_graph().draw_mermaid()


def test_nodes_and_edges_are_the_compiled_graphs() -> None:
    drawn = build_graph().get_graph()
    assert tuple(drawn.nodes) == (topology.START, *topology.NODES, topology.END)
    plain = {(e.source, e.target) for e in drawn.edges if not e.conditional}
    branches = {(e.source, e.target) for e in drawn.edges if e.conditional}
    assert plain == set(topology.EDGES)
    assert branches == {(s, t) for s, targets in topology.BRANCHES.items() for t in targets}


def test_the_state_keys_are_the_states() -> None:
    hints = typing.get_type_hints(DevSecState, include_extras=True)
    assert topology.STATE_KEYS == set(hints)
    reducers = {key for key, hint in hints.items() if typing.get_origin(hint) is typing.Annotated}
    assert topology.LIST_REDUCER_KEYS == reducers
    for key in reducers:
        assert typing.get_origin(typing.get_args(hints[key])[0]) is list, key
