"""A cookie whose Secure flag is the operator's switch read from the environment.

`set_cookie(..., secure=os.environ.get("SESSION_COOKIE_SECURE", "1") != "0")` is Secure unless
whoever runs the app turns it off for a plain-http install (what the `cookies` codemod writes):
with the variable unset it is Secure, so there is no finding, as for `secure=True`. When the
unset default is not Secure (`os.environ.get("COOKIE_SECURE") == "1"`, or a default this reading
cannot work out) the finding stays, at low confidence: HTTPS is the operator's choice there.
"""

from __future__ import annotations

import ast
from typing import Any

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.constant_cookies import RULES
from devsecbots.nodes.analyzers.helper_summaries import _calls_at
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_trees import parse_files

WHY = (
    "the Secure flag is the operator's switch read from the environment, off unless set: "
    "set it for HTTPS deployments"
)
UNKNOWN = object()  # a value this reading cannot work out
_TEXT_METHODS = frozenset({"lower", "upper", "strip", "casefold"})
_CASTS: dict[str, Any] = {"bool": bool, "int": int, "str": str}


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings without those whose cookie is Secure unless the operator turns it off, and
    with those Secure only when the operator turns it on at low confidence."""
    if not any(f["rule_id"] in RULES for f in findings):
        return findings
    trees = parse_files(files)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"]) if finding["rule_id"] in RULES else None
        switches = _switches(tree, finding["line"]) if tree is not None else []
        if switches and all(unset is not UNKNOWN and unset for unset in switches):
            continue  # Secure by default, as secure=True
        if switches and finding["confidence"] != "low":
            finding = lowered(finding, WHY)
        out.append(finding)
    return out


def _switches(tree: ast.Module, line: int) -> list[object]:
    """For each set_cookie call on `line`, what its environment-read `secure=` is when the
    variable is unset ([] when any call's flag is not read from the environment)."""
    values = []
    for call in _calls_at(tree, line, {"set_cookie"}):
        secure = next((k.value for k in call.keywords if k.arg == "secure"), None)
        if secure is None or not any(_env_read(n) for n in ast.walk(secure)):
            return []
        values.append(unset_value(secure))
    return values


def _env_read(node: ast.AST) -> bool:
    """os.environ.get(...), os.getenv(...), os.environ[...] (also after `from os import ...`)."""
    if isinstance(node, ast.Subscript):
        return _names(node.value) in ("os.environ", "environ")
    if not isinstance(node, ast.Call):
        return False
    return _names(node.func) in ("os.environ.get", "environ.get", "os.getenv", "getenv")


def _names(node: ast.AST) -> str:
    """The dotted text of a name or attribute chain ('' for anything else)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _names(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""


def unset_value(node: ast.expr) -> object:
    """The value of `node` with every environment variable unset (UNKNOWN when it cannot tell)."""
    if isinstance(node, ast.Constant):
        return node.value
    if _env_read(node):
        if isinstance(node, ast.Call) and len(node.args) == 2:
            return unset_value(node.args[1])
        default = next((k.value for k in getattr(node, "keywords", []) if k.arg == "default"), None)
        if default is not None:
            return unset_value(default)
        return None if isinstance(node, ast.Call) else UNKNOWN  # os.environ[...] raises
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        value = unset_value(node.operand)
        return UNKNOWN if value is UNKNOWN else not value
    if isinstance(node, ast.BoolOp):
        return _bool_op(node)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return _compare(node.ops[0], unset_value(node.left), _operand(node.comparators[0]))
    if isinstance(node, ast.Call) and len(node.args) <= 1 and not node.keywords:
        return _call(node)
    return UNKNOWN


def _bool_op(node: ast.BoolOp) -> object:
    result: object = UNKNOWN
    for value in node.values:
        result = unset_value(value)
        if result is UNKNOWN:
            return UNKNOWN
        if bool(result) == isinstance(node.op, ast.Or):
            return result
    return result


def _operand(node: ast.expr) -> object:
    """A constant, or a tuple/list/set of constants for `in` ."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = [unset_value(e) for e in node.elts]
        return UNKNOWN if UNKNOWN in items else items
    return unset_value(node)


def _compare(op: ast.cmpop, left: object, right: object) -> object:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    try:
        if isinstance(op, ast.Eq | ast.Is):
            return left == right
        if isinstance(op, ast.NotEq | ast.IsNot):
            return left != right
        if isinstance(op, ast.In):
            return left in right  # type: ignore[operator]
        if isinstance(op, ast.NotIn):
            return left not in right  # type: ignore[operator]
    except TypeError:
        return UNKNOWN
    return UNKNOWN


def _call(node: ast.Call) -> object:
    """bool(x), int(x), str(x) and x.lower() / .upper() / .strip() / .casefold()."""
    func = node.func
    if isinstance(func, ast.Name) and func.id in _CASTS and len(node.args) == 1:
        value = unset_value(node.args[0])
        try:
            return UNKNOWN if value is UNKNOWN else _CASTS[func.id](value)
        except (TypeError, ValueError):
            return UNKNOWN
    if isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS and not node.args:
        value = unset_value(func.value)
        return getattr(value, func.attr)() if isinstance(value, str) else UNKNOWN
    return UNKNOWN
