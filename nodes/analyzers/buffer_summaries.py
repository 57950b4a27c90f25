"""Project helpers that return an in-memory file, read across files, for `send_file`.

`send_file(io.BytesIO(...))` sends the buffer's content: there is no path to traverse, and the
path-traversal rule already knows a buffer built in the view. A view that sends what a project
helper returned (`send_file(dump_csv(name=table))`) is the same when the helper returns only
in-memory buffers. A helper does when each of its returns is

- `BytesIO(...)` / `StringIO(...)` / `SpooledTemporaryFile(...)`, or a local name every
  assignment of which is one of these returns;
- a call to another such helper, or through a module-level table of them
  (`TABLE.get(key)()`, `dump = TABLE[key]; dump()`, lambdas included).

A helper that opens a file itself (`open`, `read_bytes`, ...) does not count: its buffer may
hold a file read from a path its caller chose. The summary is a least fixpoint over the project
(every definition of a name agreeing, an abstract one, that only raises, neutral). A
path-traversal finding on a line whose `send_file` sends such a helper's buffer, and that opens
no file itself, is kept at low confidence, with the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import _assigned_values, called_name
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.project_tables import looked_up, lookup_tables
from devsecbots.nodes.analyzers.project_trees import (
    all_nodes,
    parents_of,
    parse_files,
    tree_parents,
)
from devsecbots.nodes.analyzers.summary_defs import definitions, value_returns

BUFFERS = frozenset({"BytesIO", "StringIO", "SpooledTemporaryFile"})
PATH_RULES = frozenset({"devsecbots.flask.path-traversal"})
SENDERS = frozenset({"send_file"})
FILE_READS = frozenset({"open", "fdopen", "FileIO", "read_bytes", "read_text"})

Parents = dict[ast.AST, ast.AST]
Tables = dict[str, list[ast.expr]]


def buffer_helpers(trees: Iterable[ast.AST], tables: Tables) -> set[str]:
    """Names of the project functions that return only in-memory buffers."""
    trees = tuple(trees)
    readers = _file_readers(trees)
    defs = {
        name: functions
        for name, functions in definitions(trees).items()
        if not any(d.function in readers for d in functions)
    }
    found: set[str] = set()
    while True:  # grows only: a helper qualifies through helpers found before it
        now = {
            name
            for name, functions in defs.items()
            if value_returns(functions, _returns_one(found, tables))
        }
        if now == found:
            return found
        found = now


def _file_readers(trees: tuple[ast.AST, ...]) -> set[ast.AST]:
    """The functions whose code (nested functions, decorators, defaults included) opens or
    reads a file: every function around such a call."""
    parents = parents_of(trees)
    found: set[ast.AST] = set()
    for node in all_nodes(trees):
        if isinstance(node, ast.Call) and called_name(node.func) in FILE_READS:
            while node in parents:
                node = parents[node]
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    found.add(node)
    return found


def _returns_one(helpers: set[str], tables: Tables) -> Callable[[ast.Return, Parents], bool]:
    """A test of one return statement: does it return a buffer, given these helpers?"""
    return lambda ret, parents: _is_buffer(ret.value, helpers, tables, parents)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a path-traversal one whose `send_file` sends a helper's buffer at low."""
    if not any(f["rule_id"] in PATH_RULES for f in findings):
        return findings
    trees = parse_files(files)
    tables = lookup_tables(trees.values())
    helpers = buffer_helpers(trees.values(), tables)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] in PATH_RULES and tree is not None:
            if _sends_buffer(tree, finding["line"], helpers, tables):
                why = "send_file sends an in-memory buffer a project helper builds, not a path"
                finding = lowered(finding, why)
        out.append(finding)
    return out


def _sends_buffer(tree: ast.AST, line: int, helpers: set[str], tables: Tables) -> bool:
    """Whether the line's `send_file` calls (at least one) all send such a helper's buffer."""
    parents = tree_parents(tree)
    sends = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and _spans(n, line) and called_name(n.func) in SENDERS
    ]
    if any(_reads_files(n) for n in ast.walk(tree) if _spans(n, line)):
        return False  # the finding may be that read, not the send
    return bool(sends) and all(
        (sent := _sent(call)) is not None and _is_buffer(sent, helpers, tables, parents)
        for call in sends
    )


def _sent(call: ast.Call) -> ast.expr | None:
    """The file argument of send_file(path_or_file, ...)."""
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "path_or_file"), None)


def _is_buffer(value: ast.AST | None, helpers: set[str], tables: Tables, parents: Parents) -> bool:
    """Whether the expression is an in-memory buffer, given the helpers known to return one."""
    if isinstance(value, ast.IfExp):
        return all(_is_buffer(v, helpers, tables, parents) for v in (value.body, value.orelse))
    if isinstance(value, ast.Name):
        values = _assigned_values(value, parents)
        return bool(values) and all(
            not isinstance(v, ast.Name) and _is_buffer(v, helpers, tables, parents) for v in values
        )
    if not isinstance(value, ast.Call):
        return False
    if called_name(value.func) in BUFFERS | helpers:
        return True
    callees = _callees(value.func, tables, parents)
    return bool(callees) and all(_returns_buffer(c, helpers, tables) for c in callees)


def _callees(func: ast.AST, tables: Tables, parents: Parents) -> list[ast.expr]:
    """What a call through a table calls: the table's values ([] when it is no such call)."""
    found = looked_up(func, tables)
    if found is not None:
        return found
    if isinstance(func, ast.Name):
        values = _assigned_values(func, parents)
        lookups = [looked_up(v, tables) for v in values]
        if values and all(v is not None for v in lookups):
            return [c for v in lookups for c in v or []]
    return []


def _returns_buffer(callee: ast.expr, helpers: set[str], tables: Tables) -> bool:
    """Whether calling a table's value returns a buffer: a helper, or a lambda returning one."""
    if isinstance(callee, ast.Lambda):
        return not _reads_files(callee) and _is_buffer(callee.body, helpers, tables, {})
    return isinstance(callee, ast.Name | ast.Attribute) and called_name(callee) in helpers


def _reads_files(node: ast.AST) -> bool:
    """Whether the code opens or reads a file (`open(...)`, `path.read_bytes()`, ...)."""
    return any(
        isinstance(n, ast.Call) and called_name(n.func) in FILE_READS for n in ast.walk(node)
    )


def _spans(node: ast.AST, line: int) -> bool:
    """Whether a call node covers `line`."""
    return isinstance(node, ast.Call) and node.lineno <= line <= (node.end_lineno or node.lineno)
