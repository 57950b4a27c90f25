"""Hard-coded secret keys -> the environment (B105), never a random per-process key.

Every worker of a multi-process server (gunicorn, uWSGI) and every restart must sign with the
same key, so there is never a random per-process fallback: sessions and tokens would fail across
workers and die on each restart, and an unconfigured deployment would boot anyway.

- A key set on the running app (`app.secret_key = ...`, `app.config["SECRET_KEY"] = ...`,
  `config.update(SECRET_KEY=...)`, a keyword or dict entry) is the final word: a missing key
  stops start-up (`os.environ["SECRET_KEY"]` raises KeyError naming it).
- A settings module's, config class's or config object's `SECRET_KEY = ...` (`self.SECRET_KEY`)
  is often a default a later source replaces (`from_object(defaults)` then `from_pyfile(cfg)`),
  so requiring the variable there would break deployments that set the key in their config
  file: it becomes
  `os.environ.get("SECRET_KEY")`, no key when unset, and Flask, its extensions and JWT refuse
  to sign without one ("the session is unavailable because no secret key was set"). A
  secondary key default there (`WTF_CSRF_SECRET_KEY`, `JWT_SECRET_KEY`) is declined: absent,
  extensions fall back to SECRET_KEY, but Flask-WTF raises on one that is present and None.

Flask & co. read the variable named like the setting (SECRET_KEY, JWT_SECRET_KEY), or the one an
`os.getenv("X", "literal")` fallback already stands behind; a Django settings module reads
DJANGO_SECRET_KEY, required (Django itself refuses to start without a SECRET_KEY). A literal
the application already refuses to start with (refused_secrets.py) is a placeholder the
deployer must replace: it is left alone.
"""

from __future__ import annotations

import re
from typing import TypeGuard

import libcst as cst
from devsecbots.nodes.analyzers.refused_secrets import refused_at
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.django_project import is_settings_module, overriding_module
from devsecbots.nodes.autofix.edits import Edits, expr
from devsecbots.nodes.autofix.secret_sites import not_deployed
from devsecbots.nodes.autofix.strings import literal
from devsecbots.nodes.autofix.tree import Tree, code, string_value

# Signing keys (sessions, CSRF, JWT) are the app's own to choose; third-party credentials are not.
# A bare `secret` is not one: as a dict key or keyword it names data ("secret": "url" in a form
# schema, an emoji's name, a mock's expected argument), not the key an app signs with.
_SIGNING_KEY = re.compile(
    r"^(?:[a-z0-9]+_)*secret_key$|^(?:app|jwt|session|flask|signing|cookie)_secret$",
    re.IGNORECASE,
)
_CREDENTIAL = re.compile(
    r"(?:^|_)(?:aws|api|client|oauth|stripe|twilio|s3|db|database|github|slack|google|azure)(?:_|$)",
    re.IGNORECASE,
)


def _is_signing_key(name: str | None) -> TypeGuard[str]:
    if not name:
        return False
    return bool(_SIGNING_KEY.match(name)) and not _CREDENTIAL.search(name)


_ENV_GETTERS = {"os.environ.get", "os.getenv"}
QUOTE = '"'
# Without it Flask extensions sign with SECRET_KEY, but some (Flask-WTF) fail on a None one.
SECONDARY_DEFAULT = (
    "{name} is a secondary key in a settings default: when the setting is absent extensions use "
    "SECRET_KEY, but Flask-WTF refuses one that is present and None, so neither a None default "
    "nor a required variable is safe; delete the line (SECRET_KEY then signs) or set it from "
    "your deployment's configuration"
)
NOT_A_SECRET_KEY = (
    "hard-coded credential that is not an app secret key: read it from the environment or a "
    "secrets store (no safe automatic default)"
)


class SecretKey(Codemod):
    name = "secret-key"
    rule_ids = frozenset(
        {
            "B105",
            "B106",
            "devsecbots.flask.hardcoded-secret-key",
            "devsecbots.python.hardcoded-secret-key",
            "devsecbots.django.hardcoded-secret-key",
        }
    )
    cwes = frozenset({"CWE-798", "CWE-259", "CWE-321", "CWE-547"})
    pattern = "hard-coded secret key"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        django = is_settings_module(tree, path)
        for assign in tree.find(cst.Assign):
            names = [_target_name(t.target) for t in assign.targets]
            if any(_is_signing_key(n) for n in names):
                name = next(n for n in names if _is_signing_key(n))
                if (
                    django
                    and name == "SECRET_KEY"
                    and (block := tree.parent(assign)) is not None
                    and tree.parent(block) is tree.module
                ):
                    other = overriding_module(path, "SECRET_KEY", project.files)
                    found.append(
                        _django_site(tree, assign.value, path, project)
                        if not other
                        else Site(
                            spans=[tree.span(assign)],
                            reason=f"secret-key: {other} builds on {path} and sets SECRET_KEY "
                            "itself: this is the development key",
                        )
                    )
                else:
                    default = any(_settings_target(t.target) for t in assign.targets)
                    found.extend(self._value_site(tree, assign.value, name, path, project, default))
        for arg in tree.find(cst.Arg):
            if arg.keyword is not None and _is_signing_key(arg.keyword.value):
                found.extend(self._value_site(tree, arg.value, arg.keyword.value, path, project))
        for element in tree.find(cst.DictElement):
            key = string_value(element.key)
            if _is_signing_key(key):
                found.extend(self._value_site(tree, element.value, key, path, project))
        return found

    def not_found(self, finding) -> str:
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", finding["snippet"])
        return (
            super().not_found(finding)
            if any(_is_signing_key(w) for w in words)
            else NOT_A_SECRET_KEY
        )

    def _value_site(
        self,
        tree: Tree,
        value: cst.BaseExpression,
        name: str,
        path: str,
        project: Project,
        default: bool = False,
    ) -> list[Site]:
        """The fix of one hard-coded key; a `default` (a settings module's or config class's
        `SECRET_KEY = ...`, which a later config file may replace) is only read, not required."""
        read = _configured if default else _required
        statement = tree.statement_of(value) or value
        spans = [tree.span(statement)]
        why = not_deployed(tree, value, path) or _refused(tree, statement, path, project)
        if not why and default and name.upper() != "SECRET_KEY":
            why = SECONDARY_DEFAULT.format(name=name)
        if why:
            return [Site(spans=spans, reason=f"secret-key: {why}")]
        env = name.upper()
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            is_bytes = "b" in getattr(value, "prefix", "").lower()
            if string_value(value) is None and not is_bytes:
                return []
            replacement = _required(env) + ".encode()" if is_bytes else read(env)
        elif (
            isinstance(value, cst.Call)
            and tree.qualnames(value) & _ENV_GETTERS
            and len(value.args) == 2
        ):
            if string_value(value.args[1].value) is None:
                return []
            replacement = read(_read_variable(value) or env)
        elif (
            isinstance(value, cst.BooleanOperation)
            and isinstance(value.operator, cst.Or)
            and string_value(value.right) is not None
        ):
            left = value.left
            variable = _read_variable(left) if tree.qualnames(left) & _ENV_GETTERS else ""
            replacement = read(variable) if variable else f"{code(value.left)} or {read(env)}"
        else:
            return []
        return [Site(spans=spans, plan=_swap(value, replacement, name), imports=[("os", None)])]


def _required(variable: str) -> str:
    """The environment read that stops start-up with KeyError naming `variable` when unset."""
    return f"os.environ[{literal(variable, QUOTE)}]"


def _configured(variable: str) -> str:
    """The environment read that leaves no key (None) when unset, for a later source to set."""
    return f"os.environ.get({literal(variable, QUOTE)})"


def _refused(tree: Tree, statement: cst.CSTNode, path: str, project: Project) -> str:
    """Why the key is a placeholder the application already refuses to start with ('')."""
    line = tree.span(statement)[0]
    where = refused_at(dict(project.files), path, line) if line else ""
    return (
        f"the application already refuses to start with this value ({where}): a placeholder "
        "the deployer must replace, not a key anything is signed with"
        if where
        else ""
    )


def _settings_target(target: cst.BaseExpression) -> bool:
    """`SECRET_KEY` (a settings module or config class) or `self.SECRET_KEY` (a config object),
    not the running app's `app.secret_key` / `app.config["SECRET_KEY"]`."""
    if isinstance(target, cst.Attribute):
        return isinstance(target.value, cst.Name) and target.value.value == "self"
    return isinstance(target, cst.Name)


def _target_name(target: cst.BaseExpression) -> str | None:
    """`app.secret_key` -> secret_key; `app.config["SECRET_KEY"]` -> SECRET_KEY; `SECRET_KEY`."""
    if isinstance(target, cst.Attribute):
        return target.attr.value
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Subscript) and len(target.slice) == 1:
        index = target.slice[0].slice
        return string_value(index.value) if isinstance(index, cst.Index) else None
    return None


def _swap(value: cst.BaseExpression, replacement: str, name: str):
    def plan(edits: Edits) -> str:
        edits.swap(value, lambda _: expr(replacement))
        if "os.environ[" in replacement:
            return (
                f"hard-coded {name} -> {replacement}, required at start-up (one stable key "
                "shared by every worker and restart: set it wherever the app runs, tests and CI "
                "included)"
            )
        return (
            f"hard-coded {name} -> {replacement}: no key unless the environment or a later "
            "config source sets one, so signing fails rather than using a public or per-worker key"
        )

    return plan


def _fallback_call(tree: Tree, value: cst.BaseExpression) -> cst.Call | None:
    """The `os.getenv(NAME, <value>)` / `os.environ.get(NAME, <value>)` call `value` is the
    fallback of (None otherwise)."""
    argument = tree.parent(value)
    call = tree.parent(argument) if isinstance(argument, cst.Arg) else None
    if isinstance(call, cst.Call) and len(call.args) == 2 and call.args[1] is argument:
        return call if _read_variable(call) else None
    return None


def _read_variable(value: cst.BaseExpression) -> str:
    """The variable a literal fallback stands behind (`os.getenv("SECRET_KEY", "x")`,
    `os.environ.get("SECRET_KEY", "x")`), or that `os.environ["SECRET_KEY"]` already reads:
    deployments already set that one ('' otherwise)."""
    if isinstance(value, cst.Subscript):
        name = _target_name(value)  # os.environ["SECRET_KEY"] reads like config["SECRET_KEY"]
    elif isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.args:
        getter = value.func.attr.value in ("getenv", "get")
        name = string_value(value.args[0].value) if getter else None
    else:
        name = None
    return name if name and name.isidentifier() else ""


def _django_site(tree: Tree, value: cst.BaseExpression, path: str, project: Project) -> Site:
    """Django: one stable key from the environment; workers must share it, so no random default."""
    statement = tree.statement_of(value) or value
    why = not_deployed(tree, value, path) or _refused(tree, statement, path, project)
    if why:
        return Site(spans=[tree.span(statement)], reason=f"secret-key: {why}")

    fallback_of = _fallback_call(tree, value)
    if fallback_of is not None:  # os.getenv("SECRET_KEY", "x"): replace the whole call
        value = fallback_of
    variable = _read_variable(value) or "DJANGO_SECRET_KEY"

    def plan(edits: Edits) -> str:
        edits.swap(value, lambda _: expr(f'os.environ["{variable}"]'))
        return (
            f"hard-coded SECRET_KEY -> env {variable}, required at start-up "
            "(one stable key shared by every worker)"
        )

    return Site(
        spans=[tree.span(tree.statement_of(value) or value)], plan=plan, imports=[("os", None)]
    )
