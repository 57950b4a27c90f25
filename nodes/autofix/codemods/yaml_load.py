"""yaml.load() without a safe Loader -> yaml.safe_load() (CWE-502 / CWE-20, Bandit B506)."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits
from devsecbots.nodes.autofix.tree import Tree, code, keyword

SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
_SAFE_NAME = {
    "load": "safe_load",
    "load_all": "safe_load_all",
    "unsafe_load": "safe_load",
    "unsafe_load_all": "safe_load_all",
    "full_load": "safe_load",
    "full_load_all": "safe_load_all",
}


class YamlLoad(Codemod):
    name = "yaml-load"
    rule_ids = frozenset({"B506", "devsecbots.python.insecure-deserialization"})
    cwes = frozenset({"CWE-502", "CWE-20"})
    pattern = "yaml.load() without a safe Loader"
    topic = r"yaml"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.calls_to(*(f"yaml.{name}" for name in _SAFE_NAME)):
            function = next(q for q in tree.qualnames(call) if q.startswith("yaml.")).split(".")[1]
            loader = keyword(call, "Loader") or (call.args[1] if len(call.args) > 1 else None)
            if loader is not None and code(loader.value).split(".")[-1] in SAFE_LOADERS:
                continue
            if (
                not call.args
                or call.args[0].keyword is not None
                and call.args[0].keyword.value != "stream"
            ):
                continue
            spans = [tree.span(tree.statement_of(call) or call)]
            unused = [] if isinstance(call.func, cst.Attribute) else [code(call.func)]
            found.append(
                Site(spans=spans, plan=_plan(call, function), imports=_imports(call), unused=unused)
            )
        return found


def _imports(call: cst.Call) -> list[tuple[str, str | None]]:
    return [] if isinstance(call.func, cst.Attribute) else [("yaml", None)]


def _plan(call: cst.Call, function: str):
    safe = _SAFE_NAME[function]

    def plan(edits: Edits) -> str:
        def change(node: cst.Call) -> cst.Call:
            stream = node.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            if isinstance(node.func, cst.Attribute):
                func: cst.BaseExpression = node.func.with_changes(attr=cst.Name(safe))
            else:
                func = cst.Attribute(value=cst.Name("yaml"), attr=cst.Name(safe))
            return node.with_changes(func=func, args=[stream])

        edits.swap(call, change)
        return f"yaml.{function}() -> yaml.{safe}()"

    return plan
