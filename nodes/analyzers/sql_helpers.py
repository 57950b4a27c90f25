"""B608 SQL text holding what project helpers return, read across files: `{db.timestamp_now}`.

sql_constants.py lowers SQL text built in one file from fixed values only. A call of a project
function or method (`db.timestamp_placeholder("now")`), or a read of a project property
(`db.timestamp_now`), is fixed too when every definition of that name in the project returns
only fixed text: constants, number conversions, names bound only to them, other such helpers,
and the function's own parameters - then the call must pass fixed arguments only, since such a
helper may give back what it was given. A method's receiver (`self`) is never a fixed value.

The name is resolved across the project, as helper_summaries.py does; a method name that str,
bytes, dict, list, set or object also carry (`get`, `format`, `join`) is never resolved so, as
the object may be a request's dict. A property counts only when nothing in the project binds an
attribute of that name any other way (`x.name = ...`, a class-level column or annotation).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.sql_constants import fixed_sql_at, fixed_value
from devsecbots.nodes.analyzers.summary_defs import Definition, definitions, value_returns

RULES = frozenset({"B608"})
PROPERTIES = frozenset({"property", "cached_property"})
ACCESSORS = frozenset({"setter", "deleter"})
PLAIN = frozenset({"staticmethod", "classmethod", "lru_cache", "cache"})  # same value returned
BUILTIN_METHODS = frozenset(
    name for kind in (str, bytes, dict, list, set, object) for name in dir(kind)
)
WHY = (
    "every value put into the SQL text is a constant, a number or what a project helper returns, "
    "and every definition of that helper returns only fixed text (given fixed arguments)"
)
Fixed = Callable[[ast.expr], bool]


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a B608 one whose SQL holds only fixed text and helpers' values at low."""
    if not any(f["rule_id"] in RULES and f["confidence"] != "low" for f in findings):
        return findings
    helpers = FixedHelpers(parse_files(files))
    return lowered_at(
        findings,
        files,
        RULES,
        WHY,
        lambda tree, line: fixed_sql_at(tree, line, helpers.scopes(tree), helpers.fixed),
    )


class FixedHelpers:
    """Which project helpers return only fixed text, judged once per name."""

    def __init__(self, trees: dict[str, ast.Module]) -> None:
        self.trees = trees
        self.functions = definitions(trees.values())
        self._verdicts: dict[tuple[str, bool], bool] = {}
        self._scopes: dict[int, Scopes] = {}
        self._modules: dict[int, ast.Module] | None = None
        self._rebound: set[str] | None = None

    def scopes(self, tree: ast.Module) -> Scopes:
        """The name lookups of one module, built once."""
        if id(tree) not in self._scopes:
            self._scopes[id(tree)] = Scopes(tree)
        return self._scopes[id(tree)]

    def fixed(self, value: ast.expr, fixed: Fixed) -> bool:
        """Whether a call (its arguments judged by `fixed`) or attribute read gives fixed text."""
        if isinstance(value, ast.Attribute):
            return value.attr not in self.rebound() and self._returns_fixed(value.attr, True)
        if not isinstance(value, ast.Call):
            return False
        name = called_name(value.func)
        if isinstance(value.func, ast.Attribute) and name in BUILTIN_METHODS:
            return False
        arguments = [*value.args, *(k.value for k in value.keywords)]
        return (
            all(k.arg is not None for k in value.keywords)
            and all(fixed(a) for a in arguments)
            and self._returns_fixed(name, False)
        )

    def rebound(self) -> set[str]:
        """Attribute names the project binds other than by a def: `x.a = ...`, `a = ...` or
        `a: T` in a class body."""
        if self._rebound is None:
            self._rebound = set()
            for tree in self.trees.values():
                for node in ast.walk(tree):
                    if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
                        self._rebound.add(node.attr)
                    elif isinstance(node, ast.ClassDef):
                        self._rebound.update(_class_level_names(node))
        return self._rebound

    def _returns_fixed(self, name: str, read: bool) -> bool:
        """Every definition of `name` is a plain function (`read`: a property) whose every
        return is fixed text."""
        key = (name, read)
        if key not in self._verdicts:
            self._verdicts[key] = False  # a helper that recurses into itself proves nothing
            self._verdicts[key] = self._judge(self.functions.get(name, []), read)
        return self._verdicts[key]

    def _judge(self, found: list[Definition], read: bool) -> bool:
        getters = [d for d in found if not _decorators(d.function) & ACCESSORS]
        kinds = {bool(_decorators(d.function) & PROPERTIES) for d in getters}
        if kinds != {read} or any(_decorators(d.function) - PROPERTIES - PLAIN for d in getters):
            return False
        return value_returns(getters, lambda ret, _parents: self._return_fixed(ret))

    def _return_fixed(self, ret: ast.Return) -> bool:
        module = self._module_of(ret)
        if module is None or ret.value is None:
            return False
        scopes = self.scopes(module)
        return fixed_value(
            ret.value, scopes, self.fixed, lambda arg: _fixed_parameter(arg, scopes, self.fixed)
        )

    def _module_of(self, node: ast.AST) -> ast.Module | None:
        if self._modules is None:
            self._modules = {
                id(n): tree
                for tree in self.trees.values()
                for n in ast.walk(tree)
                if isinstance(n, ast.Return)
            }
        return self._modules.get(id(node))


def _fixed_parameter(
    arg: ast.arg, scopes: Scopes, helpers: Callable[[ast.expr, Fixed], bool]
) -> bool:
    """A parameter the caller fills with a fixed value: not a method's receiver, and its
    default (when it has one) fixed too."""
    function = scopes.parents.get(scopes.parents.get(arg, arg))
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    receiver = (
        isinstance(scopes.parents.get(function), ast.ClassDef)
        and "staticmethod" not in _decorators(function)
        and bool(positional)
        and positional[0] is arg
    )
    if receiver:
        return False
    defaults = dict(
        zip(
            positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
        )
    )
    defaults.update(
        (a, d)
        for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if d is not None
    )
    default = defaults.get(arg)
    return default is None or fixed_value(default, scopes, helpers)


def _class_level_names(cls: ast.ClassDef) -> set[str]:
    """Names a class body binds by assignment or annotation."""
    names: set[str] = set()
    for stmt in cls.body:
        targets = (
            stmt.targets
            if isinstance(stmt, ast.Assign)
            else [stmt.target]
            if isinstance(stmt, ast.AnnAssign | ast.AugAssign)
            else []
        )
        names.update(
            t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)
        )
    return names


def _decorators(function: ast.AST) -> set[str]:
    """The decorators' names (`functools.lru_cache(...)` -> 'lru_cache', `x.setter` -> 'setter')."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return set()
    return {called_name(d.func if isinstance(d, ast.Call) else d) for d in function.decorator_list}
