"""SQL built by string formatting -> a parameterised query in the driver's style (CWE-89, B608)."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, append_positional, expr
from devsecbots.nodes.autofix.sql_params import NotParameterisable, parameterise
from devsecbots.nodes.autofix.strings import is_dynamic, literal, parts_of, quote_of
from devsecbots.nodes.autofix.tree import Tree, code

DRIVER_STYLES = {
    "sqlite3": "qmark",
    "aiosqlite": "qmark",
    "psycopg2": "format",
    "psycopg": "format",
    "pymysql": "format",
    "MySQLdb": "format",
    "mysql": "format",
    "pg8000": "format",
    "sqlalchemy": "named",
    "flask_sqlalchemy": "named",
    "django": "format",  # django.db.connection: %s, whatever the database
}
TEXT_FUNCTIONS = {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"}


class SqlInjection(Codemod):
    name = "sql-injection"
    rule_ids = frozenset(
        {"B608", "devsecbots.flask.sql-injection", "devsecbots.fastapi.sql-injection"}
    )
    cwes = frozenset({"CWE-89"})
    pattern = "query built from strings passed to execute()"

    methods: frozenset[str] = frozenset({"execute"})

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        styles = _driver_styles(tree)
        found = []
        for call in tree.find(cst.Call):
            if (
                not (isinstance(call.func, cst.Attribute) and call.func.attr.value in self.methods)
                or not call.args
            ):
                continue
            site = self._site(tree, call, styles)
            if site is not None:
                found.append(site)
        return found

    def _site(self, tree: Tree, call: cst.Call, styles: set[str]) -> Site | None:
        query = call.args[0].value
        spans = [tree.span(tree.statement_of(call) or call)]
        wrapped = isinstance(query, cst.Call) and bool(tree.qualnames(query) & TEXT_FUNCTIONS)
        holder = (
            query.args[0].value if isinstance(query, cst.Call) and wrapped and query.args else query
        )
        assignment = None
        if isinstance(holder, cst.Name):
            assignment = _single_assignment(tree, call, holder.value)
            if assignment is None:
                return None
            spans.append(tree.span(assignment))
            holder = assignment.value
            if (
                isinstance(holder, cst.Call)
                and tree.qualnames(holder) & TEXT_FUNCTIONS
                and holder.args
            ):
                wrapped, holder = True, holder.args[0].value
        parts = parts_of(holder)
        if not is_dynamic(parts):
            return None
        if len(call.args) > 1 or call.args[0].keyword:
            return Site(
                spans=spans,
                reason="sql-injection: the query already takes parameters and "
                "also interpolates text (identifier?); not changed",
            )
        style = "named" if wrapped else (next(iter(styles)) if len(styles) == 1 else None)
        if style is None:
            why = (
                "several database drivers are imported"
                if styles
                else "the database driver is not recognisable"
            )
            return Site(spans=spans, reason=f"sql-injection: {why}; placeholder style unknown")
        try:
            built = parameterise(parts, style)  # type: ignore[arg-type]
        except NotParameterisable as why:
            chosen = self.identifier_site(tree, call, holder, assignment, parts, spans)
            return chosen or Site(spans=spans, reason=f"sql-injection: {why}")
        text = literal(built.query, quote_of(holder))
        replacement = text if wrapped or style != "named" else f"text({text})"
        params = built.params_source(style)

        def plan(edits: Edits) -> str:
            edits.swap(holder, lambda _: expr(replacement))
            edits.swap(call, lambda node: append_positional(node, 1, expr(params)))
            placeholder = {"qmark": "?", "format": "%s", "named": ":name"}[style]
            return f"SQL built from strings -> parameterised query ({placeholder} placeholders)"

        imports = [("text", "sqlalchemy")] if style == "named" and not wrapped else []
        return Site(spans=spans, plan=plan, imports=imports)

    def identifier_site(
        self, tree: Tree, call: cst.Call, holder, assignment, parts, spans
    ) -> Site | None:
        """A fix for a query whose interpolated piece is an identifier; None: not handled."""
        return None


def _driver_styles(tree: Tree) -> set[str]:
    styles = set()
    for node in tree.find(cst.Import):
        for alias in node.names:
            styles.add(DRIVER_STYLES.get(code(alias.name).split(".")[0], ""))
    for imported in tree.find(cst.ImportFrom):
        if imported.module is not None and not imported.relative:
            styles.add(DRIVER_STYLES.get(code(imported.module).split(".")[0], ""))
    styles.discard("")
    return styles


def _single_assignment(tree: Tree, call: cst.Call, name: str) -> cst.Assign | None:
    scope = tree.function_of(call) or tree.module
    assigns = [
        a
        for a in tree.within(scope, cst.Assign)
        if any(isinstance(t.target, cst.Name) and t.target.value == name for t in a.targets)
    ]
    rebinds = [n for n in tree.within(scope, cst.AugAssign) if code(n.target) == name]
    if len(assigns) != 1 or rebinds or len(assigns[0].targets) != 1:
        return None
    if tree.span(assigns[0])[0] >= tree.span(call)[0]:
        return None
    return assigns[0]
