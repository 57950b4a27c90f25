"""Which project classes an object is an instance of, read from how it was made, across files.

`s.content` is a property's value only if `s` is an instance of a class whose `content` is
that property: the name alone does not say (a model's `content` column is no property). An
object's classes are known when every way it was made names project classes:

- `Share()`, where `Share` is a project class, a local bound only to such class values, a
  lookup in a module-level table of classes (`SHARES.get(kind)`), or a call to a project
  function that returns only such class values;
- a copy of such an instance (`copy.copy(share)`, `deepcopy(share)`);
- a row fetched through a project model class (`get_object_or_404(Share, ...)`,
  `Share.objects.get(...)` / `.create()` / `.first()`, ...): the ORM builds instances of it;
- a local name every assignment of which (`x = ...`, `x: Share = ...`) is such an instance.

An attribute's definitions are then looked up in each class's body, then in its project base
classes (unknown, and so not safe, when a class or base is not the project's).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterable, Sequence

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import _assigned_values, called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.project_tables import looked_up, lookup_tables
from devsecbots.nodes.analyzers.project_trees import all_nodes, parse_files
from devsecbots.nodes.analyzers.redirect_calls import module_name
from devsecbots.nodes.analyzers.summary_defs import Definitions, Parents, definitions

DEPTH = 4  # helper calls followed when a class value comes from a function's returns
COPIES = frozenset({"copy", "deepcopy"})
FETCHES = frozenset({"get_object_or_404"})  # (Model or Model.objects..., ...) -> a Model row
ROW_METHODS = frozenset({"get", "create", "first", "last", "latest", "earliest"})
QUERYSETS = frozenset(  # queryset methods that keep the rows as instances of the model
    {"all", "filter", "exclude", "order_by", "distinct", "select_related", "prefetch_related"}
    | {"using", "only", "defer", "annotate", "select_for_update", "reverse"}
)


def lowered_with_classes(
    findings: list[Finding],
    files: dict[str, str],
    rules: Collection[str],
    why: str,
    holds: Callable[[ast.Module, int, ProjectClasses], bool],
) -> list[Finding]:
    """The findings, those of `rules` whose line `holds` given the project's classes lowered
    with `why` (the classes are read only when such a finding is there)."""
    if not any(f["rule_id"] in rules and f["confidence"] != "low" for f in findings):
        return findings
    project = ProjectClasses(parse_files(files).values())
    return lowered_at(findings, files, rules, why, lambda tree, line: holds(tree, line, project))


class ProjectClasses:
    """The project's classes, functions and lookup tables, for resolving receivers."""

    def __init__(self, trees: Iterable[ast.AST]) -> None:
        trees = list(trees)
        self.tables = lookup_tables(trees)
        self.functions: Definitions = definitions(trees)
        self.classes: dict[str, list[ast.ClassDef]] = {}
        for node in all_nodes(trees):
            if isinstance(node, ast.ClassDef):
                self.classes.setdefault(node.name, []).append(node)

    def instance_of(
        self, value: ast.AST, parents: Parents, depth: int = DEPTH
    ) -> list[ast.ClassDef] | None:
        """The classes `value` is an instance of (None when any way it was made is unknown)."""
        if depth <= 0:
            return None
        if isinstance(value, ast.Name):
            values = _assigned_values(value, parents)
            found = [
                self.instance_of(v, parents, depth - 1)
                for v in values
                if not isinstance(v, ast.Name)
            ]
            if not values or len(found) < len(values) or any(f is None for f in found):
                return None
            return [c for f in found for c in f or []]
        if not isinstance(value, ast.Call):
            return None
        name = called_name(value.func)
        if name in COPIES and len(value.args) == 1 and not value.keywords:
            return self.instance_of(value.args[0], parents, depth - 1)
        model = _fetched_model(value)
        if model is not None:
            if not _is_class(model, parents):
                return None
            fetched = self.class_values(model, parents, DEPTH)
            return self._models(fetched) if fetched else None
        return self.class_values(value.func, parents, DEPTH)

    def class_values(
        self, value: ast.AST, parents: Parents, depth: int
    ) -> list[ast.ClassDef] | None:
        """The classes an expression may evaluate to (None when it may be anything else)."""
        if depth <= 0:
            return None
        table = looked_up(value, self.tables)
        if table is not None:
            return self._all([(v, parents) for v in table], depth - 1)
        if isinstance(value, ast.Name):
            if _is_local(value, parents):
                values = _assigned_values(value, parents)
                return self._all([(v, parents) for v in values], depth - 1) if values else None
            return self.classes.get(value.id)
        if isinstance(value, ast.Attribute) and module_name(value.value, parents):
            return self.classes.get(value.attr)  # models.Share, `models` an imported module
        if isinstance(value, ast.Call):
            defs = self.functions.get(called_name(value.func), [])
            returns = [(r.value, d.parents) for d in defs for r in d.own_returns]
            return self._all(returns, depth - 1) if returns else None
        return None

    def _models(self, classes: list[ast.ClassDef]) -> list[ast.ClassDef] | None:
        """Of same-named classes, the ORM models (the ORM builds rows of a model, not of a
        view or test case that shares its name); None when none is one."""
        found = [c for c in classes if self._is_model(c, DEPTH)]
        return found or None

    def _is_model(self, cls: ast.ClassDef, depth: int) -> bool:
        """A base named like a model class (`models.Model`, `PolymorphicModel`), here or in a
        project base class."""
        for base in cls.bases:
            name = called_name(base)
            if name.endswith("Model"):
                return True
            if depth > 0 and isinstance(base, ast.Name):
                if any(self._is_model(b, depth - 1) for b in self.classes.get(base.id, [])):
                    return True
        return False

    def attribute(self, classes: list[ast.ClassDef], name: str) -> list[ast.stmt] | None:
        """Every statement of the classes' bodies (or project bases') that binds `name`."""
        found: list[ast.stmt] = []
        for cls in classes:
            bound = self._bound_in(cls, name, DEPTH)
            if bound is None:
                return None
            found.extend(bound)
        return found

    def _bound_in(self, cls: ast.ClassDef, name: str, depth: int) -> list[ast.stmt] | None:
        own = [stmt for stmt in cls.body if name in _binds(stmt)]
        if own:
            return own
        if depth <= 0:
            return None
        found: list[ast.stmt] = []
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id == "object":
                continue
            located = self.classes.get(base.id, []) if isinstance(base, ast.Name) else []
            if not located:
                return None  # a base that is not the project's: unknown
            for base_cls in located:
                bound = self._bound_in(base_cls, name, depth - 1)
                if bound is None:
                    return None
                found.extend(bound)
        return found or None

    def _all(
        self, values: Sequence[tuple[ast.AST | None, Parents]], depth: int
    ) -> list[ast.ClassDef] | None:
        found = [self.class_values(v, p, depth) if v else None for v, p in values]
        if any(f is None for f in found):
            return None
        return [c for f in found for c in f or []]


def _binds(stmt: ast.stmt) -> set[str]:
    """The names a class-body statement binds."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    if isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return {
        n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _is_local(name: ast.Name, parents: Parents) -> bool:
    """Whether `name` is bound in its enclosing function (a parameter or a store)."""
    function: ast.AST = name
    while function in parents and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents[function]
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    return any(
        (isinstance(n, ast.arg) and n.arg == name.id)
        or (isinstance(n, ast.Name) and n.id == name.id and isinstance(n.ctx, ast.Store))
        for n in ast.walk(function)
    )


def _fetched_model(call: ast.Call) -> ast.AST | None:
    """`M` in get_object_or_404(M, ...), get_object_or_404(M.objects..., ...) or
    M.objects....get(...) (None for any other call)."""
    if called_name(call.func) in FETCHES and call.args:
        source = call.args[0]
        return _manager_model(source) or source
    if isinstance(call.func, ast.Attribute) and call.func.attr in ROW_METHODS:
        return _manager_model(call.func.value)
    return None


def _manager_model(value: ast.AST) -> ast.AST | None:
    """`M` in M.objects, M.objects.filter(...).order_by(...), ... (None otherwise)."""
    while (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in QUERYSETS
    ):
        value = value.func.value
    if isinstance(value, ast.Attribute) and value.attr == "objects":
        return value.value
    return None


def _is_class(value: ast.AST, parents: Parents) -> bool:
    """A plain name (`Share`) or one read from an imported module (`models.Share`): the model
    class itself, not an expression that makes one."""
    if isinstance(value, ast.Attribute):
        return module_name(value.value, parents)
    return isinstance(value, ast.Name)
