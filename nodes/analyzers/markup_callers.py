"""Markup / mark_safe of a helper's parameter, judged by what the project's callers pass.

markup_provenance.py keeps a Markup() that inserts a parameter as it is at Bandit's confidence:
the helper marks whatever its callers hand it as safe HTML. Across the project, that can be
settled: when the helper is called only from the project's Python code, and every call passes
constants, escaped values or the application's own data (settings, stored objects) for that
parameter, the parameter carries that, and the finding is low confidence with the reason.

It stays as it is whenever a caller cannot be seen or may pass outside data: no call in the
project, a decorator (a template filter, a route: the framework calls it), the function
used as a value (a callback), its name defined twice or a dunder (called implicitly), mentioned
in a template (Jinja calls methods), `*args`/`**kwargs` at a call or in the definition, a call
whose argument is request data or the caller's own parameter passed on from outside (followed
through callers up to a few levels).

A Django simple tag (`@register.simple_tag`) is called by the project's templates: each
`{% tag ... %}` use counts as a call, a literal written there as a constant, anything else (a
context variable) as outside data (template_tag_calls.py).
"""

from __future__ import annotations

import ast
import re

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.call_arguments import argument, defined_or_read
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.markup_provenance import (
    CALLER,
    SAFE,
    SINKS,
    Provenance,
    sink_argument,
)
from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes
from devsecbots.nodes.analyzers.project_trees import parents_of, parse_files, walk
from devsecbots.nodes.analyzers.template_tag_calls import LITERAL, simple_tag, template_uses

_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod"})
_MAX_DEPTH = 3


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings; Markup of parameters every caller fills safely is low confidence."""
    relevant = [
        f
        for f in findings
        if f["source"] == "bandit" and f["rule_id"] in SINKS and f["confidence"] != "low"
    ]
    if not relevant:
        return findings
    callers = Callers(files)
    out = []
    for finding in findings:
        why = callers.reason(finding) if any(finding is f for f in relevant) else ""
        if why:
            finding = lowered(finding, why)
        out.append(finding)
    return out


class Callers:
    """The project's calls, read to say what a function's parameter receives."""

    def __init__(self, files: dict[str, str]) -> None:
        self.trees = parse_files(files)
        self.texts = [text for path, text in files.items() if not path.endswith(".py")]
        self.scopes: dict[str, Scopes] = {}
        self._parents: dict[ast.AST, ast.AST] | None = None
        self._by_name: dict[str, list[tuple[str, ast.AST]]] = {}
        self.depth = 0
        self.asking: set[tuple[int, str]] = set()
        self.helpers: list[str] = []

    def reason(self, finding: Finding) -> str:
        """Why the finding's HTML is safe by its callers ('' when it is not)."""
        tree = self.trees.get(finding["file"])
        content = sink_argument(finding["rule_id"], tree, finding["line"]) if tree else None
        if tree is None or content is None:
            return ""
        self.helpers = []
        verdict = Provenance(self._scopes(finding["file"]), self.carried).of(content)
        if verdict == CALLER or not self.helpers:
            return ""
        what = "constants or escaped values" if verdict == SAFE else "the application's own data"
        return (
            f"the HTML takes the argument of {', '.join(sorted(set(self.helpers)))}, and every "
            f"call of it in the project passes {what}"
        )

    def carried(self, binding: Binding) -> int:
        """What the parameter of `binding` receives from every call in the project."""
        function, parameter = binding.scope, getattr(binding.node, "arg", "")
        key = (id(function), parameter)
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            return CALLER
        if key in self.asking or self.depth >= _MAX_DEPTH:
            return CALLER
        self.asking.add(key)
        self.depth += 1
        try:
            verdict = self._carried(function, parameter)
        finally:
            self.depth -= 1
            self.asking.discard(key)
        if verdict != CALLER:
            self.helpers.append(f"{function.name}()")
        return verdict

    def _carried(self, function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str) -> int:
        name = function.name
        tag = simple_tag(function)
        if name.startswith("__") or (
            tag is None
            and any(_decorator_name(d) not in _PLAIN_DECORATORS for d in function.decorator_list)
        ):
            return CALLER
        args = function.args
        positional = [a.arg for a in args.posonlyargs + args.args]
        if parameter not in positional + [a.arg for a in args.kwonlyargs]:
            return CALLER  # *args / **kwargs
        parents, by_name = self._index()
        method = isinstance(parents.get(function), ast.ClassDef)
        if method and "staticmethod" not in map(_decorator_name, function.decorator_list):
            positional = positional[1:]
        defaults = dict(zip(reversed(positional), reversed(args.defaults), strict=False))
        defaults.update(
            {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d}
        )
        verdicts = []
        if tag is not None:  # the templates call it
            uses = template_uses(function, self.texts)
            if uses is None:
                return CALLER
            for use in uses:
                given = use.get(parameter)
                if given is None and parameter not in defaults:
                    return CALLER
                literal = given == LITERAL or given is None and _constant(defaults[parameter])
                verdicts.append(SAFE if literal else CALLER)
        elif any(re.search(rf"\b{re.escape(name)}\b", text) for text in self.texts):
            return CALLER  # a template may call it with anything
        definitions, calls = 0, []
        for path, node in by_name.get(name, []):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                definitions += 1
                continue
            parent = parents.get(node)
            if not (isinstance(parent, ast.Call) and parent.func is node):
                return CALLER  # used as a value: whoever receives it may call it
            if method and not isinstance(node, ast.Attribute):
                return CALLER
            calls.append((path, parent))
        if definitions != 1 or not (calls or verdicts):
            return CALLER
        for path, call in calls:
            value = argument(call, parameter, positional, defaults)
            if value is None:
                return CALLER
            verdicts.append(Provenance(self._scopes(path), self.carried).of(value))
        return max(verdicts)

    def _index(self) -> tuple[dict[ast.AST, ast.AST], dict[str, list[tuple[str, ast.AST]]]]:
        """Every node's parent, and the definitions and reads of each name, over the project."""
        if self._parents is None:
            self._parents = parents_of(tuple(self.trees.values()))
            for path, tree in self.trees.items():
                for node in walk(tree):
                    name = defined_or_read(node)
                    if name:
                        self._by_name.setdefault(name, []).append((path, node))
        return self._parents, self._by_name

    def _scopes(self, path: str) -> Scopes:
        if path not in self.scopes:
            self.scopes[path] = Scopes(self.trees[path])
        return self.scopes[path]


def _constant(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant)


def _decorator_name(decorator: ast.AST) -> str:
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    if isinstance(decorator, ast.Attribute):
        return decorator.attr
    return decorator.id if isinstance(decorator, ast.Name) else ""
