"""Listening on every interface ("0.0.0.0") -> localhost unless the environment says (B104)."""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr
from devsecbots.nodes.autofix.strings import literal
from devsecbots.nodes.autofix.tree import Tree, code, string_value

ALL_INTERFACES = {"0.0.0.0"}
_HOST_WORDS = re.compile(r"host|addr|bind|listen|interface|^ip$|_ip$", re.IGNORECASE)
_SERVER_CALLS = {
    "run",
    "bind",
    "listen",
    "serve",
    "create_server",
    "make_server",
    "start_server",
    "run_simple",
    "HTTPServer",
    "ThreadingHTTPServer",
    "TCPServer",
    "ThreadingTCPServer",
    "UDPServer",
    "WSGIServer",
}
LOCALHOST = "127.0.0.1"
_ENV_GETTERS = {"os.environ.get", "os.getenv"}


class BindHost(Codemod):
    name = "bind-host"
    rule_ids = frozenset(
        {"B104", "devsecbots.flask.bind-all-interfaces", "devsecbots.fastapi.bind-all-interfaces"}
    )
    cwes = frozenset({"CWE-605", "CWE-1327"})
    pattern = 'host "0.0.0.0"'
    topic = r"0\.0\.0\.0|interface|bind|host|listen"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        variable = "FLASK_RUN_HOST" if "flask" in tree.source.lower() else "BIND_HOST"
        found = []
        for node in tree.find(cst.SimpleString):
            if string_value(node) not in ALL_INTERFACES:
                continue
            parent = tree.parent(node)
            spans = [tree.span(tree.statement_of(node) or node)]
            if _opted_in(tree, node):
                found.append(
                    Site(
                        spans=spans,
                        reason="bind-host: only runs when the environment asks for it (e.g. a "
                        "remote debugger in a container): the operator chose every interface",
                    )
                )
            elif isinstance(parent, cst.Arg) and _is_env_default(tree, parent):
                found.append(
                    Site(
                        spans=spans,
                        plan=_plan(
                            node,
                            literal(LOCALHOST, node.quote),
                            "default host 0.0.0.0 -> 127.0.0.1",
                        ),
                    )
                )
            elif _binds(tree, node):
                name, default = literal(variable, node.quote), literal(LOCALHOST, node.quote)
                replacement = f"os.environ.get({name}, {default})"
                found.append(
                    Site(
                        spans=spans,
                        imports=[("os", None)],
                        plan=_plan(
                            node, replacement, f"host 0.0.0.0 -> env {variable}, default 127.0.0.1"
                        ),
                    )
                )
            else:
                found.append(
                    Site(
                        spans=spans,
                        reason="0.0.0.0 is not bound here (only compared or "
                        "passed on); nothing to change",
                    )
                )
        return found


def _binds(tree: Tree, node: cst.CSTNode) -> bool:
    """Whether the literal is an address something listens on (not a value compared or parsed)."""
    parent = tree.parent(node)
    if isinstance(parent, cst.Element):  # ("0.0.0.0", port)
        holder = tree.parent(parent)
        return isinstance(holder, cst.Tuple) and _binds(tree, holder)
    if isinstance(parent, (cst.Assign, cst.AnnAssign)):
        return True
    if isinstance(parent, cst.Param):
        return bool(_HOST_WORDS.search(parent.name.value))
    if isinstance(parent, cst.DictElement):
        key = string_value(parent.key)
        return parent.value is node and bool(key and _HOST_WORDS.search(key))
    if isinstance(parent, cst.Arg):
        if parent.keyword is not None:
            return bool(_HOST_WORDS.search(parent.keyword.value))
        call = tree.parent(parent)
        name = code(call.func).split(".")[-1] if isinstance(call, cst.Call) else ""
        return name in _SERVER_CALLS
    return False


def _opted_in(tree: Tree, node: cst.CSTNode) -> bool:
    """Whether the code runs only under an `if` reading the environment (an operator opt-in)."""
    return any(
        isinstance(a, cst.If) and re.search(r"\bos\.(environ|getenv)\b|\bgetenv\(", code(a.test))
        for a in tree.ancestors(node)
    )


def _is_env_default(tree: Tree, arg: cst.Arg) -> bool:
    call = tree.parent(arg)
    return (
        isinstance(call, cst.Call)
        and bool(tree.qualnames(call) & _ENV_GETTERS)
        and arg is not call.args[0]
    )


def _plan(node: cst.SimpleString, replacement: str, note: str):
    def plan(edits: Edits) -> str:
        edits.swap(node, lambda _: expr(replacement))
        return note

    return plan
