"""Flask apps taking POST forms without CSRF protection -> Flask-WTF's CSRFProtect (CWE-352)."""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst
from devsecbots.graphs.state import Finding
from devsecbots.nodes.autofix.base import Codemod, FileResult, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, stmt
from devsecbots.nodes.autofix.flask_app import flask_apps
from devsecbots.nodes.autofix.forms import (
    add_token_fields,
    forms_with_templated_method,
    requirements_for,
    templates_near,
    with_requirement,
)
from devsecbots.nodes.autofix.tree import Tree, is_false, keyword, string_value

MISSING_RULE = "devsecbots.flask.missing-csrf-protection"
DISABLED_RULE = "devsecbots.flask.csrf-disabled"
_TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")


class Csrf(Codemod):
    name = "csrf"
    rule_ids = frozenset({MISSING_RULE, DISABLED_RULE})
    cwes = frozenset({"CWE-352"})
    pattern = "Flask app without CSRF protection"

    def site_kind(self, finding: Finding) -> str | None:
        return "disabled" if finding["rule_id"] == DISABLED_RULE else "missing"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = [self._disabled_site(tree, path, value) for value in _disabling_values(tree)]
        apps = flask_apps(tree)
        if not apps:
            return found
        app = apps[0]
        spans = [(1, max(1, len(tree.lines)))]  # the whole file: the protection is app-wide
        if "CSRFProtect" in tree.source:
            found.append(
                Site(spans=spans, kind="missing", reason="csrf: CSRFProtect is already set up")
            )
            return found
        if not _takes_forms(tree, path, project):
            found.append(
                Site(
                    spans=spans,
                    kind="missing",
                    reason="csrf: the app takes no HTML forms "
                    "(an API?); CSRFProtect would reject its clients, so protect it by hand",
                )
            )
            return found
        undecided = forms_with_templated_method(project.files, templates_near(project.files, path))
        if undecided:
            found.append(
                Site(
                    spans=spans,
                    kind="missing",
                    reason=f"csrf: a form in {undecided[0]} takes its method from the template "
                    '(method="{{ ... }}"); CSRFProtect would reject it when it posts: add '
                    "{{ csrf_token() }} to the forms that post, then CSRFProtect(app)",
                )
            )
            return found
        variable = next(
            v for v in ("csrf", "csrf_protect", "_csrf") if not re.search(rf"\b{v}\b", tree.source)
        )

        inline = _inline_templates(tree)

        def plan(edits: Edits) -> str:
            edits.insert_after(app.setup_end, [stmt(f"{variable} = CSRFProtect({app.name})\n")])
            for node, new_value in inline:
                edits.swap(node, _with_value(new_value))
            forms = f" (+ token field in {len(inline)} inline template(s))" if inline else ""
            return f"csrf: CSRFProtect(app) enabled{forms}"

        found.append(
            Site(
                spans=spans, kind="missing", plan=plan, imports=[("CSRFProtect", "flask_wtf.csrf")]
            )
        )
        return found

    def _disabled_site(self, tree: Tree, path: str, value: cst.BaseExpression) -> Site:
        spans = [tree.span(tree.statement_of(value) or value)]
        if _TEST_FILE.search(path):
            return Site(
                spans=spans,
                kind="disabled",
                reason="csrf: tests disable CSRF on purpose; left as is",
            )

        def plan(edits: Edits) -> str:
            edits.swap(value, lambda _: expr("True"))
            return "csrf: WTF_CSRF_ENABLED False -> True"

        return Site(spans=spans, kind="disabled", plan=plan)

    def extra(self, tree: Tree, path: str, project: Project, result: FileResult) -> None:
        if not any(self.site_kind(f) == "missing" for f in result.fixed):
            return
        for template in templates_near(project.files, path):
            html, forms = add_token_fields(project.files[template])
            if forms:
                result.other_files[template] = html
                result.notes.append(f"{template}: csrf_token field added to {forms} POST form(s)")
        requirements = requirements_for(project.files, path)
        if requirements is None:
            result.notes.append(f"{path}: add flask-wtf>=1.2 to the project's dependencies")
            return
        updated = with_requirement(project.files[requirements])
        if updated is not None:
            result.other_files[requirements] = updated
            result.notes.append(f"{requirements}: flask-wtf>=1.2 added")


def _takes_forms(tree: Tree, path: str, project: Project) -> bool:
    """Whether the app renders pages or reads form fields (so browsers can carry the token)."""
    if "request.form" in tree.source or "render_template" in tree.source:
        return True
    return any(add_token_fields(project.files[t])[1] for t in templates_near(project.files, path))


def _with_value(value: str) -> Callable[[cst.SimpleString], cst.CSTNode]:
    """A replacer that gives a string literal the text `value` (its quotes included)."""
    return lambda node: node.with_changes(value=value)


def _inline_templates(tree: Tree) -> list[tuple[cst.SimpleString, str]]:
    """String literals holding POST forms, in files that render templates from strings."""
    if "render_template_string" not in tree.source:
        return []
    found = []
    for node in tree.find(cst.SimpleString):
        if "<form" not in node.value.lower() or "b" in node.prefix.lower():
            continue
        attribute_quote = "'" if node.quote[0] == '"' and len(node.quote) == 1 else '"'
        new_value, forms = add_token_fields(node.value, attribute_quote)
        if forms:
            found.append((node, new_value))
    return found


def _disabling_values(tree: Tree) -> list[cst.BaseExpression]:
    """`False` values given to WTF_CSRF_ENABLED (config item, constant or keyword)."""
    values = []
    for assign in tree.find(cst.Assign):
        for target in assign.targets:
            t = target.target
            key = None
            if isinstance(t, cst.Name):
                key = t.value
            elif (
                isinstance(t, cst.Subscript)
                and len(t.slice) == 1
                and isinstance(t.slice[0].slice, cst.Index)
            ):
                key = string_value(t.slice[0].slice.value)
            if key == "WTF_CSRF_ENABLED" and is_false(assign.value):
                values.append(assign.value)
    for call in tree.find(cst.Call):
        arg = keyword(call, "WTF_CSRF_ENABLED")
        if arg is not None and is_false(arg.value):
            values.append(arg.value)
    for element in tree.find(cst.DictElement):
        if string_value(element.key) == "WTF_CSRF_ENABLED" and is_false(element.value):
            values.append(element.value)
    return values
