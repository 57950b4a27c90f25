"""Whether a redirect target's host is fixed before any request data reaches it.

The target is read as a concatenation (`+`, f-strings, `"%s" %`, `"{}".format`, `"?".join([...])`,
through local and closure variables and module constants (a local through only the
assignments that can reach the read: reaching_assignments.py); in `x = f"{x}?{q}"` the x read is one
of x's other values) of parts of four kinds:

- text written in the code;
- the current request's own path (Flask `request.path` / `full_path`, Django `request.path` /
  `path_info` / `get_full_path()`, Starlette `request.url.path`): a path on this host that
  begins with "/" and one other character (see below);
- a value the application or its deployer chose: settings and config values (also a name
  imported from a settings / config module, and a module-level `*_settings` / `*_config`
  object), environment variables, `request.script_root` (SCRIPT_NAME), `url_for()` /
  `reverse()`, a resolved route's name (route_names.py);
- anything else, request data included.

A `"{:s}"` hole is a `"{}"` one; of any other template only the text before its first hole is
known. A property or method of an object of known project classes is what its definitions
return, `self` in them being that object (receiver_members.py); so is `self.m()` in a method of
C, for C and each project subclass (self_methods.py), and `obj.get_absolute_url()` of an object
of unknown class, for every project definition (absolute_urls.py). `url.replace(BASE_URL, "")`
is the url without the chosen value it starts with.

With the project's calls at hand (redirect_calls.py), a name a test proved a same-site path
where it is read (same_site_paths.py) is a path, a call of a project function is what it returns
(its parameters read as the call fills them), and a parameter is what every call passes, each
`param += x` read as x followed by anything (so is a local's `x += ...`). `urljoin(BASE, path)`
is BASE's scheme and host then the path when BASE is a chosen value and the path starts "/" and
one other character (a "//host" path replaces the host).

Configured origins: an attribute of a configuration object is chosen, the object being a
module-level settings / config one, a `get_config()`-style call, or a local or parameter named
like one whose every value (assigned, or passed by every call) is one of those or None
(`config = config or get_config()`). `urlparse(x).netloc` / `.hostname` are chosen when x is
built only of text and chosen values; `.scheme` of any URL is a scheme word or "", `.port` a
number; `.strip()` / `.lower()` of a chosen value is chosen, `str(x)` is x, Django's
`request.scheme` is "http" or "https". `a, b = f(...)` reads element i of the tuples the project
function returns. In `x if x.startswith("/") else f"/{x}"` the else reads x's values that do not
start "/", and after `if not x: return ...` x is not "". Middleware's request path is a path
on this site inside an `if` that saw it start "/x" (`startswith("/admin/")`, `== "/admin"`).
After a chosen value a ":port" may precede the pinning "/segment".

Request data cannot send the visitor elsewhere once the literal start pins the host
(`/x...`, `https://host/`, or a `?` / `#`: what follows is query or fragment), or once a chosen
value is followed by a literal `/segment`, `?` or `#` (the host is then the chosen value's or the
literal's, never the visitor's). `"https://a.com" + x` does not pin it (x = "@evil.com"), nor
does `"/" + x` (x = "/evil.com") or a setting followed by "/" (the setting may be empty). A
chosen value known not to be empty right after a literal "//" (`if not host: return ...` then
`f"{scheme}://{host}"`) is an origin: after it a "/", so the request's path, pins the host
(configured_origins.py).

The request's own path, also with a piece starting "/" replaced by a "/segment"
(`request.path.replace("/system/", "/web/")`). Werkzeug strips every leading "/" and adds one
back, so Flask's `request.path` never starts with "//", wherever it is read (views,
before_request hooks, error handlers). Django and Starlette keep a `//evil.example` path as
sent; it reaches a view only through a route that can match a leading "/" (a root `<path:...>`
/ `{...:path}` catch-all or a regex route whose first piece may be "/"; not one starting
`(?P<user>[^/]+)`, nor a ModelAdmin's `get_urls` under its prefix), and middleware sees it
before routing, unless it runs only once `request.resolver_match` is set (a route matched).
So for those frameworks the path counts as the site's own only outside middleware (or after
routing) and in projects without such routes (`routed=True`).
The path is the visitor's choice, so a chosen value before it (`APPLICATION_ROOT +
request.full_path`) must be known not to be "/" ("/" + "/evil.example" is off-site): tested
`!= "/"` (or `not ....endswith("/")`) around the use, `.rstrip("/")`-ed, or Flask's
`request.script_root` (Werkzeug strips its trailing "/").
"""

from __future__ import annotations

import ast
import re

from devsecbots.nodes.analyzers.absolute_urls import absolute_url_methods
from devsecbots.nodes.analyzers.configured_origins import (
    AFTER_ORIGIN,
    ORIGIN,
    exits_if_empty,
    non_empty,
    opened,
    parsed_part_non_empty,
)
from devsecbots.nodes.analyzers.helper_summaries import SAFE_URL_VALUES, called_name
from devsecbots.nodes.analyzers.reaching_assignments import reaching_values
from devsecbots.nodes.analyzers.reading_memo import ReadingMemo
from devsecbots.nodes.analyzers.receiver_classes import ProjectClasses
from devsecbots.nodes.analyzers.receiver_members import getters, methods
from devsecbots.nodes.analyzers.redirect_calls import Frame, ProjectCalls
from devsecbots.nodes.analyzers.route_names import route_name
from devsecbots.nodes.analyzers.same_site_paths import prefix_tested, proven_on_site
from devsecbots.nodes.analyzers.self_methods import self_methods
from devsecbots.nodes.analyzers.summary_defs import Definition

# ("text", literal) | ("path", "") | ("chosen", "") | ("root", ""): a chosen value that is not "/"
# | ("lead", ""): some text before a chosen value (see _from_last_choice)
# | ("any", "")
Token = tuple[str, str]
ANY: Token = ("any", "")
LEAD: Token = ("lead", "")  # text before a chosen value, dropped: the verdict reads it as ""
OWN_HOST: Token = ("text", "//own.host/")  # the request's own scheme and host, then a path
PINNED = re.compile(r"^(/[^/\\\s]|([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#\\\s]+/)")
SEGMENT = re.compile(r"^/[^/\\\s]")
# after a chosen value (a host perhaps) a ":port" may come before the "/segment" that ends it
AFTER_CHOSEN = re.compile(r"^(:[^/\\\s?#@]*)?/[^/\\\s]")
STR_HOLE = re.compile(r"\{(?:!s)?(?::s)?\}")  # "{:s}" / "{!s}": the str value itself, as "{}"
CONFIG_NAMES = frozenset({"settings", "config", "environ"})
# a module-level settings object: `settings`, `config`, `environ`, `api_settings`, `app_config`
SETTINGS_OBJECT = re.compile(r"^(\w+_)?(settings|config)$|^environ$")
ENV_CALLS = frozenset({"getenv"})
CONFIG_GETTER = re.compile(r"^(get|load)_(\w+_)?(settings|config)$")  # get_config(), ...
URL_PARTS = frozenset({"netloc", "hostname", "scheme", "port"})
RECASED = frozenset({"strip", "lstrip", "lower", "upper", "casefold"})  # without arguments
CATCH_ALL_ROUTE = re.compile(
    r"""\bpath\(\s*r?["']<path:"""  # Django path("<path:rest>", ...)
    r"""|\b(re_path|url)\(\s*r?["']\^?[(.\[\\]"""  # Django regex route starting with a group/class
    r"""|["']/?\{\w+:path\}"""  # Starlette "/{rest:path}"
)
# A regex route's first piece that can be "/": a group, a class, `.` or an escape, unless the
# piece is a class excluding "/", once or more (`(?P<user>[^/]+)`; `[^/]*` may match nothing).
REGEX_CATCH_ALL = re.compile(r"^\^?(?!\(?(\?P<\w+>)?\[\^/[^\]]*\]\+)[(.\[\\]")
STARLETTE_CATCH_ALL = re.compile(r"^/?\{\w+:path\}")
MIDDLEWARE_HOOKS = frozenset(
    {"process_request", "process_view", "process_response", "process_exception", "dispatch"}
)
MAX_ALTERNATIVES = 64
MAX_DEPTH = 40  # a configured base URL built through a chain of helpers takes about 30 steps;
# the readings are memoised (reading_memo.py), so a deeper cut-off costs little.
Function = ast.FunctionDef | ast.AsyncFunctionDef


def fixed_host(
    target: ast.AST,
    parents: dict[ast.AST, ast.AST],
    framework: str,
    routed: bool,
    project: ProjectClasses | None = None,
    calls: ProjectCalls | None = None,
    memo: ReadingMemo | None = None,
) -> str:
    """Why the target cannot leave this site ('' when request data may choose its host); `memo`
    keeps the readings for the project's other targets."""
    own_path = framework == "flask" or (
        routed
        and (not _in_middleware(target, parents, framework) or _after_routing(target, parents))
    )
    reading = _Reading(parents, framework, own_path, project, calls, memo=memo)
    verdicts = {_verdict(tokens) for tokens in reading.alternatives(target, 0)}
    if "" in verdicts or not verdicts:
        return ""
    through = f" (read through {', '.join(sorted(reading.via))})" if reading.via else ""
    if reading.via and verdicts == {"own"}:
        return (
            "every value the target can take is a same-site path a test in the code proved, "
            f"or a URL the application chose{through}"
        )
    if verdicts == {"own"}:
        return (
            "the target is the current request's own path on this site, with values the "
            "application or its deployer chose, not a host the visitor picks"
        )
    return (
        "the target's scheme and host are fixed by its first part (a path, a configured URL "
        "followed by '?', or a literal ending in '/' or '?'); request data only follows "
        f"it{through}"
    )


def routed_paths(files: dict[str, str]) -> bool:
    """Whether no route of the project can match a path that begins with '//' (see module)."""
    return not any(_catch_all(source) for source in files.values())


def _catch_all(source: str) -> bool:
    """Whether the file declares a route that can match a leading '/': a root `<path:...>`, a
    regex whose first piece can be "/", a Starlette `{...:path}`. Text in docstrings and the
    routes a ModelAdmin / AdminSite adds under its own prefix (`get_urls`) do not count."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return bool(CATCH_ALL_ROUTE.search(source))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        call = parents.get(node)
        if STARLETTE_CATCH_ALL.search(node.value) and isinstance(call, ast.Call):
            return True
        if not (isinstance(call, ast.Call) and call.args and call.args[0] is node):
            continue
        if called_name(call.func) == "path" and node.value.startswith("<path:"):
            if not _under_admin_prefix(call, parents):
                return True
        elif called_name(call.func) in {"re_path", "url"} and REGEX_CATCH_ALL.match(node.value):
            if not _under_admin_prefix(call, parents):
                return True
    return False


def _under_admin_prefix(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside a `get_urls` method: Django mounts what it returns under the admin's prefix."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef) and node.name == "get_urls":
            return True
    return False


def _verdict(tokens: list[Token]) -> str:
    """'own' (no request data), 'fixed' (request data after the host is pinned) or ''."""
    text = ""  # the literal start, or the literal text since the last chosen value
    chosen = root = origin = False  # a chosen value came; the last one is not "/"; an ORIGIN
    pinned = seen_any = False
    for kind, value in tokens:
        if pinned:
            seen_any = seen_any or kind == "any"
        elif kind == "any":
            return ""
        elif kind in {"chosen", "root"}:
            text, chosen, root, origin = "", True, kind == "root", (kind, value) == ORIGIN
        elif kind == "path" and origin and AFTER_ORIGIN.match(text.lstrip() + "/"):
            pinned = True  # "https://" + host + "/x": the path begins after the host
        elif kind == "path" and chosen:  # "/" + "/evil.example" would be "//evil.example"
            if text or not root:
                return ""
            pinned = True
        else:
            text += "/x" if kind == "path" else value
            start = _after(chosen, origin)
            pinned = bool(start.match(text.lstrip())) or "?" in text or "#" in text
            if kind == "path" and not pinned:  # the request's path would start the authority
                return ""
    return "fixed" if seen_any else "own"


class _Reading:
    """Reads expressions of one file as token sequences (see module)."""

    def __init__(
        self,
        parents: dict[ast.AST, ast.AST],
        framework: str,
        own_path: bool,
        project: ProjectClasses | None = None,
        calls: ProjectCalls | None = None,
        frame: Frame | None = None,
        via: set[str] | None = None,
        receiver: list[ast.ClassDef] | None = None,
        memo: ReadingMemo | None = None,
    ) -> None:
        self.parents = parents
        self.receiver = receiver  # the classes of the object whose member is read: its `self`
        self.framework = framework
        self.own_path = own_path
        self.project = project
        self.calls = calls
        self.frame = frame  # the call whose callee's returns are being read
        self.via: set[str] = set() if via is None else via  # the checks and functions followed
        self.memo = ReadingMemo() if memo is None else memo
        # What a reading depends on besides the expression and the depth (reading_memo.py).
        called = None if frame is None else (frame.function, frame.call, frame.caller.context)
        classes = None if receiver is None else tuple(receiver)
        self.context = (id(parents), classes, called, own_path, framework)

    def _derived(
        self,
        parents: dict[ast.AST, ast.AST],
        frame: Frame | None = None,
        receiver: list[ast.ClassDef] | None = None,
    ) -> _Reading:
        """A reading of other code (a callee, a member, a caller) for the same target."""
        return _Reading(
            parents,
            self.framework,
            self.own_path,
            self.project,
            self.calls,
            frame,
            self.via,
            receiver,
            self.memo,
        )

    def alternatives(self, value: ast.AST, depth: int) -> list[list[Token]]:
        """The token sequences the expression can stand for (a name assigned twice gives two)."""
        if depth > MAX_DEPTH:
            return [[ANY]]
        key = (value, self.context)
        found = self.memo.recall(key, depth, self.via)
        if found is None:
            self.memo.start()
            found = _distinct(self._read(value, depth))
            refuted = _refuted_start(value, self.parents)
            if refuted:  # `x if x.startswith("/") else f"/{x}"`: here x does not start so
                found = [ts for ts in found if not (ts[:1] and _starts(ts[0], refuted))]
                if refuted == "/":  # nor is x the request's path, which always starts "/"
                    found = [ts for ts in found if ts[:1] != [("path", "")]]
            if _exited_when_empty(value, self.parents) or parsed_part_non_empty(
                value, self.parents
            ):
                found = non_empty(found)  # configured_origins.py
            self.memo.finish(key, depth, found)
        return found

    def _read(self, value: ast.AST, depth: int) -> list[list[Token]]:
        """The token sequences of the expression, read afresh (see `alternatives`)."""
        parts = _parts(value)
        if parts is not None:
            return _concat(
                [
                    [[("text", p)]]
                    if isinstance(p, str)
                    else [[ANY]]
                    if p is None
                    else self.alternatives(p, depth + 1)
                    for p in parts
                ]
            )
        if isinstance(value, ast.Name) and self.calls is not None:
            if proven_on_site(value, self.parents, self.calls.checks):
                self.memo.note(self.via, "a same-site test")
                return [[("text", "/x")]]
            received = self._parameter(value, depth)
            if received is not None:
                return received
        if isinstance(value, ast.Name) and _setting_import(value, self.parents):
            return [[("chosen", "")]]
        unpacked = self._unpacked(value, depth) if isinstance(value, ast.Name) else None
        if unpacked is not None:
            return unpacked
        if isinstance(value, ast.Name):
            # In `x = f"{x}?{q}"` the x read is an earlier value: the other assignments.
            appended: list[ast.AST] = []
            values = _bound_values(value, self.parents, appended)
            reaching = None if appended else reaching_values(value, self.parents)
            bound = [v for v in values if reaching is None or v in reaching]
            bound = [v for v in bound if not _holds(v, value)]
            found = [tokens for v in bound for tokens in self.alternatives(v, depth + 1)]
            if appended:  # after one `+=` anything may follow (another, a loop)
                tails = [t for v in appended for t in self.alternatives(v, depth + 1)]
                found += [b + t + [ANY] for b in found for t in tails]
            if not found or len(found) > MAX_ALTERNATIVES:
                return [[ANY]]
            if _not_slash(value, self.parents):
                found = [[("root", "")] if ts == [("chosen", "")] else ts for ts in found]
            return found
        if isinstance(value, ast.Await):  # what the awaited coroutine returns
            return self.alternatives(value.value, depth + 1)
        if isinstance(value, ast.IfExp | ast.BoolOp):  # one of the values (`or`, `and`, `if`)
            options = [value.body, value.orelse] if isinstance(value, ast.IfExp) else value.values
            found = [tokens for v in options for tokens in self.alternatives(v, depth + 1)]
            return found if len(found) <= MAX_ALTERNATIVES else [[ANY]]
        derived = self._derived_value(value, depth)
        if derived is not None:
            return derived
        if isinstance(value, ast.Attribute) and self.project is not None:
            classes, read = getters(value, self.parents, self.project, self.receiver)
            if read and all(g.returns and not g.yields for g in read):
                return self._members(read, classes, depth)
        if isinstance(value, ast.Call) and self.project is not None:
            classes, run = methods(value, self.parents, self.project, self.receiver)
            if run and all(m.returns and not m.yields for m in run):
                if all(len(m.returns) == len(m.own_returns) for m in run):  # no bare return
                    return self._members(run, classes, depth)
            unknown = None if run else self._self_call(value, depth)
            if unknown is None and not run:
                unknown = self._absolute_url(value, depth)
            if unknown is not None:
                return unknown
        removed = _removed_setting(value, self.parents)
        if removed is not None:
            return [
                ts[1:] if ts[:1] == [("chosen", "")] else ts
                for ts in self.alternatives(removed, depth + 1)
            ]
        joined = self._joined(value, depth)
        if joined is not None:
            return joined
        rebuilt = self._rebuilt(value, depth)
        if rebuilt is not None:
            return rebuilt
        if self.framework == "flask" and _script_root(value):
            return [[("text", "")], [("text", "/r")]]  # Werkzeug strips its trailing "/"
        leaf = self.leaf(value)
        if leaf == ANY and isinstance(value, ast.Call) and self.calls is not None:
            return self._returned(value, depth)
        return [[leaf]]

    def _derived_value(self, value: ast.AST, depth: int) -> list[list[Token]] | None:
        """An attribute of a configuration object, a URL's part, a chosen value's case or
        whitespace changed, Django's `request.scheme` (None for other expressions)."""
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "str"
            and len(value.args) == 1
            and not value.keywords
        ):
            return self.alternatives(value.args[0], depth + 1)  # a string's or number's text
        if isinstance(value, ast.Attribute):
            if self.framework == "django" and value.attr == "scheme" and _is_request(value.value):
                return [[("text", "s")]]  # "http" or "https", never the visitor's text
            if self._config_object(value.value, frozenset()):
                return [[("chosen", "")]]
            return self._url_part(value, depth)
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in RECASED
            and not value.args
            and not value.keywords
        ):
            found = []
            for tokens in self.alternatives(value.func.value, depth + 1):
                if any(kind not in {"text", "chosen", "root", "lead"} for kind, _ in tokens):
                    return [[ANY]]
                if all(kind == "text" for kind, _ in tokens):
                    text = "".join(v for _, v in tokens)
                    found.append([("text", getattr(text, value.func.attr)())])
                else:  # what the application chose, changed: still its choice
                    found.append([("chosen", "")])
            return found
        return None

    def _config_object(self, node: ast.AST, seen: frozenset[tuple[object, ...]]) -> bool:
        """A configuration object: a module-level settings / config object, a `get_config()`
        call, or a local or parameter named like one whose every value (assigned, or passed by
        every call) is one of those or None."""
        if isinstance(node, ast.Constant):
            return node.value is None
        if isinstance(node, ast.Call):
            return bool(CONFIG_GETTER.match(called_name(node.func)))
        if isinstance(node, ast.BoolOp):
            return all(self._config_object(v, seen) for v in node.values)
        if not isinstance(node, ast.Name) or not SETTINGS_OBJECT.search(node.id):
            return False
        if _config(node, self.parents):
            return True
        function = self.parents.get(node)
        while function is not None and not isinstance(function, Function):
            function = self.parents.get(function)
        if function is None:
            return False
        key = (function, node.id, self.context)
        if key in seen:  # the value being checked again: it adds no other kind of value
            return True
        seen = seen | {key}
        body = ast.Module(body=function.body, type_ignores=[])
        assigned, other = _assignments(body, node.id)
        if other or not all(self._config_object(v, seen) for v in assigned):
            return False
        if node.id not in {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}:
            return bool(assigned)
        if self.frame is not None and self.frame.function is function:
            given = self.frame.given(node.id)
            return given is not None and self.frame.caller._config_object(given, seen)
        passed = self.calls.passed(function, node.id) if self.calls else None
        if not passed or self.calls is None:
            return False
        callers = self._derived(self.calls.parents)
        return all(callers._config_object(v, seen) for v in passed)

    def _url_part(self, value: ast.Attribute, depth: int) -> list[list[Token]] | None:
        """`urlparse(x).netloc` / `.hostname` (also through a name): chosen when every value
        of x is; `.scheme` of any URL: a scheme word or "" (no "/", "@", "?", "#"). None for
        other attributes."""
        if value.attr not in URL_PARTS:
            return None
        owner = value.value
        splits = _bound_values(owner, self.parents) if isinstance(owner, ast.Name) else [owner]
        if not splits or not all(_split(s) for s in splits):
            return None
        if value.attr == "scheme":
            return [[("text", "s")]]
        if value.attr == "port":
            return [[("text", "80")]]  # a number (urlparse raises on any other port)
        read = [t for s in splits for t in self.alternatives(s.args[0], depth + 1)]  # type: ignore[attr-defined]
        if all(kind in {"text", "chosen", "root", "lead"} for ts in read for kind, _ in ts):
            return [[("chosen", "")]]
        return [[ANY]]

    def _unpacked(self, name: ast.Name, depth: int) -> list[list[Token]] | None:
        """`host, port = f(...)`, the function's only binding of the name, where f is a project
        function returning only tuples of that length: element i of each (None otherwise)."""
        if self.calls is None:
            return None
        function = self.parents.get(name)
        while function is not None and not isinstance(function, Function):
            function = self.parents.get(function)
        if function is None or name.id in {
            a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)
        }:
            return None
        stores = [
            n
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and n.id == name.id and not isinstance(n.ctx, ast.Load)
        ]
        target = self.parents.get(stores[0]) if len(stores) == 1 else None
        statement = self.parents.get(target) if isinstance(target, ast.Tuple) else None
        if not (
            isinstance(target, ast.Tuple)
            and isinstance(statement, ast.Assign)
            and statement.targets == [target]
            and isinstance(statement.value, ast.Call)
            and not any(isinstance(e, ast.Starred) for e in target.elts)
        ):
            return None
        return self._element(statement.value, target.elts.index(stores[0]), len(target.elts), depth)

    def _element(self, value: ast.AST, index: int, length: int, depth: int) -> list[list[Token]]:
        """Element `index` of a tuple of `length` items: a tuple display's, or what a project
        function's returns hold there (a return that calls another such function too)."""
        if isinstance(value, ast.Tuple) and len(value.elts) == length:
            if not any(isinstance(e, ast.Starred) for e in value.elts):
                return self.alternatives(value.elts[index], depth + 1)
        callee = self.calls.callee(value) if isinstance(value, ast.Call) and self.calls else None
        if (
            callee is None
            or self.calls is None
            or depth > MAX_DEPTH
            or callee.yields
            or not callee.returns
            or len(callee.returns) != len(callee.own_returns)
        ):
            return [[ANY]]
        self.memo.note(self.via, f"{callee.function.name}()")
        reading = self._derived(self.calls.parents, Frame(callee.function, value, self))  # type: ignore[arg-type]
        found = [
            ts
            for r in callee.returns
            for ts in reading._element(r.value, index, length, depth + 1)  # type: ignore[arg-type]
        ]
        return found if len(found) <= MAX_ALTERNATIVES else [[ANY]]

    def _joined(self, value: ast.AST, depth: int) -> list[list[Token]] | None:
        """`urljoin(BASE, path)`: a path starting "/" and one other character keeps the chosen
        base's scheme and host (a "//host" path would replace them). None for other calls."""
        if not (
            isinstance(value, ast.Call)
            and called_name(value.func) == "urljoin"
            and len(value.args) == 2
            and not value.keywords
        ):
            return None
        bases = self.alternatives(value.args[0], depth + 1)
        paths = self.alternatives(value.args[1], depth + 1)
        if not all(len(b) == 1 and b[0][0] in {"chosen", "root"} for b in bases) or not all(
            p[:1] == [("path", "")] or (p[:1] and p[0][0] == "text" and SEGMENT.match(p[0][1]))
            for p in paths
        ):
            return [[ANY]]
        return [[("root", ""), *p] for p in paths]

    def _rebuilt(self, value: ast.AST, depth: int) -> list[list[Token]] | None:
        """`urlunsplit(parts)` where `parts` is `urlsplit(BASE)`, then perhaps
        `parts = parts._replace(query=..., fragment=..., netloc=...)`: BASE up to its query, "?"
        and anything; a netloc replaced by `<chosen> or parts.netloc` gives the chosen host
        instead (the chosen value is then not empty). None for other calls."""
        if not (
            isinstance(value, ast.Call)
            and called_name(value.func) in {"urlunsplit", "urlunparse"}
            and len(value.args) == 1
            and not value.keywords
            and isinstance(value.args[0], ast.Name)
        ):
            return None
        parts = value.args[0]
        bound = _bound_values(parts, self.parents)
        bases = [v.args[0] for v in bound if isinstance(v, ast.Call) and _split(v)]
        replaced = [v for v in bound if not _split(v)]
        if not bases or not all(_replaces(v, parts.id) for v in replaced):
            return [[ANY]]
        found = [t + [("text", "?"), ANY] for b in bases for t in self.alternatives(b, depth + 1)]
        for call in replaced:
            for keyword in call.keywords:  # type: ignore[attr-defined]
                if keyword.arg == "netloc":
                    hosts = _new_hosts(keyword.value, parts.id, self.parents)
                    if hosts is None or not all(self.leaf(h) == ("chosen", "") for h in hosts):
                        return [[ANY]]
                    if hosts:
                        found.append([("text", "//"), ("chosen", ""), ("text", "?"), ANY])
        return found if len(found) <= MAX_ALTERNATIVES else [[ANY]]

    def _members(
        self, definitions: list[Definition], classes: list[ast.ClassDef], depth: int
    ) -> list[list[Token]]:
        """What the object's properties or methods return, `self` in them being the object."""
        parents = self.calls.parents if self.calls else None
        found = [
            tokens
            for d in definitions
            for r in d.returns
            for tokens in self._derived(parents or d.parents, receiver=classes).alternatives(
                r.value,  # type: ignore[arg-type]
                depth + 1,
            )
        ]
        return found if len(found) <= MAX_ALTERNATIVES else [[ANY]]

    def _self_call(self, call: ast.Call, depth: int) -> list[list[Token]] | None:
        """`self.m()` outside a known receiver: what m returns for the method's class and for
        each subclass (self_methods.py); None when that cannot be read."""
        if self.calls is None or self.project is None or self.receiver is not None:
            return None
        found = self_methods(call, self.calls.parents, self.project)
        if found is None or not all(
            d.returns and not d.yields and len(d.returns) == len(d.own_returns)
            for _, run in found
            for d in run
        ):
            return None
        read = [t for cls, run in found for t in self._members(run, [cls], depth)]
        return read if len(read) <= MAX_ALTERNATIVES else [[ANY]]

    def _absolute_url(self, call: ast.Call, depth: int) -> list[list[Token]] | None:
        """`obj.get_absolute_url()` of an object of unknown class: what every project
        definition returns (absolute_urls.py); None when that cannot be read."""
        if self.calls is None or self.project is None:
            return None
        found = absolute_url_methods(call, self.calls.parents, self.project)
        if found is None:
            return None
        self.memo.note(self.via, "every get_absolute_url()")
        read = [t for cls, d in found for t in self._members([d], [cls], depth)]
        return read if len(read) <= MAX_ALTERNATIVES else [[ANY]]

    def _returned(self, call: ast.Call, depth: int) -> list[list[Token]]:
        """What a project function returns, its parameters read as this call fills them."""
        callee = self.calls.callee(call) if self.calls else None
        if callee is None or self.calls is None or callee.yields or not callee.returns:
            return [[ANY]]
        if len(callee.returns) != len(callee.own_returns):
            return [[ANY]]  # a bare return: None
        self.memo.note(self.via, f"{callee.function.name}()")
        frame = Frame(callee.function, call, self)
        reading = self._derived(self.calls.parents, frame)
        found = [t for r in callee.returns for t in reading.alternatives(r.value, depth + 1)]  # type: ignore[arg-type]
        return found if 0 < len(found) <= MAX_ALTERNATIVES else [[ANY]]

    def _parameter(self, name: ast.Name, depth: int) -> list[list[Token]] | None:
        """A parameter's values: what this frame's call, or every call in the project, passes,
        each with what `name += ...` may append (None when the name is no parameter)."""
        function = self.parents.get(name)
        while function is not None and not isinstance(function, Function | ast.Lambda):
            function = self.parents.get(function)
        if not isinstance(function, Function):
            return None
        if name.id not in {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}:
            return None
        appended = _appended(function, name.id)
        if appended is None:
            return [[ANY]]
        if self.frame is not None and self.frame.function is function:
            given = self.frame.given(name.id)
            base = [[ANY]] if given is None else self.frame.caller.alternatives(given, depth + 1)
        else:
            passed = self.calls.passed(function, name.id) if self.calls else None
            if passed is None or self.calls is None or depth > MAX_DEPTH:
                return [[ANY]]
            self.memo.note(self.via, f"the calls of {function.name}()")
            callers = self._derived(self.calls.parents)
            base = [t for value in passed for t in callers.alternatives(value, depth + 1)]
        # After one `+=` anything may follow (another, a loop): only a pinned start is kept.
        tails = [t for value in appended for t in self.alternatives(value, depth + 1)]
        found = base + [b + t + [ANY] for b in base for t in tails]
        return found if len(found) <= MAX_ALTERNATIVES else [[ANY]]

    def leaf(self, value: ast.AST) -> Token:
        """The kind of a value that is not a concatenation."""
        if isinstance(value, ast.Constant) and isinstance(value.value, str | int | None):
            return ("text", str(value.value))  # None in an f-string is "None"
        if self.own_path and (
            _request_path(value, self.framework) or _replaced_path(value, self.framework)
        ):
            return ("path", "")
        if _request_path(value, self.framework) and prefix_tested(value, self.parents):  # type: ignore[arg-type]
            return ("text", "/x")  # before routing too: the test saw the path start "/x"
        if _rstripped(value, self.parents):
            return ("root", "")
        if _chosen(value, self.parents):
            return ("chosen", "")
        if _own_absolute_url(value, self.parents):
            return OWN_HOST
        if self.calls is not None and self.calls.code_set(value):
            return ("chosen", "")  # set only to literals in the code
        return ANY


def _split(value: ast.AST) -> bool:
    """`urlsplit(x)` / `urlparse(x)` of one argument."""
    return (
        isinstance(value, ast.Call)
        and called_name(value.func) in {"urlsplit", "urlparse"}
        and len(value.args) == 1
        and not value.keywords
    )


def _replaces(value: ast.AST, parts: str) -> bool:
    """`parts._replace(...)` changing only the query, fragment or netloc, by keyword."""
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "_replace"
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == parts
        and not value.args
        and all(k.arg in {"query", "fragment", "netloc"} for k in value.keywords)
    )


def _new_hosts(value: ast.AST, parts: str, parents: dict[ast.AST, ast.AST]) -> list[ast.AST] | None:
    """The values a `netloc=` keyword may put in place of `parts.netloc`: the operands before
    it in `a or b or parts.netloc` (through a local name). None for any other expression."""
    if isinstance(value, ast.Name):
        bound = _bound_values(value, parents)
        if len(bound) != 1:
            return None
        value = bound[0]
    operands = value.values if isinstance(value, ast.BoolOp) else [value]
    if isinstance(value, ast.BoolOp) and not isinstance(value.op, ast.Or):
        return None
    last = operands[-1]
    if not (
        isinstance(last, ast.Attribute)
        and last.attr == "netloc"
        and isinstance(last.value, ast.Name)
        and last.value.id == parts
    ):
        return None
    return list(operands[:-1])


def _parts(value: ast.AST) -> list[str | ast.AST | None] | None:
    """The pieces of a concatenation, f-string or %/format() string, a piece None when it is
    unknown (None for any other expression)."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return [value.left, value.right]
    joined = _join_parts(value)
    if joined is not None:
        return joined
    if isinstance(value, ast.JoinedStr):
        pieces: list[str | ast.AST | None] = []
        for part in value.values:
            plain = (
                isinstance(part, ast.FormattedValue)
                and part.conversion == -1
                and not part.format_spec
            )
            if isinstance(part, ast.Constant):
                pieces.append(str(part.value))
            elif isinstance(part, ast.FormattedValue):
                pieces.append(part.value if plain else None)  # !r, :>10, ...: not the value itself
        return pieces
    return _format_parts(value)


def _join_parts(value: ast.AST) -> list[str | ast.AST | None] | None:
    """`"?".join([path, query])` as [path, "?", query] (None for any other expression)."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "join"
        and isinstance(value.func.value, ast.Constant)
        and isinstance(value.func.value.value, str)
        and len(value.args) == 1
        and not value.keywords
        and isinstance(value.args[0], ast.List | ast.Tuple)
        and value.args[0].elts
        and not any(isinstance(e, ast.Starred) for e in value.args[0].elts)
    ):
        return None
    out: list[str | ast.AST | None] = []
    for item in value.args[0].elts:
        out += [value.func.value.value, item] if out else [item]
    return out


def _concat(parts: list[list[list[Token]]]) -> list[list[Token]]:
    combined: list[list[Token]] = [[]]
    for options in parts:
        combined = _distinct([head + tail for head in combined for tail in options])
        if len(combined) > MAX_ALTERNATIVES:
            return [[ANY]]
    return combined


def _refuted_start(name: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    """The literal a name is known not to start with where it is read: the `else` value of an
    `... if name.startswith("lit") else ...` around it ('' when none)."""
    if not isinstance(name, ast.Name):
        return ""
    node: ast.AST = name
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.IfExp) and node is parent.orelse:
            test = parent.test
            if (
                isinstance(test, ast.Call)
                and isinstance(test.func, ast.Attribute)
                and test.func.attr == "startswith"
                and isinstance(test.func.value, ast.Name)
                and test.func.value.id == name.id
                and len(test.args) == 1
                and isinstance(test.args[0], ast.Constant)
                and isinstance(test.args[0].value, str)
                and test.args[0].value
            ):
                return test.args[0].value
        if isinstance(parent, ast.stmt):
            return ""
        node = parent
    return ""


def _exited_when_empty(name: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether an earlier `if not name: return ...` (or `raise`; an `or` of tests too) of an
    enclosing block leaves only a non-empty value here; the function binds it only before."""
    if not isinstance(name, ast.Name):
        return False
    node: ast.AST = name
    while node in parents:
        parent = parents[node]
        blocks = [getattr(parent, f, None) for f in ("body", "orelse")]
        block = next((b for b in blocks if isinstance(b, list) and node in b), [])
        for statement in block[: block.index(node) if block else 0]:
            if exits_if_empty(statement, lambda x: isinstance(x, ast.Name) and x.id == name.id):
                return not any(
                    isinstance(n, ast.Name)
                    and n.id == name.id
                    and not isinstance(n.ctx, ast.Load)
                    and n.lineno >= statement.lineno
                    for n in ast.walk(_function_of(statement, parents) or statement)
                )
        if isinstance(parent, Function):
            return False
        node = parent
    return False


def _function_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.AST | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, Function):
            return node
    return None


def _starts(token: Token, prefix: str) -> bool:
    """A literal token that starts with the prefix."""
    return token[0] == "text" and token[1].startswith(prefix)


def _distinct(found: list[list[Token]]) -> list[list[Token]]:
    """The alternatives without repeats, adjacent texts joined (the verdict reads them alike),
    a non-empty chosen value after "//" an origin (configured_origins.py)."""
    merged: dict[tuple[Token, ...], None] = {}
    for tokens in found:
        out: list[Token] = []
        for kind, value in tokens:
            if kind == "text" and out and out[-1][0] == "text":
                out[-1] = ("text", out[-1][1] + value)
            else:
                out.append((kind, value))
        merged[tuple(_from_last_choice(opened(out)))] = None
    return [list(ts) for ts in merged]


def _from_last_choice(tokens: list[Token]) -> list[Token]:
    """The tokens with what precedes their last chosen value made LEAD when that part neither
    pins the host nor holds request data: the verdict starts afresh at a chosen value (see
    _verdict); LEAD keeps `url.replace(BASE, "")` from reading the rest as the whole."""
    start, text, chosen, origin = 0, "", False, False
    for i, (kind, value) in enumerate(tokens):
        if kind in {"any", "path"}:
            break
        if kind in {"chosen", "root"}:
            start, text, chosen, origin = i, "", True, (kind, value) == ORIGIN
            continue
        text += value
        if _after(chosen, origin).match(text.lstrip()) or "?" in text or "#" in text:
            break
    return [LEAD, *tokens[start:]] if start else tokens  # LEAD: something came before


def _after(chosen: bool, origin: bool) -> re.Pattern[str]:
    """What pins the host: at the start a path or `scheme://host/`; after a chosen value a
    "/segment"; after a chosen origin any "/" (configured_origins.py)."""
    return AFTER_ORIGIN if origin else AFTER_CHOSEN if chosen else PINNED


def _format_parts(value: ast.AST) -> list[str | ast.AST | None] | None:
    """`"a%sb" % (x,)` / `"a{}b".format(x)` as ["a", x, "b"] (None for any other expression)."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod):
        template, args = value.left, value.right
        holes, items = "%s", (args.elts if isinstance(args, ast.Tuple) else [args])
    elif (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "format"
        and not value.keywords
    ):
        template, holes, items = value.func.value, "{}", list(value.args)
    else:
        return None
    if not isinstance(template, ast.Constant) or not isinstance(template.value, str):
        return None
    text = STR_HOLE.sub("{}", template.value) if holes == "{}" else template.value
    pieces = text.split(holes)
    if len(pieces) != len(items) + 1 or any(c in "".join(pieces) for c in "%{}"):
        return _known_start(text, holes)
    out: list[str | ast.AST | None] = [pieces[0]]
    for item, piece in zip(items, pieces[1:], strict=True):
        out += [item, piece]
    return out


def _known_start(template: str, holes: str) -> list[str | ast.AST | None]:
    """The literal text before a template's first placeholder, then something unknown."""
    first = template.find(holes[0])
    while holes == "{}" and template[first : first + 2] == "{{":  # an escaped brace
        first = template.find("{", first + 2)
    start = template if first < 0 else template[:first]
    if any(c in start for c in "%{}"):  # "%%" or "}}": escapes, not the text itself
        return [None]
    return [start, None]


def _request_path(value: ast.AST, framework: str) -> bool:
    """The current request's own path, in the framework's spelling."""
    if isinstance(value, ast.Call) and not value.args and not value.keywords:
        value = value.func
        attrs = {"django": {"get_full_path", "get_full_path_info"}}.get(framework, set())
    else:
        attrs = {
            "flask": {"path", "full_path"},
            "django": {"path", "path_info"},
            "fastapi": {"path"},
        }[framework]
    if not isinstance(value, ast.Attribute) or value.attr not in attrs:
        return False
    owner = value.value
    if framework == "fastapi":  # request.url.path
        if not isinstance(owner, ast.Attribute) or owner.attr != "url":
            return False
        owner = owner.value
    return _is_request(owner)


def _replaced_path(value: ast.AST, framework: str) -> bool:
    """`request.path.replace("/system/", "/web/")`: a piece starting with "/" swapped for a
    "/segment" keeps a path starting "/" and one other character (a match at the start gives
    the new piece's start; any other match starts after the path's second character)."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "replace"
        and len(value.args) in (2, 3)
        and not value.keywords
        and _request_path(value.func.value, framework)
    ):
        return False
    old, new = value.args[:2]
    return (
        isinstance(old, ast.Constant)
        and isinstance(old.value, str)
        and old.value.startswith("/")
        and isinstance(new, ast.Constant)
        and isinstance(new.value, str)
        and bool(SEGMENT.match(new.value))
    )


def _removed_setting(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.AST | None:
    """`url.replace(BASE_URL, "")`: the url (None for any other expression). Removing a value
    the deployer chose from a URL the application built leaves what followed it; when the url
    starts with that value (a chosen value is dropped from its start) the rest is read alone."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "replace"
        and len(value.args) == 2
        and not value.keywords
        and _chosen(value.args[0], parents)
        and isinstance(value.args[1], ast.Constant)
        and value.args[1].value == ""
    ):
        return None
    return value.func.value


def _script_root(value: ast.AST) -> bool:
    """Flask's request.script_root / root_path: SCRIPT_NAME without its trailing "/"."""
    return (
        isinstance(value, ast.Attribute)
        and value.attr in {"script_root", "root_path"}
        and _is_request(value.value)
    )


def _rstripped(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A chosen value with its trailing "/" stripped: `settings.ROOT.rstrip("/")`."""
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "rstrip"
        and [a.value for a in value.args if isinstance(a, ast.Constant)] == ["/"]
        and _chosen(value.func.value, parents)
    )


def _not_slash(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the use of `name` sits in the body of an `if name != "/"` (or `and` of it, or
    `not name.endswith("/")`), here or around an enclosing function."""
    node: ast.AST = name
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.If) and node in parent.body:
            tests = parent.test.values if isinstance(parent.test, ast.BoolOp) else [parent.test]
            if isinstance(parent.test, ast.BoolOp) and not isinstance(parent.test.op, ast.And):
                tests = []
            if any(_excludes_slash(t, name.id) for t in tests):
                return True
        node = parent
    return False


def _excludes_slash(test: ast.AST, name: str) -> bool:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        call = test.operand
        return (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "endswith"
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == name
            and [a.value for a in call.args if isinstance(a, ast.Constant)] == ["/"]
        )
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == name
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.NotEq)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "/"
    )


def _is_request(value: ast.AST) -> bool:
    if isinstance(value, ast.Attribute):  # self.request, flask.request
        return value.attr == "request"
    return isinstance(value, ast.Name) and value.id in {"request", "req"}


def _own_absolute_url(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Django's `request.build_absolute_uri()` / `request.build_absolute_uri(<own path>)` and
    django-allauth's `build_absolute_uri(request, <own path>)`: the request's own scheme and host
    (the one the visitor's browser asked for, checked against ALLOWED_HOSTS) before a path the
    application chose (`reverse(...)`, `url_for(...)`, a literal "/..."). A location from
    anywhere else may be absolute and replaces the host."""
    if not (isinstance(value, ast.Call) and called_name(value.func) == "build_absolute_uri"):
        return False
    if isinstance(value.func, ast.Attribute) and _is_request(value.func.value):
        locations = value.args
    elif value.args and _is_request(value.args[0]):
        locations = value.args[1:]
    else:
        return False
    if not locations:
        return isinstance(value.func, ast.Attribute)  # the current URL, made absolute
    location = locations[0]
    if isinstance(location, ast.Constant) and isinstance(location.value, str):
        return bool(SEGMENT.match(location.value))
    return isinstance(location, ast.Call) and called_name(location.func) in SAFE_URL_VALUES


def _chosen(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A value the application or its deployer chose: settings, config, environment, SCRIPT_NAME,
    the application's own URLs and route names."""
    if isinstance(value, ast.Call) and called_name(value.func) in SAFE_URL_VALUES | ENV_CALLS:
        return True
    if route_name(value, parents, _bound_values):
        return True
    return configured(value, parents) or _setting_import(value, parents)


def _setting_import(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A module-level name imported from a settings / config module (`from app.settings import
    BASE_URL`), not rebound in the functions around its use."""
    if not isinstance(value, ast.Name):
        return False
    scope = _module_if_not_rebound(value, parents)
    if scope is None:
        return False
    values, _ = _assignments(scope, value.id)
    imported = [
        node
        for node in scope.body
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").rsplit(".", 1)[-1] in CONFIG_NAMES
        and any((a.asname or a.name) == value.id for a in node.names)
    ]
    return bool(imported) and not values


def configured(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A value read from settings, config or the environment: `settings.X`, `app.config["X"]`,
    `current_app.config.get("X")`, `os.environ["X"]`, `getattr(settings, "X")`."""
    if isinstance(value, ast.Call):
        name = called_name(value.func)
        if name == "get" and isinstance(value.func, ast.Attribute):
            return _config(value.func.value, parents)
        if name == "getattr" and value.args:
            return _config(value.args[0], parents)
        return False
    if isinstance(value, ast.Subscript):
        return _config(value.value, parents)
    return isinstance(value, ast.Attribute) and _config(value.value, parents)


def _config(value: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """settings, app.config, current_app.config, os.environ, a module-level config; not
    request.environ, nor a local variable or parameter that happens to be called config."""
    if isinstance(value, ast.Attribute):
        return value.attr in CONFIG_NAMES and not _is_request(value.value)
    if not isinstance(value, ast.Name) or not SETTINGS_OBJECT.search(value.id):
        return False
    return _module_if_not_rebound(value, parents) is not None


def _module_if_not_rebound(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> ast.Module | None:
    """The module around `name` when no function around its use binds it, else None."""
    scope = parents.get(name)
    while scope is not None and not isinstance(scope, ast.Module):
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            values, other = _assignments(scope, name.id)
            if values or other:
                return None
        scope = parents.get(scope)
    return scope


def _holds(value: ast.AST, node: ast.AST) -> bool:
    """Whether `node` is part of the expression `value`."""
    return any(inner is node for inner in ast.walk(value))


def _bound_values(
    name: ast.Name, parents: dict[ast.AST, ast.AST], appended: list[ast.AST] | None = None
) -> list[ast.AST]:
    """The values assigned to `name` in the nearest enclosing scope that binds it ([] when it is
    bound otherwise: a parameter, a loop, an import, ...). With `appended`, a local's
    `name += value` statements are allowed and their values collected there."""
    scope = parents.get(name)
    while scope is not None:
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.Module):
            values, other = _assignments(scope, name.id, appended)
            if other or (appended and not values):  # `+=` to a name bound elsewhere
                return []
            if values:
                return values
        scope = parents.get(scope)
    return []


def _assignments(
    scope: ast.AST, name: str, appended: list[ast.AST] | None = None
) -> tuple[list[ast.AST], bool]:
    """The values plainly assigned to `name` in the scope itself, and whether it is also bound
    another way (parameter, for, with, import, augmented assignment unless `appended` collects
    what `name += value` adds, ...)."""
    if not isinstance(scope, ast.Module):
        args = scope.args  # type: ignore[attr-defined]
        if any(a.arg == name for a in ast.walk(args) if isinstance(a, ast.arg)):
            return [], True
    values: list[ast.AST] = []
    other = False
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            other = other or node.name == name if not isinstance(node, ast.Lambda) else other
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == name:
                values.append(node.value)
                continue
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if isinstance(node.target, ast.Name) and node.target.id == name:
                values.append(node.value)
                continue
        elif (
            appended is not None
            and isinstance(node, ast.AugAssign)
            and isinstance(node.op, ast.Add)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
        ):
            appended.append(node.value)
            todo.append(node.value)
            continue
        elif isinstance(node, ast.Import | ast.ImportFrom):
            other = other or any((a.asname or a.name).split(".")[0] == name for a in node.names)
        elif isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            other = True
        todo.extend(ast.iter_child_nodes(node))
    return values, other


def _appended(function: Function, name: str) -> list[ast.AST] | None:
    """What `name += value` statements append to a parameter; None when the function binds it
    any other way (an assignment, a loop, ...)."""
    found: list[ast.AST] = []
    targets = set()
    for node in ast.walk(function):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name:
                if not isinstance(node.op, ast.Add):
                    return None
                found.append(node.value)
                targets.add(node.target)
        elif isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            if node not in targets:
                return None
    return found


def _after_routing(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside `if ... and request.resolver_match ...:`: Django sets it only once a route
    matched the path, so middleware there sees a routed path."""
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.If) and node in parent.body:
            test = parent.test
            tests = test.values if isinstance(test, ast.BoolOp) else [test]
            if isinstance(test, ast.BoolOp) and not isinstance(test.op, ast.And):
                tests = []
            if any(
                isinstance(t, ast.Attribute) and t.attr == "resolver_match" and _is_request(t.value)
                for t in tests
            ):
                return True
        node = parent
    return False


def _in_middleware(node: ast.AST, parents: dict[ast.AST, ast.AST], framework: str) -> bool:
    """Inside middleware, which runs before routing: a process_* hook, Starlette's `dispatch`
    (in Django `dispatch` is a class-based view's, run once a route matched), a class or
    function whose name says middleware, a function under @app.middleware(...)."""
    hooks = MIDDLEWARE_HOOKS - {"dispatch"} if framework == "django" else MIDDLEWARE_HOOKS
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name in hooks or "middleware" in node.name.lower():
                return True
            if any("middleware" in ast.unparse(d).lower() for d in node.decorator_list):
                return True
    return False
