"""Flask views exempt from CSRF that a token authenticates, not the browser's cookie.

Cross-site request forgery borrows what a browser attaches by itself: the session cookie (Flask's
`session`, Flask-Login's `current_user` and `login_required`) or HTTP Basic credentials. An
`@csrf.exempt` view is not a target when the request carries its own credential, which another
site cannot know or add (see django_csrf.py for Django), shown by one of:

- a project decorator that gates it: its wrapper calls the view only inside an `if` that accepts a
  credential-named value (`if auth_token is not None:`, `if compare_digest(token, ...)`) or after
  a top-level `if` that rejects one (`if request.headers.get("X-Token") != TOKEN: abort(401)`,
  or `key = request.headers.get("X-API-Key")` then `if key: <verify> else: abort(401)`),
  and reads no cookie, session or logged-in user itself;
- such a rejecting `if` among the view's first statements (only guards and assignments before);
- a credential-named variable in the route's URL (`/kobo/<auth_token>/...`, the blueprint's
  url_prefix included): the link itself is the secret.

The view (with its decorators, the functions of its module it calls, its blueprint's
before_request hooks, less an `if` there that only turns logged-in users away) must then read no
`session`, `request.cookies`, `request.authorization`, `g.user` nor sit behind a
login_required-like decorator; `current_user` only when the gate logs the token's user in
(`login_user(...)`), so it is that user and not the cookie's. Still blocking: an exempt view
behind login_required or reading the session or current_user, and a plain form POST that shows
no token (its authentication may be elsewhere).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.django_csrf import SESSION_AUTH
from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.low_confidence import lowered_at
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.security_words import spelled, words

RULE = "devsecbots.flask.csrf-disabled"
WHY = (
    "the exempt view is authenticated by a token in its URL, a header or the body (checked before "
    "it runs), not by the session cookie, and reads no session: a forged cross-site request "
    "cannot supply that token"
)
CREDENTIAL_WORDS = frozenset({"token", "secret", "signature", "hmac", "apikey", "signed"})
_URL_VARIABLE = re.compile(r"<(?:[^<>:]+:)?(\w+)>")
_AMBIENT_REQUEST = frozenset({"cookies", "authorization"})
Function = ast.FunctionDef | ast.AsyncFunctionDef


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, a csrf-exempt one on a token-authenticated view at low confidence."""
    if not any(f["rule_id"] == RULE and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files).values()
    sessions = session_names(trees)
    gates = token_gates(trees, sessions)

    def holds(tree: ast.Module, line: int) -> bool:
        return _token_view(tree, line, gates, sessions)

    return lowered_at(findings, files, {RULE}, WHY, holds)


def token_gates(trees: Iterable[ast.AST], sessions: frozenset[str]) -> dict[str, bool]:
    """Decorator name -> whether it logs the token's user in, for every project decorator that
    runs the view only past a credential check (all definitions of the name must be one)."""
    verdicts: dict[str, bool | None] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, Function):
                gate = _gate(node, sessions)
                seen = verdicts.get(node.name, gate)
                verdicts[node.name] = gate if seen == gate else None
    return {name: logs_in for name, logs_in in verdicts.items() if logs_in is not None}


def _gate(decorator: Function, sessions: frozenset[str]) -> bool | None:
    """Whether the gate logs the user in (None: not a gate): `def d(f)` returning a wrapper that
    calls f only past a credential check and reads no ambient credential."""
    params = [a.arg for a in decorator.args.posonlyargs + decorator.args.args]
    if len(params) != 1 or _reads_ambient(decorator, sessions, allow_user=False):
        return None
    view = params[0]
    returned = {
        r.value.id
        for r in ast.walk(decorator)
        if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)
    }
    wrappers = [n for n in decorator.body if isinstance(n, Function) and n.name in returned]
    if len(wrappers) != 1:
        return None
    wrapper = wrappers[0]
    calls = [n for n in ast.walk(wrapper) if isinstance(n, ast.Call) and _is_name(n.func, view)]
    parents = {c: n for n in ast.walk(wrapper) for c in ast.iter_child_nodes(n)}
    if not calls or not all(_past_check(c, wrapper, parents) for c in calls):
        return None
    return any(
        called_name(n.func) == "login_user" for n in ast.walk(wrapper) if isinstance(n, ast.Call)
    )


def _past_check(call: ast.AST, wrapper: Function, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether `call` runs only in the body of an if accepting a credential, or after a top-level
    if rejecting one."""
    node = call
    while node in parents and node is not wrapper:
        parent = parents[node]
        if isinstance(parent, ast.If) and node in parent.body and _accepts(parent.test):
            return True
        if parent is wrapper:
            return _rejected_before(wrapper.body, wrapper.body.index(node))  # type: ignore[arg-type]
        node = parent
    return False


def _rejected_before(body: list[ast.stmt], index: int) -> bool:
    """Whether one of the first `index` statements is an `if` rejecting a credential, with only
    other guards, imports and (possibly conditional) assignments before it. A name assigned from
    a credential (`expected = hmac_of(app.config["SECRET_KEY"], ...)`) counts as one."""
    derived: set[str] = set()
    for statement in body[:index]:
        if isinstance(statement, ast.If) and exits_request(statement.body):
            if _rejects(statement.test, derived):
                return True
        elif isinstance(statement, ast.If) and exits_request(statement.orelse):
            # `if key: <verify> else: abort(401)`: past it, the credential was present
            if _accepts(statement.test, derived):
                return True
        elif isinstance(statement, ast.If) and _only_assigns(statement):
            derived |= _credential_names(statement, derived)
        elif isinstance(statement, ast.Assign | ast.AnnAssign):
            derived |= _credential_names(statement, derived)
        elif not isinstance(statement, ast.Expr | ast.Import | ast.ImportFrom):
            return False
    return False


def _only_assigns(branch: ast.If) -> bool:
    """An `if` (with its else) that only assigns: a choice of value, not a guard."""
    return all(
        isinstance(s, ast.Assign | ast.AnnAssign | ast.Expr)
        or isinstance(s, ast.If)
        and _only_assigns(s)
        for s in branch.body + branch.orelse
    )


def _credential_names(statement: ast.stmt, derived: AbstractSet[str]) -> set[str]:
    """The names the statement assigns from a value that reads a credential."""
    found = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            if _credential(node.value, derived):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return found


def _accepts(test: ast.AST, derived: AbstractSet[str] = frozenset()) -> bool:
    """The test holds only when a credential-named value is present or matches."""
    if isinstance(test, ast.BoolOp):
        check = any if isinstance(test.op, ast.And) else all
        return check(_accepts(v, derived) for v in test.values)
    if isinstance(test, ast.Compare):
        positive = len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq | ast.IsNot | ast.In)
        return positive and _credential(test, derived)
    return isinstance(test, ast.Name | ast.Attribute | ast.Call) and _credential(test, derived)


def _rejects(test: ast.AST, derived: AbstractSet[str] = frozenset()) -> bool:
    """The test holds whenever a credential-named value is missing or does not match."""
    if isinstance(test, ast.BoolOp):
        check = any if isinstance(test.op, ast.Or) else all
        return check(_rejects(v, derived) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _accepts(test.operand, derived)
    if isinstance(test, ast.Compare):
        negative = len(test.ops) == 1 and isinstance(test.ops[0], ast.NotEq | ast.Is | ast.NotIn)
        return negative and _credential(test, derived)
    return False


def _credential(node: ast.AST, derived: AbstractSet[str] = frozenset()) -> bool:
    """Whether a name, attribute or string in the expression names a credential (or is a name
    assigned from one)."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id in derived:
            return True
        text = spelled(inner)
        if words(text) & CREDENTIAL_WORDS:
            return True
    return False


def exits_request(body: list[ast.stmt]) -> bool:
    """The block ends by returning, raising or calling abort()."""
    last = body[-1] if body else None
    if isinstance(last, ast.Return | ast.Raise):
        return True
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and called_name(last.value.func) == "abort"
    )


def _token_view(
    tree: ast.Module, line: int, gates: dict[str, bool], sessions: frozenset[str]
) -> bool:
    """Whether the view exempted at `line` is token-authenticated and reads no ambient one."""
    view = exempted_view(tree, line)
    if view is None or any(SESSION_AUTH.search(ast.unparse(d)) for d in view.decorator_list):
        return False
    names = [called_name(d.func if isinstance(d, ast.Call) else d) for d in view.decorator_list]
    logs_in = any(gates.get(n) for n in names)
    gated = any(n in gates for n in names)
    body_check = _rejected_before(view.body, len(view.body))
    if not (gated or body_check or _token_in_url(tree, view)):
        return False
    functions = {n.name: n for n in ast.walk(tree) if isinstance(n, Function)}
    return not any(
        _reads_ambient(f, sessions, allow_user=logs_in) for f in _called_here(view, functions)
    ) and not any(_hook_reads_ambient(h, sessions, logs_in) for h in hooks_of(tree, view))


def exempted_view(tree: ast.Module, line: int) -> Function | None:
    """The function decorated at `line`, or named in `csrf.exempt(view)` on that line."""
    functions = [n for n in ast.walk(tree) if isinstance(n, Function)]
    for node in functions:
        if min([d.lineno for d in node.decorator_list] + [node.lineno]) <= line <= node.lineno:
            return node
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and call.lineno == line
            and called_name(call.func) == "exempt"
        ):
            named = called_name(call.args[0]) if call.args else ""
            return next((f for f in functions if f.name == named), None)
    return None


def _token_in_url(tree: ast.Module, view: Function) -> bool:
    """Whether a route rule of the view, or its blueprint's url_prefix, has a credential part."""
    prefixes = _url_prefixes(tree)
    for decorator in view.decorator_list:
        if not (isinstance(decorator, ast.Call) and called_name(decorator.func) == "route"):
            continue
        rule = decorator.args[0] if decorator.args else None
        owner = decorator.func.value if isinstance(decorator.func, ast.Attribute) else None
        texts = [prefixes.get(owner.id, "")] if isinstance(owner, ast.Name) else []
        if isinstance(rule, ast.Constant) and isinstance(rule.value, str):
            texts.append(rule.value)
        variables = [v for t in texts for v in _URL_VARIABLE.findall(t)]
        if any(words(v) & CREDENTIAL_WORDS for v in variables):
            return True
    return False


def _url_prefixes(tree: ast.Module) -> dict[str, str]:
    """Module-level `bp = Blueprint(..., url_prefix="...")` -> its prefix."""
    found = {}
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and called_name(stmt.value.func) == "Blueprint"
        ):
            for keyword in stmt.value.keywords:
                if keyword.arg == "url_prefix" and isinstance(keyword.value, ast.Constant):
                    found[stmt.targets[0].id] = str(keyword.value.value)
    return found


def _called_here(view: Function, functions: dict[str, Function]) -> list[Function]:
    """The view and the functions of its module it calls by bare name, transitively."""
    seen: dict[str, Function] = {}
    pending = [view]
    while pending:
        node = pending.pop()
        if node.name in seen:
            continue
        seen[node.name] = node
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            if isinstance(call.func, ast.Name) and call.func.id in functions:
                pending.append(functions[call.func.id])
    return list(seen.values())


def hooks_of(tree: ast.Module, view: Function) -> list[Function]:
    """The module's before_request hooks of the blueprints (or app) that route the view."""
    owners = {
        d.func.value.id
        for d in view.decorator_list
        if isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and isinstance(d.func.value, ast.Name)
    }
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, Function)
        and any(
            isinstance(d, ast.Attribute)
            and d.attr == "before_request"
            and isinstance(d.value, ast.Name)
            and d.value.id in owners
            for d in n.decorator_list
        )
    ]


def session_names(trees: Iterable[ast.AST]) -> frozenset[str]:
    """`session` and the names the project imports Flask's session as."""
    names = {"session"}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask"):
                names.update(a.asname for a in node.names if a.name == "session" and a.asname)
    return frozenset(names)


def _reads_ambient(
    function: Function,
    sessions: frozenset[str],
    allow_user: bool,
    body: list[ast.stmt] | None = None,
) -> bool:
    """Whether the function (or the given statements of its body) relies on what the browser
    attaches: login_required-like names, the session, request.cookies / .authorization, g.user,
    or (unless allowed) current_user."""
    if any(SESSION_AUTH.search(ast.unparse(d)) for d in function.decorator_list):
        return True
    parts: list[ast.AST] = [function] if body is None else [function.args, *body]
    for node in (n for part in parts for n in ast.walk(part)):
        if isinstance(node, ast.Name):
            if node.id in sessions or SESSION_AUTH.search(node.id):
                return True
            if node.id == "current_user" and not allow_user:
                return True
        if isinstance(node, ast.Attribute):
            owner = called_name(node.value)
            if node.attr in _AMBIENT_REQUEST and owner == "request":
                return True
            if (node.attr, owner) in {("user", "g"), ("session", "flask")}:
                return True
    return False


def _hook_reads_ambient(hook: Function, sessions: frozenset[str], allow_user: bool) -> bool:
    """Whether a before_request hook relies on the browser's credential, less the `if`s that
    only turn logged-in users away (`if current_user.is_authenticated and <...>: return
    <response>`, no else; a hook's returned response ends the request): without a login they
    never run, so the cookie can only stop a request there, never let one through."""
    kept = [s for s in hook.body if not (isinstance(s, ast.If) and _refuses_logged_in(s))]
    return _reads_ambient(hook, sessions, allow_user, body=kept)


def _refuses_logged_in(branch: ast.If) -> bool:
    """An `if` without else that exits, taken only when a user is logged in."""
    tests = branch.test.values if _is_and(branch.test) else [branch.test]  # type: ignore[attr-defined]
    return (
        not branch.orelse
        and exits_request(branch.body)
        and any(ast.unparse(t) == "current_user.is_authenticated" for t in tests)
    )


def _is_and(test: ast.AST) -> bool:
    return isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And)


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
