"""What `PATTERN.sub(repl, text)` / `re.sub(pattern, repl, text)` returns, for markup_provenance.py.

The result is the text with matched pieces replaced: pieces of the text itself, and what the
replacement gives. A replacement string (its `\\1` back-references insert matched pieces of the
text again) adds its own class; a replacement function defined in sight (a `def` or a lambda)
adds the class of what it returns, where its match parameter and what is read from it
(`match.group(0)`, `match[1]`, `match.groupdict()`) are pieces of the text. A piece of escaped
text is still escaped: it holds no `<`, `>` or `"` that escaping turned into entities.
"""

from __future__ import annotations

import ast
from typing import Protocol

from devsecbots.nodes.analyzers.name_bindings import Binding, Scopes, own_nodes

Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


class Classifier(Protocol):
    """The part of markup_provenance.Provenance read here."""

    scopes: Scopes
    seen: dict[int, int]

    def of(self, node: ast.AST) -> int: ...

    def worst(self, nodes: list[ast.AST]) -> int: ...


def substitution_parts(call: ast.Call) -> tuple[ast.expr, ast.expr] | None:
    """(replacement, text) of a `.sub(...)` call on a pattern or the `re` module (None else)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "sub"):
        return None
    on_module = isinstance(call.func.value, ast.Name) and call.func.value.id == "re"
    args = list(call.args[1:] if on_module else call.args)
    keywords = {k.arg: k.value for k in call.keywords}
    repl = args[0] if args else keywords.get("repl")
    text = args[1] if len(args) > 1 else keywords.get("string")
    return (repl, text) if repl is not None and text is not None else None


def substituted(classifier: Classifier, call: ast.Call, worst_class: int) -> int | None:
    """The class of a substitution's result (None when the call is no substitution)."""
    parts = substitution_parts(call)
    if parts is None:
        return None
    repl, text = parts
    text_class = classifier.of(text)
    functions = _replacement_functions(repl, classifier.scopes)
    if functions is None:
        return max(text_class, classifier.of(repl))
    return max(
        [text_class]
        + [_returned(classifier, function, text_class, worst_class) for function in functions]
    )


def _replacement_functions(repl: ast.expr, scopes: Scopes) -> list[Function] | None:
    """The functions a replacement names (None when it is a value: a string, a parameter)."""
    if isinstance(repl, ast.Lambda):
        return [repl]
    if not isinstance(repl, ast.Name):
        return None
    found = scopes.reaching(repl.id, repl)
    if found and all(_defined(b) for b in found):
        return [b.node for b in found]  # type: ignore[misc]
    return None


def _defined(binding: Binding) -> bool:
    return binding.kind == "opaque" and isinstance(
        binding.node, ast.FunctionDef | ast.AsyncFunctionDef
    )


def _returned(classifier: Classifier, function: Function, text_class: int, worst: int) -> int:
    """The worst class a replacement function returns, its match parameter a piece of text."""
    params = function.args.posonlyargs + function.args.args
    if len(params) != 1:
        return worst
    match = params[0].arg
    if isinstance(function, ast.Lambda):
        values: list[ast.AST] = [function.body]
    else:
        returns = [n for n in own_nodes(function) if isinstance(n, ast.Return)]
        if any(r.value is None for r in returns):
            return worst
        values = [r.value for r in returns if r.value is not None]
    return max(
        (_class_with_match(classifier, v, match, text_class, worst) for v in values),
        default=worst,
    )


def _class_with_match(
    classifier: Classifier, value: ast.AST, match: str, text_class: int, worst: int
) -> int:
    """The class of `value`, reads of the match parameter counting as the text's class."""
    pieces = [n for n in ast.walk(value) if _reads_match(n, match)]
    covered = {id(inner) for piece in pieces for inner in ast.walk(piece)}
    others = [
        n
        for n in ast.walk(value)
        if isinstance(n, ast.Name) and n.id == match and id(n) not in covered
    ]
    if others:
        return worst  # the match object used some other way
    saved = dict(classifier.seen)  # what is read here holds only for this call's text
    classifier.seen.update({id(piece): text_class for piece in pieces})
    try:
        return classifier.of(value)
    finally:
        classifier.seen.clear()
        classifier.seen.update(saved)


def _reads_match(node: ast.AST, match: str) -> bool:
    """`match.group(...)`, `match.groups()`, `match.groupdict()`, `match[...]`."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id == match
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"group", "groups", "groupdict"}
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == match
    )
