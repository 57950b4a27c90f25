"""Uploads under the client's filename -> secure_filename, an extension allow-list, a size cap."""

from __future__ import annotations

import libcst as cst
from devsecbots.graphs.state import Finding
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, stmt
from devsecbots.nodes.autofix.flask_app import flask_apps
from devsecbots.nodes.autofix.tree import Tree, code

FILENAME_RULE = "devsecbots.flask.upload-unsanitised-filename"
SIZE_RULE = "devsecbots.flask.upload-missing-max-content-length"
ALLOWED = 'ALLOWED_EXTENSIONS = {"txt", "pdf", "png", "jpg", "jpeg", "gif"}\n'
ALLOWED_FILE = '''def allowed_file(filename):
    """Whether an uploaded file's extension is on the allow-list."""
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS
'''
SIZE_LIMIT = '{app}.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024  # reject uploads over 16 MiB\n'


class Upload(Codemod):
    name = "upload"
    rule_ids = frozenset({FILENAME_RULE, SIZE_RULE})
    cwes = frozenset({"CWE-22", "CWE-23", "CWE-73", "CWE-434", "CWE-770"})
    pattern = "upload saved under the client's filename"
    topic = r"upload|file|size|content.length|too large|body"

    def site_kind(self, finding: Finding) -> str | None:
        size = finding["rule_id"] == SIZE_RULE or (
            not finding["rule_id"] and finding["cwe"] == "CWE-770"
        )
        return "size" if size else "filename"

    def not_found(self, finding: Finding) -> str:
        if self.site_kind(finding) == "size":
            return "upload: no Flask app is created in this file, so no MAX_CONTENT_LENGTH to set"
        return super().not_found(finding)

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        saves = [c for c in tree.find(cst.Call) if _is_save(c)]
        for call in saves:
            site = self._filename_site(tree, call)
            if site is not None:
                found.append(site)
        apps = flask_apps(tree)
        if apps:
            spans = [tree.span(apps[0].created)] + [tree.span(c) for c in saves]
            if "MAX_CONTENT_LENGTH" in tree.source:
                found.append(
                    Site(
                        spans=spans,
                        kind="size",
                        reason="upload: MAX_CONTENT_LENGTH is already set in this file",
                    )
                )
            else:
                found.append(Site(spans=spans, kind="size", plan=lambda e: _size_note(e, apps[0])))
        return found

    def _filename_site(self, tree: Tree, call: cst.Call) -> Site | None:
        function = tree.function_of(call)
        save_line = tree.statement_of(call)
        if function is None or not isinstance(save_line, cst.SimpleStatementLine) or not call.args:
            return None
        spans = [tree.span(save_line)]
        flow = _trace_filename(tree, function, call.args[0].value, save_line)
        if flow is None:
            return None
        raw, where, wrap_target, attribute = flow
        spans.append(tree.span(where))
        if not isinstance(tree.parent(where), cst.IndentedBlock) or not isinstance(
            tree.parent(save_line), cst.IndentedBlock
        ):
            return Site(
                spans=spans,
                kind="filename",
                reason="upload: the save sits in a one-line block; not rewritten automatically",
            )
        taken = _variables(tree, function)
        variable = wrap_target or next(
            (v for v in ("filename", "safe_filename") if v not in taken), None
        )
        if variable is None:
            return Site(spans=spans, kind="filename", reason="upload: no free variable name")
        apps = flask_apps(tree)
        rejection, reject_imports = _rejection(tree, function)
        checked = any(
            code(c) == f"allowed_file({variable})" for c in tree.within(function, cst.Call)
        )
        if checked:
            reject_imports = []

        def plan(edits: Edits) -> str:
            sanitised = f"{variable} = secure_filename({code(raw)})\n"
            check = f"if not allowed_file({variable}):\n" + "".join(f"    {s}\n" for s in rejection)
            checks = [] if checked else [stmt(check)]
            if wrap_target:  # `filename = f.filename` -> wrap the value where it is assigned
                edits.swap(raw, lambda node: expr(f"secure_filename({code(node)})"))
                edits.insert_after(where, checks)
                start = tree.span(where)[1] + 1
            else:
                edits.insert_before(where, [stmt(sanitised), *checks])
                start = tree.span(where)[0]
            block = tree.parent(where)  # later uses in the same block get the clean name too
            for node in tree.within(block, cst.Attribute):  # type: ignore[arg-type]
                if (
                    code(node) == code(attribute)
                    and tree.span(node)[0] >= start
                    and not _is_target(tree, node)
                ):
                    edits.swap(node, lambda _: cst.Name(variable))
            note = "upload: client filename -> secure_filename() + extension allow-list"
            if apps and "MAX_CONTENT_LENGTH" not in tree.source and _size_limit(edits, apps[0]):
                note += " + MAX_CONTENT_LENGTH 16 MiB"
            _allow_list(tree, edits, function)  # after the size limit: both may follow one line
            return note

        return Site(
            spans=spans,
            kind="filename",
            plan=plan,
            imports=[("secure_filename", "werkzeug.utils"), *reject_imports],
        )


def _variables(tree: Tree, function: cst.FunctionDef) -> set[str]:
    """Names used as variables in a function (not attribute or keyword names)."""
    names = set()
    for name in tree.within(function, cst.Name):
        parent = tree.parent(name)
        if isinstance(parent, cst.Attribute) and parent.attr is name:
            continue
        if isinstance(parent, cst.Arg) and parent.keyword is name:
            continue
        names.add(name.value)
    return names


def _is_save(call: cst.Call) -> bool:
    return isinstance(call.func, cst.Attribute) and call.func.attr.value == "save"


def _filename_attrs(node: cst.CSTNode) -> list[cst.Attribute]:
    found: list[cst.Attribute] = []

    class Finder(cst.CSTVisitor):
        def visit_Attribute(self, attribute: cst.Attribute) -> None:
            if attribute.attr.value == "filename":
                found.append(attribute)

        def visit_Call(self, inner: cst.Call) -> bool:  # already sanitised: stop looking inside
            return code(inner.func).split(".")[-1] != "secure_filename"

    node.visit(Finder())
    return found


def _trace_filename(tree: Tree, function: cst.FunctionDef, value: cst.BaseExpression, save_line):
    """(raw filename expression, statement it enters by, variable to wrap or None, `x.filename`)."""
    raw = _filename_attrs(value)
    if raw:
        return raw[0], save_line, None, raw[0]
    save_start = tree.span(save_line)[0]
    for name in (n for n in _names(value)):
        assigns = [
            a
            for a in tree.within(function, cst.Assign)
            if len(a.targets) == 1
            and isinstance(a.targets[0].target, cst.Name)
            and a.targets[0].target.value == name
            and tree.span(a)[0] < save_start
        ]
        if not assigns:
            continue
        assign = assigns[-1]
        raw = _filename_attrs(assign.value)
        if not raw:
            continue
        line = tree.statement_of(assign)
        if _is_filename_chain(assign.value):
            return assign.value, line, name, raw[0]
        return raw[0], line, None, raw[0]
    return None


def _names(node: cst.CSTNode) -> list[str]:
    names: list[str] = []

    class Finder(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            names.append(name.value)

    node.visit(Finder())
    return names


def _is_filename_chain(node: cst.BaseExpression) -> bool:
    """`f.filename`, `f.filename.lower()`, `file.filename.strip()` ..."""
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        node = node.func.value
    return isinstance(node, cst.Attribute) and node.attr.value == "filename"


def _is_target(tree: Tree, node: cst.CSTNode) -> bool:
    parent = tree.parent(node)
    return isinstance(parent, cst.AssignTarget)


def _rejection(
    tree: Tree, function: cst.FunctionDef
) -> tuple[list[str], list[tuple[str, str | None]]]:
    called = {code(c.func) for c in tree.within(function, cst.Call)}
    if {"flash", "redirect"} <= called and "request" in {
        n.value for n in tree.within(function, cst.Name)
    }:
        return ['flash("File type not allowed")', "return redirect(request.url)"], []
    return ["abort(400)"], [("abort", "flask")]


def _allow_list(tree: Tree, edits: Edits, function: cst.FunctionDef) -> None:
    module_names = {
        t.target.value
        for a in tree.module.body
        if isinstance(a, cst.SimpleStatementLine)
        for s in a.body
        if isinstance(s, cst.Assign)
        for t in s.targets
        if isinstance(t.target, cst.Name)
    }
    has_function = any(
        isinstance(s, cst.FunctionDef) and s.name.value == "allowed_file" for s in tree.module.body
    )
    if not edits.once("allow-list") or has_function:
        return
    top = tree.top_level_of(function)
    if top is None:  # a function always sits in a top-level statement
        return
    body = list(tree.module.body)
    index = next(i for i, s in enumerate(body) if s is top)
    new: list[cst.BaseStatement] = []
    previous = body[index - 1] if index else None
    if "ALLOWED_EXTENSIONS" not in module_names:
        gap = 1 if isinstance(previous, cst.SimpleStatementLine) else 2
        new.append(stmt(ALLOWED).with_changes(leading_lines=[cst.EmptyLine()] * gap))
    new.append(stmt(ALLOWED_FILE).with_changes(leading_lines=[cst.EmptyLine()] * 2))
    if previous is not None:
        edits.insert_after(previous, new)
    else:
        edits.insert_before(top, new)


def _size_note(edits: Edits, app) -> str:
    return "upload size limit: MAX_CONTENT_LENGTH = 16 MiB" if _size_limit(edits, app) else ""


def _size_limit(edits: Edits, app) -> bool:
    """Plan `app.config["MAX_CONTENT_LENGTH"] = 16 MiB` after the app's setup lines (once)."""
    if not edits.once("max-content-length"):
        return False
    edits.insert_after(app.setup_end, [stmt(SIZE_LIMIT.format(app=app.name))])
    return True
