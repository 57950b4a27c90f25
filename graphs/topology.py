"""The graph's shape as plain data: node names, edges, state keys — no LangGraph import.

The CLI's instant commands (`graph --format mermaid`, `runs`, `history`) read this instead of
compiling the graph, which would import every node and with them the models and analysers.
`devsec.build_builder` is the truth; tests/graphs/test_topology.py checks that this description
and the Mermaid text drawn from it equal what the compiled graph says and draws.
"""

from __future__ import annotations

START = "__start__"
END = "__end__"

# In the order build_builder adds them (the drawing lists nodes in that order).
NODES = ("develop", "review", "probe", "approval_check", "human_review")
EDGES = (
    (START, "develop"),
    ("develop", "review"),
    ("review", "probe"),
    ("probe", "approval_check"),
)
# Conditional edges: the targets each router's Literal return type names.
BRANCHES = {
    "approval_check": ("develop", "human_review", END),
    "human_review": ("develop", END),
}
# DevSecState's keys: the channels a state snapshot shows as its values.
STATE_KEYS = frozenset(
    {
        "request",
        "files",
        "round",
        "input_files",
        "changed",
        "notes",
        "verdict",
        "findings",
        "fixed_keys",
        "attempted_keys",
        "declined_keys",
        "unfixable_findings",
        "snapshot",
        "test_baseline",
        "tests_status",
        "history",
        "usage",
        "decisions",
        "status",
        "reason",
        "probe_report",
    }
)

# The keys with a reducer (Annotated[list[...], op]): their channel always holds a value, the
# empty list until the first write, so a snapshot shows them even before anything is stored.
LIST_REDUCER_KEYS = frozenset({"findings", "history", "usage", "decisions"})


def draw_mermaid() -> str:
    """The Mermaid flowchart LangGraph draws for the graph (`get_graph().draw_mermaid()`)."""
    lines = ["---", "config:", "  flowchart:", "    curve: linear", "---", "graph TD;"]
    lines.append(f"\t{START}([<p>{START}</p>]):::first")
    lines += [f"\t{node}({node})" for node in NODES]
    lines.append(f"\t{END}([<p>{END}</p>]):::last")
    edges = [(source, target, "-->") for source, target in EDGES]
    edges += [(s, t, "-.->") for s, targets in BRANCHES.items() for t in targets]
    lines += [f"\t{source} {arrow} {target};" for source, target, arrow in sorted(edges)]
    lines += [
        "\tclassDef default fill:#f2f0ff,line-height:1.2",
        "\tclassDef first fill-opacity:0",
        "\tclassDef last fill:#bfb6fc",
    ]
    return "\n".join(lines) + "\n"
