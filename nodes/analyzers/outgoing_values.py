"""Whether a value only leaves in HTTP requests this code sends to another site.

A client imitating a web browser or app makes up values the site expects (a browser id cookie,
a request nonce, the numbers of a JavaScript challenge) or picks one of the site's public API
keys. Such a value is this code's part of someone else's protocol, not a secret of this app: a
weak random draw for it protects nothing here. The value is followed forward through the module
(assignments, containers, string building, functions of the module it is passed to or returned
from) and every place it reaches must be one of:

- an HTTP client call (`requests.post(url, data=...)`, `get(f"...?n={n}", cookies=...)`) as
  its URL or headers/cookies/params/data/json;
- a request description a function fills in for its caller: the mapping passed to it as a
  parameter whose "url" the function sets (`params["url"] = ...`,
  `params["headers"].update(...)`, `params["cookies"] = ...`);
- a log line, a memoising cache the function reads back itself, or a comparison with constants.

Anywhere else (stored on an object, in a session or database, returned to unknown callers,
compared with a request's value, passed to an unknown function) the value may be checked later
or reach the app's users, and the reading does not apply. The following itself is kept apart from
the places it accepts (`Flow._sink`, `Flow._stored_sink`), which a subclass may replace
(written_files.py: rendered text only written to files).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import ClassVar

from devsecbots.nodes.analyzers.attachment_headers import constant_item
from devsecbots.nodes.security_words import spelled, words

HTTP_CALLS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "urlopen", "Request"}
)
HTTP_PARTS = frozenset({"headers", "cookies", "params", "data", "json", "files", "content"})
_HTTP_MODULES = frozenset({"requests", "httpx", "urllib", "urllib3", "aiohttp"})
_HTTP_KEYWORDS = HTTP_PARTS | {"timeout", "allow_redirects", "verify", "auth", "proxies"}
# Calls and methods whose result is made from their arguments and that keep nothing.
DERIVING = frozenset(
    {
        "str",
        "int",
        "float",
        "hex",
        "ord",
        "chr",
        "len",
        "format",
        "join",
        "encode",
        "decode",
        "upper",
        "lower",
        "isupper",
        "islower",
        "replace",
        "strip",
        "rstrip",
        "lstrip",
        "urlencode",
        "quote",
        "quote_plus",
        "b64encode",
        "urlsafe_b64encode",
        "digest",
        "hexdigest",
        "sha256",
        "sha1",
        "md5",
        "sorted",
        "list",
        "tuple",
        "dict",
        "items",
    }
)
_LOGGING = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
_COLLECTING = frozenset({"append", "extend", "update", "add"})
_DEPTH = 8


@dataclass
class Flow:
    """The places a value reaches in one module, and the names it passes through."""

    tree: ast.Module
    parents: dict[ast.AST, ast.AST]
    carriers: ClassVar[frozenset[str]] = DERIVING
    names: set[str] = field(default_factory=set)
    _seen: set[tuple[int, str]] = field(default_factory=set)
    _returned: set[str] = field(default_factory=set)

    def only_to_sinks(self, node: ast.AST) -> bool:
        """Whether the value of `node` only reaches the sinks (`_sink`, `_stored_sink`)."""
        if isinstance(node, ast.Call) and spelled(node.func) == "shuffle":
            return False  # the list shuffled in place is the value, not what the call returns
        return self._value(node, 0)

    def _value(self, node: ast.AST, depth: int) -> bool:
        """Follow the value of `node` up through the expressions that carry it."""
        if depth > _DEPTH:
            return False
        while True:
            parent = self.parents.get(node)
            if parent is None:
                return False
            if isinstance(
                parent,
                ast.BinOp
                | ast.JoinedStr
                | ast.FormattedValue
                | ast.List
                | ast.Set
                | ast.Starred
                | ast.IfExp
                | ast.GeneratorExp
                | ast.ListComp,
            ):
                node = parent
            elif isinstance(parent, ast.Tuple):
                loop = self._loop_element(parent, node)
                if loop is not None:
                    return all(self._name(n, depth) for n in loop)
                node = parent
            elif isinstance(parent, ast.Dict):
                self._record_key(parent, node)
                node = parent
            elif isinstance(parent, ast.Subscript):
                node = parent
            elif isinstance(parent, ast.Attribute):
                call = self.parents.get(parent)
                if not (isinstance(call, ast.Call) and call.func is parent):
                    return False
                if parent.attr in _COLLECTING:
                    return True  # more put into a container already followed
                if parent.attr not in self.carriers:
                    return False
                node = call
            elif isinstance(parent, ast.keyword | ast.Call):
                call = self.parents[parent] if isinstance(parent, ast.keyword) else parent
                verdict = self._argument(call, parent, node, depth)
                if verdict is not None:
                    return verdict
                node = call
            elif isinstance(parent, ast.Compare):
                return self._with_constants(parent, node)
            else:
                return self._statement(parent, node, depth)

    def _argument(self, call: ast.AST, via: ast.AST, node: ast.AST, depth: int) -> bool | None:
        """What passing the value to `call` means: True/False, or None when its result carries
        the value on."""
        assert isinstance(call, ast.Call)
        name = spelled(call.func)
        if self._sink(call, via, node):
            return True
        if name in _COLLECTING and isinstance(call.func, ast.Attribute):
            target = call.func.value
            return isinstance(target, ast.Name) and self._local(target, depth)
        if name in self.carriers:
            return None
        function = self._module_function(call.func)
        if function is not None and self._through(function, call, via, node, depth):
            return None
        return False

    def _sink(self, call: ast.Call, via: ast.AST, node: ast.AST) -> bool:
        """Whether passing the value to `call` sends it out: an HTTP client call, a request
        description's update, or where it goes nowhere else (a log line, a memoising cache)."""
        keyword = via.arg if isinstance(via, ast.keyword) else None
        if is_http_call(call):
            if keyword in HTTP_PARTS or keyword == "url":
                return True
            if keyword is None and call.args and call.args[0] is node:
                return True
        if spelled(call.func) == "update" and self._request_part(call.func):
            return True
        return self._memoised(call) or is_logging(call)

    def _stored_sink(self, target: ast.AST) -> bool:
        """Whether storing the value into `target` sends it out (a request description's part)."""
        return self._request_part(target)

    def _statement(self, parent: ast.AST, node: ast.AST, depth: int) -> bool:
        """Where a statement puts the value: a name, a request description, a return."""
        if isinstance(parent, ast.Assign | ast.AnnAssign) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            return all(self._stored(t, depth) for t in targets)
        if isinstance(parent, ast.AugAssign) and parent.value is node:
            return self._stored(parent.target, depth)
        if isinstance(parent, ast.Return):
            return self._return(parent, depth)
        if isinstance(parent, ast.For) and parent.iter is node:
            return self._stored(parent.target, depth)
        if isinstance(parent, ast.Expr):
            return True  # computed and dropped
        return isinstance(parent, ast.If | ast.While) and parent.test is node

    def _stored(self, target: ast.AST, depth: int) -> bool:
        """Whether a value stored into `target` only leaves in outgoing requests."""
        if isinstance(target, ast.Name):
            return self._name(target, depth)
        if isinstance(target, ast.Tuple | ast.List):
            return all(self._stored(t, depth) for t in target.elts)
        if isinstance(target, ast.Subscript):
            if self._stored_sink(target):
                return True
            base = target.value
            return isinstance(base, ast.Name) and self._local(base, depth)
        return False

    def _local(self, name: ast.Name, depth: int) -> bool:
        """A container the value is put in: followed when the function made it, not when its
        caller passed it in (the caller keeps what is put there)."""
        function = _function_of(name, self.parents)
        if function is not None and name.id in _parameters(function):
            return False
        return self._name(name, depth)

    def _name(self, name: ast.Name, depth: int) -> bool:
        """Whether every later read of the name (in its function, or the module's when bound at
        module level) only sends the value out."""
        self.names.add(name.id)
        scope = _function_of(name, self.parents) or self.tree
        key = (id(scope), name.id)
        if key in self._seen:
            return True
        self._seen.add(key)
        reads = [
            n
            for n in ast.walk(scope)
            if isinstance(n, ast.Name) and n.id == name.id and isinstance(n.ctx, ast.Load)
        ]
        return all(self._value(read, depth + 1) for read in reads)

    def _return(self, statement: ast.Return, depth: int) -> bool:
        """A returned value goes wherever the module's calls of its function put it."""
        function = _function_of(statement, self.parents)
        if function is None:
            return False
        if function.name in self._returned:
            return True
        if self.parents.get(function) is not self.tree:
            return False
        self.names.add(function.name)
        self._returned.add(function.name)
        uses = [
            n
            for n in ast.walk(self.tree)
            if isinstance(n, ast.Name) and n.id == function.name and isinstance(n.ctx, ast.Load)
        ]
        calls = [u for u in uses if isinstance(self.parents.get(u), ast.Call)]
        if not uses or len(calls) != len(uses):
            return False  # not called here, or passed on: its callers are unknown
        return all(self._value(self.parents[u], depth + 1) for u in uses)

    def _through(
        self, function: ast.FunctionDef, call: ast.Call, via: ast.AST, node: ast.AST, depth: int
    ) -> bool:
        """Whether the function the value is passed to only sends it out or returns it."""
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        if isinstance(via, ast.keyword):
            param = via.arg
        else:
            index = next((i for i, a in enumerate(call.args) if a is node), None)
            param = params[index] if index is not None and index < len(params) else None
        if param is None:
            return False
        entered = function.name not in self._returned
        self._returned.add(function.name)  # while followed, its returns come back to this call
        reads = [
            n
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and n.id == param and isinstance(n.ctx, ast.Load)
        ]
        try:
            return all(self._value(read, depth + 1) for read in reads)
        finally:
            if entered:
                self._returned.discard(function.name)

    def _module_function(self, func: ast.AST) -> ast.FunctionDef | None:
        """The module-level function a plain name calls."""
        if not isinstance(func, ast.Name):
            return None
        for statement in self.tree.body:
            if isinstance(statement, ast.FunctionDef) and statement.name == func.id:
                return statement
        return None

    def _request_part(self, node: ast.AST) -> bool:
        """`p["url"]`, `p["headers"]`, `p["cookies"]["x"]`: a part of the request description `p`,
        a parameter of the function that sets `p["url"]`."""
        keys: list[str] = []
        while isinstance(node, ast.Subscript | ast.Attribute):
            if isinstance(node, ast.Subscript):
                key = node.slice
                keys.append(spelled(key) if isinstance(key, ast.Constant) else "")
            node = node.value
        if not isinstance(node, ast.Name) or not keys:
            return False
        if keys[-1] not in HTTP_PARTS | {"url"}:
            return False
        function = _function_of(node, self.parents)
        if function is None or node.id not in _parameters(function):
            return False
        self.names.add(keys[0])
        return any(
            isinstance(n, ast.Assign) and any(constant_item(t, node.id, "url") for t in n.targets)
            for n in ast.walk(function)
        )

    def _memoised(self, call: ast.Call) -> bool:
        """`cache.set(k, v)` in a function that first returns `cache.get(k)` when it is there."""
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "set"
            and "cache" in words(spelled(func.value))
            and call.args
            and isinstance(call.args[0], ast.Constant)
        ):
            return False
        function = _function_of(call, self.parents)
        return function is not None and any(
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "get"
            and spelled(n.func.value) == spelled(func.value)
            and n.args
            and isinstance(n.args[0], ast.Constant)
            and n.args[0].value == call.args[0].value
            for n in ast.walk(function)
        )

    def _loop_element(self, pair: ast.Tuple, node: ast.AST) -> list[ast.Name] | None:
        """The loop variable an element of `for a, b in [(x, y), ...]` is bound to."""
        items = self.parents.get(pair)
        loop = self.parents.get(items) if items is not None else None
        if not (
            isinstance(items, ast.List | ast.Tuple)
            and isinstance(loop, ast.For)
            and loop.iter is items
            and isinstance(loop.target, ast.Tuple)
            and len(loop.target.elts) == len(pair.elts)
        ):
            return None
        bound = loop.target.elts[pair.elts.index(node)]  # type: ignore[arg-type]
        return [bound] if isinstance(bound, ast.Name) else None

    def _record_key(self, mapping: ast.Dict, node: ast.AST) -> None:
        """Keep the key the value is stored under as a name it passes through."""
        index = next((i for i, v in enumerate(mapping.values) if v is node), None)
        key = mapping.keys[index] if index is not None else None
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.names.add(key.value)

    def _with_constants(self, compare: ast.Compare, node: ast.AST) -> bool:
        """A comparison with literals or module constants checks no one's value."""
        others = [o for o in [compare.left, *compare.comparators] if o is not node]
        return all(_constant(o) for o in others)


def is_http_call(call: ast.Call) -> bool:
    """`requests.get(...)`, `client.post(url, json=...)`, `get("https://...")`."""
    if spelled(call.func) not in HTTP_CALLS:
        return False
    base = call.func.value if isinstance(call.func, ast.Attribute) else None
    if isinstance(base, ast.Name) and base.id in _HTTP_MODULES:
        return True
    if any(k.arg in _HTTP_KEYWORDS for k in call.keywords):
        return True
    first = call.args[0] if call.args else None
    literal = (
        " ".join(
            n.value
            for n in ast.walk(first)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
        if first is not None
        else ""
    )
    return "://" in literal or ("?" in literal and "=" in literal)


def is_logging(call: ast.Call) -> bool:
    """`logger.debug(...)`, `log.info(...)`, `logging.warning(...)`, `print(...)`."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "print"
    return (
        isinstance(func, ast.Attribute)
        and func.attr in _LOGGING
        and bool(words(spelled(func.value)) & {"log", "logger", "logging"})
    )


def _constant(node: ast.AST) -> bool:
    """A literal, or a module constant spelled in capitals."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_constant(e) for e in node.elts)
    return isinstance(node, ast.Name) and node.id.isupper()


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The names of a function's parameters."""
    args = function.args
    every = args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def _function_of(
    node: ast.AST, parents: dict[ast.AST, ast.AST]
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function `node` is in (None at module level)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None
