"""Find, without running anything, the web app a project defines and the settings it requires."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from devsecbots.nodes.sandbox.layout import is_test_path

# Where people usually put the app object, best first.
PREFERRED = ("app.py", "wsgi.py", "main.py", "application.py", "server.py", "run.py")
SECRET_NAME = re.compile(r"SECRET|KEY|TOKEN|PASSWORD|PASSWD", re.I)
ENV_READ = re.compile(
    r"""os\.environ\s*\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]"""
    r"""|os\.(?:environ\.get|getenv)\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\)"""
)


@dataclass(frozen=True)
class AppSite:
    """Where the app lives: module to import, attribute or factory, and the framework."""

    framework: str  # "flask", "fastapi", "django" or ""
    module: str = ""
    attribute: str = ""
    file: str = ""
    placeholders: tuple[str, ...] = field(default=())
    why_not: str = ""  # set when no app could be located


def locate_app(files: dict[str, str]) -> AppSite:
    """The Flask app (object or factory) of a project, or why none was found."""
    code = {p: c for p, c in files.items() if p.endswith(".py") and not is_test_path(p)}
    frameworks = {name for name in ("fastapi", "django") if _imports(code, name)}
    candidates = sorted(code, key=_rank)
    for path in candidates:
        attribute = _flask_app_in(code[path])
        if attribute is not None:
            return AppSite(
                framework="flask",
                module=_module_name(path),
                attribute=attribute,
                file=path,
                placeholders=required_secrets(code),
            )
    if frameworks:
        named = ", ".join(sorted(frameworks))
        return AppSite(framework=sorted(frameworks)[0], why_not=f"no probes for {named} apps yet")
    return AppSite(framework="", why_not="no Flask app object or create_app() factory found")


def required_secrets(code: dict[str, str]) -> tuple[str, ...]:
    """Secret-like settings the code reads from the environment (they get placeholders)."""
    names = set()
    for source in code.values():
        for match in ENV_READ.finditer(source):
            name = match.group(1) or match.group(2)
            if SECRET_NAME.search(name):
                names.add(name)
    return tuple(sorted(names))


def _flask_app_in(source: str) -> str | None:
    """The module-level name bound to Flask(...), "" for a create_app factory, None if neither."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    factory = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and _calls_flask(node.value):
            target = node.targets[0]
            if isinstance(target, ast.Name):
                return target.id
        if isinstance(node, ast.FunctionDef) and node.name in ("create_app", "make_app"):
            factory = node.name
    return factory


def _calls_flask(value: ast.expr) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name == "Flask"


def _imports(code: dict[str, str], package: str) -> bool:
    pattern = re.compile(rf"^\s*(from|import)\s+{package}\b", re.M)
    return any(pattern.search(source) for source in code.values())


def _rank(path: str) -> tuple[int, int, str]:
    parts = PurePosixPath(path).parts
    name = parts[-1]
    preferred = PREFERRED.index(name) if name in PREFERRED else len(PREFERRED)
    return (len(parts), preferred, path)


def _module_name(path: str) -> str:
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)
