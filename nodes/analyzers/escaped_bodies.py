"""Django XSS findings whose HTML a project helper builds only from escaped values and constants.

Semgrep's taint rule devsecbots.django.xss sees `HttpResponse(render_preview(text, name))` or
`mark_safe(render_rows(config))` as request data reaching HTML: the helper's result is tainted
when its arguments are. The helper decides: when every definition of it in the project returns
HTML built only from constants and escaped values (html.escape, escape, format_html arguments,
ints, ... as markup_provenance.py reads them, the helper's parameters counting as anything the
caller passes), no request data reaches the page unescaped. Such a finding is kept at low
confidence with the reason. So is one whose helper returns nothing its arguments carry
(parameter_blind.py: `plugin = find_plugin(key)` picks a name among the installed ones, and
`quote(key)` encodes the key): the request data stops there. A helper that inserts any
parameter, or an unknown function's result of one, as it is leaves the finding as it was.
"""

from __future__ import annotations

import ast

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.low_confidence import lowered_by
from devsecbots.nodes.analyzers.markup_provenance import OTHER, SAFE, Provenance
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.parameter_blind import BlindHelpers
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.summary_defs import Definition, definitions, value_returns

RULES = frozenset({"devsecbots.django.xss"})
SINKS = frozenset({"mark_safe", "HttpResponse"})
WHY = (
    "the HTML is built only from constants and escaped values, also inside the project "
    "helpers that return it, or from what helpers return without carrying the request data "
    "handed to them"
)
MAX_DEPTH = 4


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, Django XSS ones whose HTML is escaped throughout lowered with the reason."""
    helpers: list[_Helpers] = []  # built once, and only when a finding needs them

    def why_at(tree: ast.Module, line: int) -> str:
        if not helpers:
            helpers.append(_Helpers(parse_files(files)))
        body = _sink_body(tree, line)
        return WHY if body is not None and helpers[0].provenance(tree).of(body) == SAFE else ""

    return lowered_by(findings, files, RULES, why_at)


def _sink_body(tree: ast.AST, line: int) -> ast.expr | None:
    """The HTML handed to mark_safe / HttpResponse on `line` (the call's or its body's line)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _name(node.func) in SINKS):
            continue
        body = node.args[0] if node.args else None
        if body is None:
            body = next((k.value for k in node.keywords if k.arg == "content"), None)
        if body is not None and line in (node.lineno, body.lineno):
            return body
    return None


class _Helpers:
    """Project functions by name, and whether each returns only escaped HTML."""

    def __init__(self, trees: dict[str, ast.Module]) -> None:
        self.defined = definitions(trees.values())
        self.tree_of = {
            id(node): tree
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.scopes: dict[int, Scopes] = {}
        self.verdicts: dict[str, bool] = {}
        self.blind = BlindHelpers(self.defined, self._scopes_of_function)

    def _scopes_of_function(self, function: ast.AST) -> Scopes | None:
        tree = self.tree_of.get(id(function))
        if tree is None:
            return None
        if id(tree) not in self.scopes:
            self.scopes[id(tree)] = Scopes(tree)
        return self.scopes[id(tree)]

    def provenance(self, tree: ast.AST, depth: int = MAX_DEPTH) -> Provenance:
        """A Provenance of `tree` that reads calls of project helpers by what they return."""
        if id(tree) not in self.scopes:
            self.scopes[id(tree)] = Scopes(tree)
        return _HelperProvenance(self.scopes[id(tree)], self, depth)

    def escaped(self, name: str, depth: int) -> bool:
        """Whether every definition of `name` returns only constants and escaped values."""
        if name not in self.verdicts:
            self.verdicts[name] = False  # recursion adds nothing
            found = self.defined.get(name, [])
            self.verdicts[name] = depth > 0 and value_returns(
                found, lambda ret, _parents: self._safe_return(ret, found, depth)
            )
        return self.verdicts[name]

    def _safe_return(self, ret: ast.Return, found: list[Definition], depth: int) -> bool:
        tree = next((self.tree_of.get(id(d.function)) for d in found if ret in d.returns), None)
        return (
            tree is not None
            and ret.value is not None
            and self.provenance(tree, depth - 1).of(ret.value) == SAFE
        )


class _HelperProvenance(Provenance):
    """Provenance where a call of a project function that returns escaped HTML is SAFE."""

    def __init__(self, scopes: Scopes, helpers: _Helpers, depth: int) -> None:
        super().__init__(scopes)
        self.helpers = helpers
        self.depth = depth

    def _call(self, node: ast.Call) -> int:
        verdict = super()._call(node)
        if verdict != OTHER or not isinstance(node.func, ast.Name):
            return verdict
        bound = self.scopes.reaching(node.func.id, node)
        if any(b.kind != "opaque" for b in bound):
            return verdict  # a parameter or variable holding some function
        if self.helpers.escaped(node.func.id, self.depth):
            return SAFE
        return SAFE if self.helpers.blind.blind(node.func.id) else OTHER


def _name(func: ast.AST) -> str:
    """`f` for f(...) and x.f(...)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
