"""HTTP requests without a timeout -> timeout=10 (CWE-400, Bandit B113)."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, set_keyword
from devsecbots.nodes.autofix.tree import Tree, has_star_kwargs, keyword

TIMEOUT = "10"
_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
HTTP_CALLS = {f"requests.{m}" for m in _METHODS} | {f"requests.api.{m}" for m in _METHODS}


class RequestsTimeout(Codemod):
    name = "requests-timeout"
    rule_ids = frozenset({"B113"})
    cwes = frozenset({"CWE-400", "CWE-1088"})
    pattern = "requests call without a timeout"
    topic = r"timeout|time-out|hang|request"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.calls_to(*HTTP_CALLS):
            current = keyword(call, "timeout")
            if current is not None and not (
                isinstance(current.value, cst.Name) and current.value.value == "None"
            ):
                continue
            spans = [tree.span(tree.statement_of(call) or call)]
            if current is None and has_star_kwargs(call):
                found.append(
                    Site(
                        spans=spans,
                        reason="requests-timeout: the call passes **kwargs, "
                        "which may already hold a timeout",
                    )
                )
                continue
            found.append(Site(spans=spans, plan=_plan(call)))
        return found


def _plan(call: cst.Call):
    def plan(edits: Edits) -> str:
        edits.swap(call, lambda node: set_keyword(node, "timeout", expr(TIMEOUT)))
        return f"requests call: timeout={TIMEOUT} seconds"

    return plan
