"""Django SQL built from strings (`cursor.execute`, `Model.objects.raw`) -> %s parameters.

An interpolated ORDER BY / GROUP BY identifier becomes a choice among literal queries (an
allow-list of the selected columns, or of the model's fields), never a parameter.
"""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.autofix.base import Project, Site
from devsecbots.nodes.autofix.codemods.sql_injection import SqlInjection
from devsecbots.nodes.autofix.django_project import imports_django
from devsecbots.nodes.autofix.edits import Edits, append_positional, expr, stmt
from devsecbots.nodes.autofix.sql_params import NotParameterisable, parameterise
from devsecbots.nodes.autofix.strings import Part, literal, unwrap_str
from devsecbots.nodes.autofix.tree import Tree, code

_IDENTIFIER_BEFORE = re.compile(r"\b(order|group)\s+by\s+$", re.IGNORECASE)
_IDENTIFIER_AFTER = re.compile(r"^(?:$|\s|,|\)|;)")
_SELECT = re.compile(r"^\s*select\s+(?P<columns>.+?)\s+from\s", re.IGNORECASE | re.DOTALL)
_COLUMN = re.compile(
    r"^(?:[A-Za-z_]\w*\.)?(?P<name>[A-Za-z_]\w*)(?:\s+as\s+(?P<alias>\w+))?$", re.I
)
_FIELD = re.compile(r"^\s+(\w+)\s*=\s*models\.(\w+)\(", re.MULTILINE)


class DjangoSql(SqlInjection):
    name = "django-sql"
    rule_ids = frozenset({"devsecbots.django.sql-injection"})
    cwes = frozenset()  # CWE-89 from elsewhere goes to sql-injection
    methods = frozenset({"execute", "raw"})
    pattern = "query built from strings passed to execute() or raw()"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        self._project = project  # read by identifier_site (models of the project)
        self._django = imports_django(tree)
        return super().sites(tree, path, project)

    def identifier_site(
        self, tree: Tree, call: cst.Call, holder, assignment, parts, spans
    ) -> Site | None:
        where = [
            i for i, p in enumerate(parts) if not isinstance(p, str) and _is_identifier(parts, i)
        ]
        if len(where) != 1:
            return None
        index = where[0]
        columns = _selected_columns(parts) or self._model_columns(tree, call)
        if not columns:
            return Site(
                spans=spans,
                reason="django-sql: an identifier (ORDER BY/GROUP BY column) is interpolated and "
                "the allowed columns cannot be told from the query; choose them from an allow-list",
            )
        queries: dict[str, str] = {}
        params = None
        for column in columns:
            chosen: list[Part] = [*parts[:index], column, *parts[index + 1 :]]
            if any(not isinstance(p, str) for p in chosen):
                try:
                    built = parameterise(chosen, "format")
                except NotParameterisable:
                    return None
                queries[column], params = built.query, built.params_source("format")
            else:
                queries[column] = "".join(chosen)  # type: ignore[arg-type]
        choice = code(unwrap_str(parts[index]))
        table = "{\n" + "".join(f"    {literal(c)}: {literal(q)},\n" for c, q in queries.items())
        lookup = f"{table}}}.get({choice})"
        error = "SuspiciousOperation" if self._django else "ValueError"
        scope_source = code(tree.function_of(call) or tree.module)
        variable = (
            next(
                v
                for v in ("query", "sql_query", "sql_query_2")
                if not re.search(rf"\b{v}\b", scope_source)
            )
            if assignment is None
            else code(assignment.targets[0].target)
        )
        check = stmt(
            f"if {variable} is None:\n"
            f"    raise {error}({literal(f'{choice}: not one of the allowed columns')})\n"
        )

        def plan(edits: Edits) -> str:
            if assignment is not None:
                edits.swap(assignment.value, lambda _: expr(lookup))
                edits.insert_after(tree.statement_of(assignment), [check])  # type: ignore[arg-type]
            else:
                edits.insert_before(
                    tree.statement_of(call),  # type: ignore[arg-type]
                    [stmt(f"{variable} = {lookup}\n"), check],
                )
                edits.swap(holder, lambda _: cst.Name(variable))
            if params is not None:
                edits.swap(call, lambda node: append_positional(node, 1, expr(params)))
            return f"SQL identifier {choice} -> allow-list of columns ({', '.join(columns)})"

        imports = [("SuspiciousOperation", "django.core.exceptions")] if self._django else []
        return Site(spans=spans, plan=plan, imports=imports)

    def _model_columns(self, tree: Tree, call: cst.Call) -> list[str]:
        """`Model.objects.raw(...)`: the model's fields, read from the project's models."""
        manager = call.func.value if isinstance(call.func, cst.Attribute) else None
        if not (
            isinstance(manager, cst.Attribute)
            and manager.attr.value == "objects"
            and isinstance(manager.value, cst.Name)
        ):
            return []
        model = manager.value.value
        for source in [tree.source, *self._project.files.values()]:
            match = re.search(rf"^class {model}\([^)]*Model\):\n((?:[ \t]+.*\n|\n)*)", source, re.M)
            if match:
                fields = [
                    name
                    for name, kind in _FIELD.findall(match.group(1))
                    if not kind.startswith(("ManyToMany", "OneToMany"))
                ]
                return ["id", *[f for f in fields if f != "id"]]
        return []


def _is_identifier(parts: list[Part], index: int) -> bool:
    before = "".join(p if isinstance(p, str) else "?" for p in parts[:index])
    after = parts[index + 1] if index + 1 < len(parts) else ""
    return bool(_IDENTIFIER_BEFORE.search(before)) and (
        not isinstance(after, str) or bool(_IDENTIFIER_AFTER.match(after))
    )


def _selected_columns(parts: list[Part]) -> list[str]:
    """The plain columns of `SELECT a, b AS c FROM` (by their output names); [] otherwise."""
    match = _SELECT.match(parts[0]) if parts and isinstance(parts[0], str) else None
    if match is None:
        return []
    columns = []
    for item in match.group("columns").split(","):
        column = _COLUMN.match(item.strip())
        if column is None:
            return []
        columns.append(column.group("alias") or column.group("name"))
    return columns
