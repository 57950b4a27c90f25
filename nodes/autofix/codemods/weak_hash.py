"""MD5 / SHA-1 used for security -> SHA-256 (CWE-327/CWE-328, Bandit B324)."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr
from devsecbots.nodes.autofix.security_use import security_use, waived_on_line
from devsecbots.nodes.autofix.strings import literal
from devsecbots.nodes.autofix.tree import Tree, is_false, keyword, string_value

WEAK = ("md4", "md5", "sha", "sha1")
STRONG = "sha256"


class WeakHash(Codemod):
    name = "weak-hash"
    rule_ids = frozenset({"B324", "B303", "devsecbots.python.weak-hash"})
    cwes = frozenset({"CWE-327", "CWE-328", "CWE-916"})
    pattern = "MD5/SHA-1 hash"
    topic = r"hash|md5|sha-?1|digest"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            names = tree.qualnames(call)
            flag = keyword(call, "usedforsecurity")
            if flag is not None and is_false(flag.value):
                continue  # declared not for security: not a finding
            spans = [tree.span(tree.statement_of(call) or call)]
            weak = next((w for w in WEAK if f"hashlib.{w}" in names), None)
            if weak is not None or "hashlib.new" in names:
                why = _not_for_security(tree, call, spans[0])
                if why:
                    found.append(Site(spans=spans, reason=f"weak-hash: {why}"))
                    continue
            if weak is not None:
                named = isinstance(call.func, cst.Name)
                found.append(
                    Site(
                        spans=spans,
                        plan=_rename(call, weak),
                        imports=[("hashlib", None)] if named else [],
                        unused=[call.func.value] if isinstance(call.func, cst.Name) else [],
                    )
                )
            elif "hashlib.new" in names and call.args:
                name_arg = call.args[0].value
                algorithm = string_value(name_arg)
                if (
                    isinstance(name_arg, cst.SimpleString)
                    and algorithm
                    and algorithm.lower() in WEAK
                ):
                    found.append(Site(spans=spans, plan=_new(name_arg, algorithm)))
        return found


def _not_for_security(tree: Tree, call: cst.Call, span: tuple[int, int]) -> str:
    """Why this digest is left as it is ('' when it is visibly used for security)."""
    lines = tree.lines[span[0] - 1 : span[1]]
    if any(waived_on_line(line, "S324", "S303", "B324", "B303") for line in lines):
        return "the code says this hash is not for security (# noqa: S324 / # nosec)"
    # Not the function's name: `authorize_login_password(email)` hashes an email for a bucket name.
    if security_use(tree, call, function_name=False):
        return ""
    return (
        "nothing around it says the digest protects anything (a password, token, signature): "
        "a content fingerprint (cache key, file id, avatar hash) keeps its algorithm; "
        "change it by hand if it does"
    )


def _rename(call: cst.Call, weak: str):
    def plan(edits: Edits) -> str:
        def change(node: cst.Call) -> cst.Call:
            if isinstance(node.func, cst.Attribute):
                return node.with_changes(func=node.func.with_changes(attr=cst.Name(STRONG)))
            return node.with_changes(func=expr(f"hashlib.{STRONG}"))

        edits.swap(call, change)
        return (
            f"hashlib.{weak} -> hashlib.{STRONG} (digests change: stored ones must be recomputed)"
        )

    return plan


def _new(name_arg: cst.SimpleString, weak: str):
    def plan(edits: Edits) -> str:
        edits.swap(name_arg, lambda node: expr(literal(STRONG, node.quote)))
        return f'hashlib.new("{weak}") -> hashlib.new("{STRONG}")'

    return plan
