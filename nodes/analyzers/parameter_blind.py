"""Whether what a project helper returns carries anything its callers pass it.

A value depends on a parameter (or on the request) when one is among its leaves, followed
through every binding of local names (name_bindings.py), attributes, items, containers, string
building and the arguments (and receiver) of any call: an unknown function may hand back what it
is given. An escaping or encoding call (escape, quote, urlencode, int, len, ...) cuts the
dependence, as does a call of a project helper that is itself blind, and a comparison (a bool).
`self` / `cls`, module constants and imported names do not depend; a caught exception does (its
message may quote what was passed). A loop variable depends as its iterable does: the item
`for name, schema in discover().items(): if key in schema: return name` returns is one of what
discover() gives, chosen by the key but not made of it.

A helper is blind when every returned value of every definition of its name is independent.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.markup_provenance import ESCAPER
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.summary_defs import Definition, value_returns

CUTS = frozenset({"quote", "quote_plus", "urlencode", "int", "float", "len", "bool"})
UNCARRIED = frozenset({"self", "cls"})


class BlindHelpers:
    """Project helpers, by name, whose returns carry none of their arguments."""

    def __init__(
        self,
        defined: dict[str, list[Definition]],
        scopes_of: Callable[[ast.AST], Scopes | None],
        depth: int = 4,
    ) -> None:
        self.defined = defined
        self.scopes_of = scopes_of  # the Scopes of the module holding a function
        self.depth = depth
        self.verdicts: dict[str, bool] = {}

    def blind(self, name: str, depth: int | None = None) -> bool:
        """Whether every definition of `name` returns only values independent of its
        parameters and of the request."""
        depth = self.depth if depth is None else depth
        if name not in self.verdicts:
            self.verdicts[name] = False  # recursion: assume it carries them
            found = self.defined.get(name, [])
            self.verdicts[name] = depth > 0 and value_returns(
                found, lambda ret, _parents: self._independent(ret, found, depth)
            )
        return self.verdicts[name]

    def _independent(self, ret: ast.Return, found: list[Definition], depth: int) -> bool:
        function = next((d.function for d in found if ret in d.returns), None)
        scopes = self.scopes_of(function) if function is not None else None
        if scopes is None or ret.value is None:
            return False
        return not _Flow(scopes, self, depth - 1).depends(ret.value)


class _Flow:
    """Dependence of expressions in one module on parameters and the request."""

    def __init__(self, scopes: Scopes, helpers: BlindHelpers, depth: int) -> None:
        self.scopes = scopes
        self.helpers = helpers
        self.depth = depth
        self.seen: set[int] = set()

    def depends(self, node: ast.AST) -> bool:
        """Whether the expression may carry a parameter's or the request's data."""
        if id(node) in self.seen:
            return False  # a cycle (x = x + "a") adds nothing by itself
        self.seen.add(id(node))
        if isinstance(node, ast.Constant | ast.Compare):
            return False
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Lambda):
            return True
        if isinstance(node, ast.IfExp):
            return self.depends(node.body) or self.depends(node.orelse)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return self.depends(node.elt)
        if isinstance(node, ast.DictComp):
            return self.depends(node.key) or self.depends(node.value)
        return any(self.depends(c) for c in ast.iter_child_nodes(node))

    def _name(self, node: ast.Name) -> bool:
        if node.id == "request":
            return True
        if node.id in UNCARRIED:
            return False
        for binding in self.scopes.reaching(node.id, node):
            if binding.kind == "parameter":
                return True
            if binding.kind == "opaque":
                if isinstance(binding.node, ast.ExceptHandler):
                    return True
            elif self.depends(binding.node):
                return True
        return False

    def _call(self, node: ast.Call) -> bool:
        name = called_name(node.func)
        if ESCAPER.match(name) or name in CUTS:
            return False
        if isinstance(node.func, ast.Name) and name in self.helpers.defined:
            bound = self.scopes.reaching(name, node)
            if all(b.kind == "opaque" for b in bound) and self.helpers.blind(name, self.depth):
                return False
        receiver = [node.func.value] if isinstance(node.func, ast.Attribute) else []
        arguments = [*receiver, *node.args, *(k.value for k in node.keywords)]
        return any(self.depends(a) for a in arguments)
