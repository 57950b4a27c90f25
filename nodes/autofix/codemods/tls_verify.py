"""TLS certificate checks switched off -> left on (CWE-295, Bandit B501/B323)."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, remove_keyword
from devsecbots.nodes.autofix.tree import Tree, is_false, keyword

UNVERIFIED_CONTEXT = "ssl._create_unverified_context"


class TlsVerify(Codemod):
    name = "tls-verify"
    rule_ids = frozenset({"B501", "B323"})
    cwes = frozenset({"CWE-295"})
    pattern = "verify=False / unverified TLS context"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            spans = [tree.span(tree.statement_of(call) or call)]
            verify = keyword(call, "verify")
            if verify is not None and is_false(verify.value) and _is_http_client(tree, call):
                found.append(Site(spans=spans, plan=_drop_verify(call)))
            elif UNVERIFIED_CONTEXT in tree.qualnames(call):
                named = isinstance(call.func, cst.Name)
                found.append(
                    Site(
                        spans=spans,
                        plan=_default_context(call),
                        imports=[("ssl", None)] if named else [],
                        unused=[call.func.value] if isinstance(call.func, cst.Name) else [],
                    )
                )
        return found


def _is_http_client(tree: Tree, call: cst.Call) -> bool:
    names = tree.qualnames(call)
    if any(n.startswith(("requests.", "httpx.")) for n in names):
        return True
    # session.get(..., verify=False), client.post(...): a method named like an HTTP verb
    return isinstance(call.func, cst.Attribute) and call.func.attr.value in (
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "request",
        "Client",
        "AsyncClient",
    )


def _drop_verify(call: cst.Call):
    def plan(edits: Edits) -> str:
        edits.swap(call, lambda node: remove_keyword(node, "verify"))
        return "verify=False removed: TLS certificates are checked"

    return plan


def _default_context(call: cst.Call):
    def plan(edits: Edits) -> str:
        def change(node: cst.Call) -> cst.Call:
            func = node.func
            if isinstance(func, cst.Attribute):
                return node.with_changes(
                    func=func.with_changes(attr=cst.Name("create_default_context"))
                )
            return node.with_changes(func=cst.parse_expression("ssl.create_default_context"))

        edits.swap(call, change)
        return "ssl._create_unverified_context() -> ssl.create_default_context()"

    return plan
