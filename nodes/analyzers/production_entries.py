"""How a project is served in production: a WSGI/ASGI server started on one of its modules.

A deployment names the module the server imports: `gunicorn pkg.wsgi:application` in a Dockerfile
CMD, an entrypoint script, a Procfile or a supervisor/systemd file; `module = pkg.wsgi:app` in a
uWSGI ini. Those texts are what is read here (not Python code: a `python run.py` is not a
production server; not documentation, which describes and starts nothing), and a spec counts only
when its module is one of the project's files.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.dev_settings import PROSE_SUFFIXES

# Production WSGI/ASGI servers, as their command or configuration names them.
_SERVER = re.compile(
    r"\b(gunicorn|uwsgi|waitress-serve|waitress|uvicorn|hypercorn|daphne|mod_wsgi-express)\b"
)
_SPEC = re.compile(r"(?<![\w.:/-])([A-Za-z_][\w.]*):([A-Za-z_]\w*)(?:\(\))?(?![\w.:/-])")


@dataclass(frozen=True)
class Entry:
    """A production server started on `module` (a project file), as `where` says."""

    module: str  # project path of the served module
    server: str
    where: str  # the file that starts it


def production_entries(files: dict[str, str]) -> list[Entry]:
    """The production servers the project's non-Python files start on its own modules."""
    modules = _dotted_modules(files)
    entries = []
    for path, text in sorted(files.items()):
        if path.endswith(".py") or PurePosixPath(path).suffix.lower() in PROSE_SUFFIXES:
            continue
        for line in text.replace("\\\n", " ").splitlines():
            server = _SERVER.search(line)
            if not server or line.lstrip().startswith("#"):
                continue
            for spec in _SPEC.finditer(line, server.end()):
                module = modules.get(spec.group(1))
                if module:
                    entries.append(Entry(module, server.group(1), path))
    return entries


def serves(entry: Entry, runner: str, files: dict[str, str]) -> bool:
    """Whether the production entry serves the module at `runner`: it is that module, or the
    served module imports it (`from pkg.run import create_app` in pkg/wsgi.py)."""
    if entry.module == runner:
        return True
    tree = parse_files(files).get(entry.module)
    wanted = dotted(runner)
    return tree is not None and any(
        name == wanted or wanted.endswith("." + name)
        for name in _imported_modules(tree, entry.module)
    )


def dotted(path: str) -> str:
    """'pkg/wsgi.py' -> 'pkg.wsgi' (a package's __init__.py is the package)."""
    parts = list(PurePosixPath(path.removesuffix(".py")).parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _dotted_modules(files: dict[str, str]) -> dict[str, str]:
    """Dotted name -> path of each Python file, also without leading folders (`src/` layouts)."""
    names: dict[str, str] = {}
    for path in sorted(files, key=lambda p: p.count("/"), reverse=True):
        if path.endswith(".py"):
            parts = dotted(path).split(".")
            for start in range(len(parts)):
                names[".".join(parts[start:])] = path
    return names


def _imported_modules(tree: ast.Module, path: str) -> list[str]:
    """The dotted modules `tree` (at `path`) imports, relative imports resolved."""
    package = dotted(path).split(".")
    if not path.endswith("__init__.py"):
        package.pop()  # a module's relative imports start at its package
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append(module)
            found += [f"{module}.{alias.name}" for alias in node.names]
    return found
