"""Template sources written by the application itself (devsecbots.flask.template-injection).

Semgrep's taint follows an object built from request data into whatever its methods return:
`form = Form(request.form)` makes `form.panel()` tainted even when every `panel` returns a
literal. A template source is code-owned text, and no injection, when every part of it is

- a constant, or text built from code-owned parts (`+`, `%`, f-strings, `.format()`, `join`,
  `a if c else b`), or a translation of literals (`_("...")`);
- a local name every binding of which (`x = ...`, `x += ...`, in any branch) is code-owned;
- a call to a project function or method (by name, as helper_summaries.py reads helpers: every
  definition of that name in the project agreeing, at least one) whose every return is
  code-owned, followed a few calls deep; not a method name that str, dict, list or file
  objects carry (`f.read()`, `d.get()`), whose receiver need not be the project's.

A parameter, an attribute (`self.template`, a model's text), a subscript, what any other call
returns (a file read, a database row, request data) keeps the finding. HTML escaping is no
sanitiser here (`escape(x)` still holds `{{ ... }}`), so escaped values keep it too.
"""

from __future__ import annotations

import ast
import io

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.project_trees import parse_files, walk
from devsecbots.nodes.analyzers.summary_defs import Definition, value_returns

RULES = frozenset({"devsecbots.flask.template-injection"})
SINKS = frozenset({"from_string", "render_template_string", "Template"})
WHY = (
    "the template source is the application's own text: constants, and what project functions "
    "returning only literal text return, not request data"
)
_DEPTH = 3
# methods builtin types carry (`get`, `format`): a call of one is not resolved to a project def
BUILTIN_METHODS = frozenset(
    name for kind in (str, bytes, dict, list, set, object) for name in dir(kind)
)
_GETTEXT = frozenset({"_", "_l", "gettext", "lazy_gettext", "gettext_lazy", "ngettext"})
_TEXT_METHODS = frozenset({"format", "join", "strip", "replace", "lower", "upper"})
_LIBRARY_METHODS = BUILTIN_METHODS | frozenset(dir(io.TextIOWrapper)) | frozenset(dir(io.BytesIO))
Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a template injection whose source is code-owned text at low confidence."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    text = CodeText(parse_files(files))
    return [
        lowered(f, WHY)
        if f["rule_id"] in RULES and f["confidence"] != "low" and text.sink_sources_owned(f)
        else f
        for f in findings
    ]


class CodeText:
    """Judges expressions of the project's modules: code-owned text or not."""

    def __init__(self, trees: dict[str, ast.Module]) -> None:
        self.trees = trees
        self.scopes: dict[str, Scopes] = {}
        self.functions: dict[str, list[tuple[str, Function]]] = {}
        for path, tree in trees.items():
            for node in walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.functions.setdefault(node.name, []).append((path, node))
        self.asking: set[str] = set()

    def sink_sources_owned(self, finding: Finding) -> bool:
        """Whether every template sink on the finding's line is given code-owned text."""
        tree = self.trees.get(finding["file"])
        if tree is None:
            return False
        line = finding["line"]
        calls = [
            n
            for n in walk(tree)
            if isinstance(n, ast.Call)
            and n.lineno <= line <= (n.end_lineno or n.lineno)
            and called_name(n.func) in SINKS
        ]
        return bool(calls) and all(
            bool(c.args) and self.owned(c.args[0], finding["file"], _DEPTH) for c in calls
        )

    def owned(self, node: ast.AST, path: str, depth: int) -> bool:
        """Whether the expression in module `path` is code-owned text."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr | ast.BoolOp):
            return all(self.owned(v, path, depth) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return self.owned(node.value, path, depth)
        if isinstance(node, ast.BinOp):
            return self.owned(node.left, path, depth) and self.owned(node.right, path, depth)
        if isinstance(node, ast.IfExp):
            return self.owned(node.body, path, depth) and self.owned(node.orelse, path, depth)
        if isinstance(node, ast.Tuple | ast.List):
            return all(self.owned(e, path, depth) for e in node.elts)
        if isinstance(node, ast.Name):
            return self._name(node, path, depth)
        if isinstance(node, ast.Call):
            return self._call(node, path, depth)
        return False

    def _name(self, node: ast.Name, path: str, depth: int) -> bool:
        found = self._scopes(path).reaching(node.id, node)
        return bool(found) and all(
            b.kind == "value" and self.owned(b.node, path, depth) for b in found
        )

    def _call(self, node: ast.Call, path: str, depth: int) -> bool:
        name = called_name(node.func)
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if isinstance(node.func, ast.Name) and name in _GETTEXT:
            return all(self.owned(a, path, depth) for a in arguments)
        if isinstance(node.func, ast.Attribute) and name in _TEXT_METHODS:
            parts = [node.func.value, *arguments]
            return all(self.owned(p, path, depth) for p in parts)
        if isinstance(node.func, ast.Attribute) and name in _LIBRARY_METHODS:
            return False  # a str, dict or file method: the receiver is not the project's
        return self._returns_owned(name, depth)

    def _returns_owned(self, name: str, depth: int) -> bool:
        """Whether every project definition of `name` returns only code-owned text."""
        found = self.functions.get(name, [])
        if depth <= 0 or not found or name in self.asking:
            return False
        definitions = [Definition(function) for _, function in found]
        home = {
            id(r): path for (path, _), d in zip(found, definitions, strict=True) for r in d.returns
        }
        self.asking.add(name)
        try:
            return value_returns(
                definitions,
                lambda ret, _: ret.value is None or self.owned(ret.value, home[id(ret)], depth - 1),
            )
        finally:
            self.asking.discard(name)

    def _scopes(self, path: str) -> Scopes:
        if path not in self.scopes:
            self.scopes[path] = Scopes(self.trees[path])
        return self.scopes[path]
