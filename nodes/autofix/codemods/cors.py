"""CORS for any origin with credentials -> the origins listed in CORS_ORIGINS (none by default)."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, set_keyword
from devsecbots.nodes.autofix.tree import Tree, is_true, keyword, string_value

FROM_ENV = '[o for o in os.environ.get("CORS_ORIGINS", "").split(",") if o]'


class Cors(Codemod):
    name = "cors"
    rule_ids = frozenset({"devsecbots.fastapi.cors-any-origin-with-credentials"})
    pattern = 'CORS middleware with allow_origins=["*"] and credentials'

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            if not (
                isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_middleware"
            ):
                continue
            credentials, origins = (
                keyword(call, "allow_credentials"),
                keyword(call, "allow_origins"),
            )
            if credentials is None or not is_true(credentials.value) or origins is None:
                continue
            value = origins.value
            if not (
                isinstance(value, cst.List)
                and [string_value(e.value) for e in value.elements] == ["*"]
            ):
                continue
            found.append(
                Site(
                    spans=[tree.span(tree.statement_of(call) or call)],
                    plan=_plan(call),
                    imports=[("os", None)],
                )
            )
        return found


def _plan(call: cst.Call):
    def plan(edits: Edits) -> str:
        edits.swap(call, lambda node: set_keyword(node, "allow_origins", expr(FROM_ENV)))
        return 'CORS allow_origins ["*"] -> env CORS_ORIGINS (comma-separated; none by default)'

    return plan
