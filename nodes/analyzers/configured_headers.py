"""Security headers an app sends from its configuration file, not from its code.

Some apps keep their response headers in a settings file the project ships and copy them onto
every response in an after_request hook:

    @app.after_request
    def add_default_headers(response):
        for header, value in settings["server"]["default_http_headers"].items():
            response.headers[header] = value

The header names then appear in no Python string, only in `settings.yml`. A header named in one
of the project's configuration files (YAML, TOML, INI, JSON, .cfg/.conf) counts as sent when
such a hook exists: an after_request hook setting `<response>.headers[<name from data>]`, or
`.headers.update(...)` / `.extend(...)` with something other than a literal dict. A config file
alone (no hook copying headers), a hook setting only literal headers, and configuration files of
tests or examples do not count.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from devsecbots.nodes.roles import APP, file_role

CONFIG_SUFFIXES = frozenset({".yml", ".yaml", ".toml", ".ini", ".cfg", ".conf", ".json"})
HOOKS = frozenset({"after_request", "after_app_request"})
COPYING_METHODS = frozenset({"update", "extend"})


def copies_headers(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """An after_request hook that sets response headers whose names come from data."""
    if not any(_hook_decorator(d) for d in function.decorator_list):
        return False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            if any(_data_named_header(t) for t in node.targets):
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if (
                node.func.attr in COPYING_METHODS
                and _headers(node.func.value)
                and len(node.args) == 1
                and not isinstance(node.args[0], ast.Dict)
            ):
                return True
    return False


def config_header_words(files: dict[str, str], wanted: tuple[str, ...]) -> set[str]:
    """The `wanted` (lower-case) words that the project's configuration files name."""
    found: set[str] = set()
    for path, text in files.items():
        if PurePosixPath(path).suffix.lower() not in CONFIG_SUFFIXES:
            continue
        if file_role(path, "").name != APP:
            continue  # a test's or an example's settings are not what the app ships
        lowered = text.lower()
        found.update(w for w in wanted if w in lowered)
    return found


def _hook_decorator(decorator: ast.AST) -> bool:
    """`@app.after_request` / `@bp.after_app_request` (not called)."""
    return isinstance(decorator, ast.Attribute) and decorator.attr in HOOKS


def _data_named_header(target: ast.AST) -> bool:
    """`<x>.headers[key] = ...` where key is not a literal."""
    return (
        isinstance(target, ast.Subscript)
        and _headers(target.value)
        and not isinstance(target.slice, ast.Constant)
    )


def _headers(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "headers"
