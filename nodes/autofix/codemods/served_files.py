"""Serving stored files by a client-given name: send_file(join(...)) and inline uploads."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, set_keyword, stmt
from devsecbots.nodes.autofix.tree import Tree, code, keyword

TRAVERSAL_RULE = "devsecbots.flask.path-traversal"
INLINE_RULE = "devsecbots.flask.upload-served-inline"
SAFE_TYPES = (
    'INLINE_SAFE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})\n'
)
_JOINS = {"os.path.join", "posixpath.join"}


class SendFileJoin(Codemod):
    name = "send-file-join"
    rule_ids = frozenset({TRAVERSAL_RULE})
    cwes = frozenset({"CWE-22", "CWE-23", "CWE-73"})
    pattern = "send_file(os.path.join(folder, name))"
    topic = r"send_file|serv|download"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            if not _is(tree, call, "flask.send_file", "send_file") or not call.args:
                continue
            first = call.args[0]
            joined = first.value
            spans = [tree.span(tree.statement_of(call) or call)]
            if first.keyword is not None or not isinstance(joined, cst.Call):
                continue
            if not (tree.qualnames(joined) & _JOINS or code(joined.func) in _JOINS):
                continue
            parts = [a for a in joined.args if a.keyword is None]
            if len(parts) < 2 or any(a.star for a in joined.args) or len(parts) != len(joined.args):
                found.append(
                    Site(spans=spans, reason="send-file-join: unusual join; not rewritten")
                )
                continue
            found.append(
                Site(
                    spans=spans,
                    plan=_to_send_from_directory(call, joined, parts),
                    imports=[("send_from_directory", "flask")],
                    unused=["send_file"],
                )
            )
        return found


def _to_send_from_directory(call: cst.Call, joined: cst.Call, parts: list[cst.Arg]):
    folder = (
        code(parts[0].value)
        if len(parts) == 2
        else f"{code(joined.func)}({', '.join(code(p.value) for p in parts[:-1])})"
    )
    name = code(parts[-1].value)
    rest = "".join(f", {code(a).rstrip(', ')}" for a in call.args[1:])

    def plan(edits: Edits) -> str:
        edits.swap(call, lambda _: expr(f"send_from_directory({folder}, {name}{rest})"))
        return (
            "send_file(os.path.join(...)) -> send_from_directory (rejects ../ and absolute names)"
        )

    return plan


class InlineUpload(Codemod):
    name = "inline-upload"
    rule_ids = frozenset({INLINE_RULE})
    cwes = frozenset()
    pattern = "send_from_directory(folder, name) serving uploads inline"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            if not _is(tree, call, "flask.send_from_directory", "send_from_directory"):
                continue
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if len(positional) < 2 or keyword(call, "as_attachment") or keyword(call, "mimetype"):
                continue
            spans = [tree.span(tree.statement_of(call) or call)]
            if any(a.star for a in call.args):
                found.append(Site(spans=spans, reason="inline-upload: **kwargs; not changed"))
                continue
            found.append(
                Site(
                    spans=spans,
                    plan=_as_attachment(tree, call, code(positional[1].value)),
                    imports=[("mimetypes", None)],
                )
            )
        return found


def _as_attachment(tree: Tree, call: cst.Call, name: str):
    def plan(edits: Edits) -> str:
        value = expr(f"mimetypes.guess_type({name})[0] not in INLINE_SAFE_TYPES")
        edits.swap(call, lambda node: set_keyword(node, "as_attachment", value))
        defined = "INLINE_SAFE_TYPES" in tree.source
        top = tree.top_level_of(call)
        if not defined and top is not None and edits.once("inline-safe-types"):
            constant = stmt(SAFE_TYPES).with_changes(leading_lines=[cst.EmptyLine()] * 2)
            edits.insert_before(top, [constant])
        return "uploads served as attachments unless PNG/JPEG/GIF/WebP images"

    return plan


def _is(tree: Tree, call: cst.Call, qualified: str, bare: str) -> bool:
    names = tree.qualnames(call)
    return qualified in names or (not names and code(call.func) in (bare, qualified))
