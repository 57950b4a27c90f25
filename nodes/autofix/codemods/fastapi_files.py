"""FastAPI and Django files: upload names -> a safe base name; paths joined under a directory
(uploads, FileResponse, open) -> refused when, resolved, they would leave it (the fastapi/django
CWE-22 rules)."""

from __future__ import annotations

import libcst as cst
from devsecbots.graphs.state import Finding
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, stmt
from devsecbots.nodes.autofix.tree import Tree, code

UPLOAD_RULE = "devsecbots.fastapi.upload-unsanitised-filename"
PATH_RULE = "devsecbots.fastapi.path-traversal"
DJANGO_PATH_RULE = "devsecbots.django.path-traversal"
SAFE_NAME = "_safe_filename"
CONTAINED = "_contained_path"
SAFE_NAME_HELPER = '''def {SAFE_NAME}(name):
    """The client's file name reduced to a safe base name (letters, digits, ".", "_", "-")."""
    base = os.path.basename((name or "").replace("\\\\", "/"))
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).strip("._")
    if not base:
        {bad_name}
    return base
'''
# The path is returned as joined, not resolved: resolving turns "a/../b" into "b" even where no
# directory "a" exists, which the OS itself refuses - a check must not widen what a path reaches.
CONTAINED_HELPER = '''def {CONTAINED}(base, *parts):
    """base joined with parts, as given; 404 when, resolved, it would leave base."""
    path = os.path.join(base, *parts)
    root = os.path.realpath(base)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        {not_found}
    return path
'''
RAISES = {  # framework -> (bad upload name, path outside its directory)
    "fastapi": (
        'raise HTTPException(status_code=400, detail="invalid file name")',
        'raise HTTPException(status_code=404, detail="not found")',
    ),
    "django": ('raise SuspiciousFileOperation("invalid file name")', 'raise Http404("not found")'),
}
IMPORTS = {
    "fastapi": [("os", None), ("re", None), ("HTTPException", "fastapi")],
    "django": [
        ("os", None),
        ("re", None),
        ("Http404", "django.http"),
        ("SuspiciousFileOperation", "django.core.exceptions"),
    ],
}
_JOIN = "os.path.join"
_OPENERS = {
    "open",
    "builtins.open",
    "fastapi.responses.FileResponse",
    "starlette.responses.FileResponse",
}


class FastapiFiles(Codemod):
    name = "fastapi-files"
    rule_ids = frozenset({UPLOAD_RULE, PATH_RULE, DJANGO_PATH_RULE})
    pattern = "path joined from request data"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for join in tree.calls_to(_JOIN):
            if tree.function_of(join) is None or len(join.args) < 2 or CONTAINED in code(join):
                continue
            if any(a.star for a in join.args):
                continue
            spans = [tree.span(tree.statement_of(join) or join), *_uses(tree, join)]
            web = _framework(tree)
            imports = [i for i in IMPORTS[web] if i[0] != "re" or _names_uploads(tree)]
            found.append(Site(spans=spans, plan=self._contain(tree, join), imports=imports))
        for call in tree.find(cst.Call):
            if not (tree.qualnames(call) & _OPENERS) or not call.args:
                continue
            target = call.args[0].value
            if _is_filename(target):
                found.append(
                    Site(
                        spans=[tree.span(tree.statement_of(call) or call)],
                        reason="fastapi-files: the upload is written to the working directory "
                        "under its own name; join it under an upload directory first",
                    )
                )
            elif isinstance(target, cst.Name) and not _assigned_from_join(tree, call, target):
                found.append(
                    Site(
                        spans=[tree.span(tree.statement_of(call) or call)],
                        reason="fastapi-files: the path is used as given, with no base directory "
                        "to keep it in; decide which directory it may name",
                    )
                )
        return found

    def _contain(self, tree: Tree, join: cst.Call):
        def plan(edits: Edits) -> str:
            _helpers(tree, edits, join)
            args = [
                f"{SAFE_NAME}({code(a.value)})" if _is_filename(a.value) else code(a.value)
                for a in join.args
            ]
            edits.swap(join, lambda _: expr(f"{CONTAINED}({', '.join(args)})"))
            if any(_is_filename(a.value) for a in join.args):
                return "upload name -> safe base name, resolved path kept inside its directory"
            return "path from request data -> resolved and kept inside its directory (else 404)"

        return plan

    def site_kind(self, finding: Finding) -> str | None:
        return None


def _framework(tree: Tree) -> str:
    """Which framework's exceptions the helpers raise: django when the module imports it."""
    for origin in tree.find(cst.ImportFrom):
        module = code(origin.module) if origin.module is not None else ""
        if module.split(".")[0] == "django":
            return "django"
    for plain in tree.find(cst.Import):
        if any(code(a.name).split(".")[0] == "django" for a in plain.names):
            return "django"
    return "fastapi"


def _is_filename(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Attribute) and node.attr.value == "filename"


def _uses(tree: Tree, join: cst.Call) -> list[tuple[int, int]]:
    """Lines where the joined path, assigned to a name, is opened or served."""
    parent = tree.parent(join)
    if not (isinstance(parent, cst.Assign) and isinstance(parent.targets[0].target, cst.Name)):
        return []
    name = parent.targets[0].target.value
    function = tree.function_of(join)
    return [
        tree.span(tree.statement_of(c) or c)
        for c in tree.within(function, cst.Call)  # type: ignore[arg-type]
        if tree.qualnames(c) & _OPENERS
        and c.args
        and isinstance(c.args[0].value, cst.Name)
        and c.args[0].value.value == name
    ]


def _assigned_from_join(tree: Tree, call: cst.Call, name: cst.Name) -> bool:
    function = tree.function_of(call)
    if function is None:
        return True  # module level: not request data
    return any(
        isinstance(a.value, cst.Call)
        and tree.qualnames(a.value) & {_JOIN}
        and any(code(t.target) == name.value for t in a.targets)
        for a in tree.within(function, cst.Assign)
    )


def _helpers(tree: Tree, edits: Edits, near: cst.CSTNode) -> None:
    defined = {s.name.value for s in tree.module.body if isinstance(s, cst.FunctionDef)}
    if not edits.once("fastapi-helpers") or CONTAINED in defined:
        return
    top = tree.top_level_of(near)
    bad_name, not_found = RAISES[_framework(tree)]
    blocks = [SAFE_NAME_HELPER] if _names_uploads(tree) else []
    blocks.append(CONTAINED_HELPER)
    statements = [
        stmt(
            block.format(
                SAFE_NAME=SAFE_NAME, CONTAINED=CONTAINED, bad_name=bad_name, not_found=not_found
            )
        ).with_changes(leading_lines=[cst.EmptyLine()] * 2)
        for block in blocks
    ]
    edits.insert_before(top, statements)  # type: ignore[arg-type]


def _names_uploads(tree: Tree) -> bool:
    """Whether a join in the module takes an upload's own name (then the safe-name helper)."""
    return any(_is_filename(a.value) for j in tree.calls_to(_JOIN) for a in j.args)
