"""Find, without running anything, the web app a project defines and the secrets it requires."""

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
    root: str = ""  # the folder imports start from (Django: where manage.py is)


def locate_app(files: dict[str, str]) -> AppSite:
    """The Flask or FastAPI app (object or factory) of a project, or why none was found."""
    code = {p: c for p, c in files.items() if p.endswith(".py") and not is_test_path(p)}
    for path in sorted(code, key=_rank):
        found = _app_in(code[path])
        if found is not None:
            framework, attribute = found
            return AppSite(
                framework=framework,
                module=_module_name(path),
                attribute=attribute,
                file=path,
                placeholders=required_secrets(code),
            )
    if _imports(code, "django"):
        return _django_site(code)
    return AppSite(
        framework="", why_not="no Flask or FastAPI app object or create_app() factory found"
    )


def required_secrets(code: dict[str, str]) -> tuple[str, ...]:
    """Secret-like settings the code reads from the environment (they get placeholders)."""
    names = set()
    for source in code.values():
        for match in ENV_READ.finditer(source):
            name = match.group(1) or match.group(2)
            if SECRET_NAME.search(name):
                names.add(name)
    return tuple(sorted(names))


def _app_in(source: str) -> tuple[str, str] | None:
    """(framework, the module-level name bound to Flask(...)/FastAPI(...) or the factory's name)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    factory = None
    for node in tree.body:
        framework = _app_class(node.value) if isinstance(node, ast.Assign) else None
        if framework and isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            return framework, node.targets[0].id
        if isinstance(node, ast.FunctionDef) and node.name in ("create_app", "make_app"):
            called = {_app_class(n) for n in ast.walk(node) if isinstance(n, ast.Call)}
            framework = "fastapi" if "fastapi" in called else "flask"
            factory = factory or (framework, node.name)
    return factory


def _app_class(value: ast.expr) -> str | None:
    """'flask' for a Flask(...) call, 'fastapi' for FastAPI(...), else None."""
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return {"Flask": "flask", "FastAPI": "fastapi"}.get(name)


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


SETTINGS_HINT = re.compile(r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']""")


def _django_site(code: dict[str, str]) -> AppSite:
    """The settings module of a Django project, imported from the folder of manage.py."""
    manage = sorted((p for p in code if PurePosixPath(p).name == "manage.py"), key=_rank)
    root = str(PurePosixPath(manage[0]).parent) if manage else ""
    root = "" if root == "." else root
    hinted = SETTINGS_HINT.search(code[manage[0]]) if manage else None
    candidates = [hinted.group(1)] if hinted else []
    candidates += [
        _module_name(str(PurePosixPath(p).relative_to(root)) if root else p)
        for p in sorted(code, key=_rank)
        if "INSTALLED_APPS" in code[p]
        and "ROOT_URLCONF" in code[p]
        and (not root or PurePosixPath(p).is_relative_to(root))
    ]
    for module in candidates:
        path = f"{root}/{module.replace('.', '/')}" if root else module.replace(".", "/")
        if f"{path}.py" in code or f"{path}/__init__.py" in code:
            return AppSite(
                framework="django",
                module=module,
                file=f"{path}.py" if f"{path}.py" in code else f"{path}/__init__.py",
                placeholders=required_secrets(code),
                root=root,
            )
    return AppSite(framework="django", why_not="no Django settings module (settings.py) found")
