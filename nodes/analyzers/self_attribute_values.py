"""The values `self.x` can hold, read from every store to an attribute `x` in its module.

A read of `self.x` gets what some store put there: `self.x = value`, a part of an unpacking
(`self.x, self.y = mapping.get(key, ("https://a", "a"))` gives element 0 of each value the
mapping holds and of the default), or the class body's `x = value`. Stores to an `x` attribute
of any object in the module count, whatever the object. A store of another shape (`+=`, a loop
or `with` target, a starred unpacking, an unpacked value whose elements are not literal),
`setattr` or any string naming `x` in the module leaves the values unknown (None). Whether
other modules store into `x` is the caller's question.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.name_bindings import Scopes

_DEPTH = 3


def self_attribute_values(attribute: ast.Attribute, scopes: Scopes) -> list[ast.AST] | None:
    """The values the module stores into attributes named like `self.<attr>` (None: unknown)."""
    if not (isinstance(attribute.value, ast.Name) and attribute.value.id == "self"):
        return None
    name = attribute.attr
    values: list[ast.AST] = []
    for node in ast.walk(scopes.tree):
        if isinstance(node, ast.Constant) and node.value == name:
            return None  # setattr(obj, "x", ...), getattr or a __dict__ key
        stored = _stored_name(node, scopes)
        if stored != name:
            continue
        found = _stored_values(node, scopes)
        if found is None:
            return None
        values.extend(found)
    return values or None


def _stored_name(node: ast.AST, scopes: Scopes) -> str:
    """The attribute name an attribute store sets, or a class body's own name store ('')."""
    if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
        return node.attr
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        statement = scopes.parents.get(node)
        owner = scopes.parents.get(statement) if statement is not None else None
        return node.id if isinstance(owner, ast.ClassDef) else ""
    return ""


def _stored_values(target: ast.AST, scopes: Scopes) -> list[ast.AST] | None:
    """What one store puts into the attribute (None when not plain)."""
    parent = scopes.parents.get(target)
    if isinstance(parent, ast.Assign) and target in parent.targets:
        return [parent.value]
    if isinstance(parent, ast.AnnAssign) and parent.value is not None:
        return [parent.value]
    if isinstance(parent, ast.Tuple | ast.List) and not any(
        isinstance(e, ast.Starred) for e in parent.elts
    ):
        statement = scopes.parents.get(parent)
        index = next(i for i, e in enumerate(parent.elts) if e is target)
        if isinstance(statement, ast.Assign) and parent in statement.targets:
            return _elements(statement.value, index, scopes, _DEPTH)
    return None


def _elements(value: ast.AST, index: int, scopes: Scopes, depth: int) -> list[ast.AST] | None:
    """Element `index` of every tuple `value` can be: a literal tuple, or `m.get(k, default)` /
    `m[k]` of a dict literal `m` (through a name every binding of which is one)."""
    if depth <= 0:
        return None
    if isinstance(value, ast.Tuple | ast.List):
        if index < len(value.elts) and not any(isinstance(e, ast.Starred) for e in value.elts):
            return [value.elts[index]]
        return None
    mapping, default = _lookup(value)
    if mapping is None:
        return None
    tuples = _dict_values(mapping, scopes)
    if tuples is None:
        return None
    if default is not None:
        tuples.append(default)
    out: list[ast.AST] = []
    for item in tuples:
        found = _elements(item, index, scopes, depth - 1)
        if found is None:
            return None
        out.extend(found)
    return out


def _lookup(value: ast.AST) -> tuple[ast.AST | None, ast.AST | None]:
    """(mapping, default) of `mapping.get(key, default)` or `mapping[key]`."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and len(value.args) == 2
        and not value.keywords
    ):
        return value.func.value, value.args[1]
    if isinstance(value, ast.Subscript):
        return value.value, None
    return None, None


def _dict_values(mapping: ast.AST, scopes: Scopes) -> list[ast.AST] | None:
    """The values of a dict literal, directly or through a name bound only to dict literals."""
    if isinstance(mapping, ast.Dict):
        return None if None in mapping.keys else list(mapping.values)
    if not isinstance(mapping, ast.Name):
        return None
    found = scopes.reaching(mapping.id, mapping)
    if not found or any(b.kind != "value" or not isinstance(b.node, ast.Dict) for b in found):
        return None
    out: list[ast.AST] = []
    for binding in found:
        values = _dict_values(binding.node, scopes)
        if values is None:
            return None
        out.extend(values)
    return out
