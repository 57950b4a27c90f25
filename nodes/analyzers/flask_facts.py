"""What one Python file says about a Flask app's protections (apps, routes, limiter, headers)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache

from devsecbots.nodes.analyzers.configured_headers import copies_headers
from devsecbots.nodes.analyzers.enrolment_codes import confirms_enrolment
from devsecbots.nodes.analyzers.parsed import parsed_tree
from devsecbots.nodes.analyzers.saml_acs import acs_view
from devsecbots.nodes.analyzers.ticket_logins import exchanges_ticket
from devsecbots.nodes.roles import test_config_at
from devsecbots.nodes.security_words import words

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROUTE_METHODS = {"post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
COOKIE_KEYS = ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE")
# Extensions that keep their state (login, OAuth state, server-side session id) in the session.
_SESSION_EXTENSIONS = (
    "flask_login",
    "flask_session",
    "flask_security",
    "flask_dance",
    "flask_wtf",
    "authlib.integrations.flask_client",
)
# What keeps state in Flask's signed session cookie: the session itself, flash messages, logins
# (Flask-Login) and Flask-WTF's CSRF token. A secret key alone may only sign other things (HMACs).
SESSION_NAMES = frozenset(
    {"session", "flash", "login_user", "LoginManager", "CSRFProtect", "FlaskForm", "Security"}
)
# What makes a route worth throttling: it checks a credential (guessing), sends email to an
# address from the request (flooding), or stores uploads anyone may send (filling the disk; an
# upload behind a login is an account holder's, attributable and theirs to lose).
_CREDENTIAL_CALL = re.compile(
    r"^(check_password\w*|verify_password\w*|checkpw|authenticate\w*|login_user|verify_(totp|otp))$"
)
_LOGS_IN = re.compile(r"^(authenticate\w*|login_user)$")
_REQUIRES = frozenset({"required", "requires", "require"})
_LOGGED_IN = frozenset({"login", "auth", "authenticated", "authentication", "user", "admin"})
_MAIL_CALL = re.compile(r"^(send_\w*e?mail\w*|send_mail)$")
_LOGIN_ROUTE = re.compile(r"(?i)log_?in|sign_?in|sign-in|logon")
# A decorator the project wrote to throttle its own routes (`@ratelimit(limit=10, ...)`).
_OWN_LIMIT = re.compile(r"(?i)rate_?limit|throttle")
BASIC_AUTH_CLASSES = frozenset({"HTTPBasicAuth", "HTTPDigestAuth"})
PROTECTION_CLASSES = frozenset({"CSRFProtect", "SeaSurf"})


@dataclass
class Route:
    """A view function that changes state (POST, PUT, PATCH or DELETE)."""

    file: str
    line: int
    name: str
    rule: str
    limited: bool  # decorated with @<limiter>.limit(...) or @<limiter>.exempt
    own_limit: bool = False  # decorated with the project's own rate-limit decorator
    evidence: str = ""  # why it is worth throttling ("checks a password"), "" when nothing says
    decorators: frozenset[str] = frozenset()  # the objects its decorators belong to


@dataclass
class FileFacts:
    """Facts one file contributes to the project-wide checks."""

    apps: list[tuple[str, int]] = field(default_factory=list)  # (variable, line) of Flask(...)
    routes: list[Route] = field(default_factory=list)
    limiters: list[tuple[str, bool, bool]] = field(default_factory=list)  # (var, bound, defaults)
    bound: set[str] = field(default_factory=set)  # names passed through `<name>.init_app(...)`
    talisman: dict[str, ast.expr] = field(default_factory=dict)  # Talisman keywords; {} = none
    has_talisman: bool = False
    strings: set[str] = field(default_factory=set)  # lower-cased header names / CSP directives
    cookie: dict[str, ast.expr] = field(default_factory=dict)  # SESSION_COOKIE_* -> value
    uses_session: bool = False
    basic_auth: set[str] = field(default_factory=set)  # names of HTTPBasicAuth() objects
    csrf_names: set[str] = field(default_factory=set)  # variables holding a CSRFProtect()
    csrf_bound: bool = False  # CSRFProtect(app) called with the app
    loads_config: bool = False  # app.config.from_pyfile/from_envvar/...: values set at run time
    copies_headers: bool = False  # an after_request hook sets headers named by configuration


HEADER_WORDS = (
    "strict-transport-security",
    "x-frame-options",
    "frame-ancestors",
    "x-content-type-options",
)


@lru_cache(maxsize=20_000)
def file_facts(path: str, source: str) -> FileFacts | None:
    """The facts of one file; None when it does not parse."""
    tree = parsed_tree(source)
    if tree is None:
        return None
    facts = FileFacts()
    loaded: set[str] = set()  # session names used bare
    star = False  # `from flask import *`
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            _assignment(facts, node)
        if isinstance(node, ast.Call):
            _call(facts, node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _view(facts, path, node, tree)
            facts.copies_headers |= copies_headers(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            facts.strings.update(w for w in HEADER_WORDS if w in text)
        elif isinstance(node, ast.Name) and node.id in SESSION_NAMES:
            loaded.add(node.id)
        elif isinstance(node, ast.alias):
            # the imported name: `from flask import session as flask_session` is the session too
            facts.uses_session |= node.name.split(".")[-1] in SESSION_NAMES
        elif isinstance(node, ast.Attribute) and node.attr in SESSION_NAMES:
            facts.uses_session |= callee_name(node.value) == "flask"  # flask.session[...]
        elif isinstance(node, ast.ImportFrom) and node.module:
            facts.uses_session |= node.module.startswith(_SESSION_EXTENSIONS)
            star |= node.module == "flask" and any(a.name == "*" for a in node.names)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and not test_config_at(
            source,
            node.lineno,  # a TestingConfig's values are not the app's
        ):
            _cookie_assignment(facts, node)
    # A bare `session` is Flask's only when imported (counted above) or star-imported from flask:
    # elsewhere it is the file's own variable, such as a database session.
    facts.uses_session |= star and bool(loaded)
    return facts


def callee(node: ast.Call) -> str:
    """The last name of what a call calls: `flask_limiter.Limiter(...)` -> `Limiter`."""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _assignment(facts: FileFacts, node: ast.Assign) -> None:
    call = node.value
    assert isinstance(call, ast.Call)
    target = node.targets[0]
    name = target.id if isinstance(target, ast.Name) else ""
    if callee(call) == "Flask" and name:
        facts.apps.append((name, node.lineno))
    if callee(call) in BASIC_AUTH_CLASSES and name:
        facts.basic_auth.add(name)
    if callee(call) in PROTECTION_CLASSES and name:
        facts.csrf_names.add(name)
    if callee(call) == "Limiter":
        keywords = {k.arg for k in call.keywords}
        # flask-limiter >= 3 takes key_func first; an older Limiter(app, ...) passes the app first.
        apps = {name for name, _ in facts.apps} | {"app", "application"}
        first = call.args[0] if call.args else None
        bound = "app" in keywords or (isinstance(first, ast.Name) and first.id in apps)
        defaults = bool(keywords & {"default_limits", "application_limits"})
        facts.limiters.append((name or "<limiter>", bound, defaults))


def callee_name(node: ast.expr) -> str:
    """A bare or dotted name's last part ('' for anything else)."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _call(facts: FileFacts, node: ast.Call) -> None:
    name = callee(node)
    if name == "init_app" and isinstance(node.func, ast.Attribute):
        facts.bound.add(callee_name(node.func.value))
    elif name in PROTECTION_CLASSES:
        facts.csrf_bound |= bool(node.args or node.keywords)  # CSRFProtect(app)
    elif name in _LOADERS and _is_config(node.func):
        facts.loads_config = True
    elif name == "Talisman":
        facts.has_talisman = True
        facts.talisman.update({k.arg: k.value for k in node.keywords if k.arg})
    elif name == "update" and _is_config(node.func):
        for keyword in node.keywords:
            if keyword.arg in COOKIE_KEYS:
                facts.cookie[keyword.arg] = keyword.value
    elif name == "setdefault" and _is_config(node.func) and len(node.args) == 2:
        key = node.args[0]
        if isinstance(key, ast.Constant) and key.value in COOKIE_KEYS:
            facts.cookie[key.value] = node.args[1]


_LOADERS = frozenset({"from_pyfile", "from_envvar", "from_file", "from_prefixed_env"})


def _is_config(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and callee_name(func.value) == "config"


def _cookie_assignment(facts: FileFacts, node: ast.Assign | ast.AnnAssign) -> None:
    """`app.config["SESSION_COOKIE_SECURE"] = x`, or `SESSION_COOKIE_SECURE = x` (config class)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if node.value is None:
        return
    for target in targets:
        key: str | None = None
        if isinstance(target, ast.Name):
            key = target.id
        elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            key = target.slice.value if isinstance(target.slice.value, str) else None
        if key in COOKIE_KEYS:
            facts.cookie[key] = node.value
    if isinstance(node.value, ast.Dict):  # app.config.from_mapping({...}) & co.
        for key_node, value in zip(node.value.keys, node.value.values, strict=True):
            if isinstance(key_node, ast.Constant) and key_node.value in COOKIE_KEYS:
                facts.cookie[key_node.value] = value


def _view(
    facts: FileFacts, path: str, node: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module
) -> None:
    methods: set[str] = set()
    rule = ""
    limited = own_limit = False
    owners = set()
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        name = callee(call) if call else callee_name(decorator)
        target = call.func if call else decorator
        if isinstance(target, ast.Attribute):
            owners.add(callee_name(target.value))
        if name in ("limit", "exempt", "shared_limit"):
            limited = True
        elif _OWN_LIMIT.search(name):
            own_limit = True
        if call is None or name not in ("route", *ROUTE_METHODS):
            continue
        if call.args and isinstance(call.args[0], ast.Constant):
            rule = str(call.args[0].value)
        if name in ROUTE_METHODS:
            methods.add(ROUTE_METHODS[name])
        for keyword in call.keywords:
            if keyword.arg == "methods" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                methods.update(
                    str(e.value).upper() for e in keyword.value.elts if isinstance(e, ast.Constant)
                )
    if methods & STATE_CHANGING:
        facts.routes.append(
            Route(
                path,
                node.lineno,
                node.name,
                rule,
                limited,
                own_limit=own_limit,
                evidence=_evidence(node, rule, tree),
                decorators=frozenset(owners),
            )
        )


def _evidence(node: ast.FunctionDef | ast.AsyncFunctionDef, rule: str, tree: ast.Module) -> str:
    """What in the view makes throttling it a security matter ('' when nothing does)."""
    calls = {callee(n) for n in ast.walk(node) if isinstance(n, ast.Call)}
    # logs in whom a signed SAML assertion or an issuer-checked ticket names: nothing to guess
    acs = acs_view(node)
    ticket = exchanges_ticket(node, tree)
    issued = acs or ticket
    # beside a ticket only login_user() is the logging-in; authenticate(...) may check a password
    logs_in = {c for c in calls if (acs and _LOGS_IN.match(c)) or (ticket and c == "login_user")}
    checks = [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Call)
        and _CREDENTIAL_CALL.match(callee(n))
        and callee(n) not in logs_in
    ]
    # a code check whose wrong answer shows the secret is an enrolment, not a guess
    if any(not confirms_enrolment(node, check) for check in checks):
        return "checks a password: guessing"
    if not issued and _LOGIN_ROUTE.search(f"{rule} {node.name}"):
        return "is a login route: guessing"
    if any(_MAIL_CALL.match(c) for c in calls):
        return "sends email: flooding"
    if _behind_login(node):
        return ""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Attribute) and inner.attr == "files":
            if callee_name(inner.value) == "request":
                return "stores uploads anyone may send: filling the disk"
    return ""


def _behind_login(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a decorator requires a logged-in user: `login_required`, `auth.login_required`,
    `login_optionally_required`, `requires_auth`, `admin_required`, ..."""
    for decorator in node.decorator_list:
        said = words(ast.unparse(decorator))
        if said & _REQUIRES and said & _LOGGED_IN:
            return True
    return False
