"""One-line notes on what a review of a Django / FastAPI / mixed / Python 2 tree had to skip."""

from __future__ import annotations

import re

from devsecbots.nodes.analyzers.parsed import parse_error

_IMPORTS = {
    "django": re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE),
    "fastapi": re.compile(r"^\s*(from|import)\s+(fastapi|starlette)\b", re.MULTILINE),
    "flask": re.compile(r"^\s*(from|import)\s+flask\b", re.MULTILINE),
}
_SETTINGS_PATH = re.compile(r"(^|/)(settings/[^/]*|[^/]*settings[^/]*)\.py$")
_SETTINGS_MARKER = re.compile(r"^(INSTALLED_APPS|MIDDLEWARE|ROOT_URLCONF)\s*=", re.MULTILINE)
_SETTINGS_MODULE = re.compile(r"DJANGO_SETTINGS_MODULE[\"'],\s*[\"']([\w.]+)[\"']")
_PYTHON2 = re.compile(
    r"^\s*print\s+[^\s(=]|^\s*exec\s+[\"']|except\s+[\w.]+\s*,\s*\w+\s*:|\braw_input\s*\(|<>"
    r"|\bur[\"']|^\s*raise\s+\w+\s*,",
    re.MULTILINE,
)


def project_notes(files: dict[str, str]) -> list[tuple[str, str]]:
    """(path, note) for each part of the tree the review could not fully cover, and why."""
    python = {p: c for p, c in files.items() if p.endswith(".py")}
    notes = [(p, _PY2) for p, c in sorted(python.items()) if _is_python2(c)]
    used = {name for name, rx in _IMPORTS.items() if any(rx.search(c) for c in python.values())}
    if "django" in used or "manage.py" in files:
        settings = [
            p for p, c in python.items() if _SETTINGS_PATH.search(p) and _SETTINGS_MARKER.search(c)
        ]
        if not settings:
            expected = _SETTINGS_MODULE.search(files.get("manage.py", ""))
            where = f" ({expected.group(1)} is not among the files)" if expected else ""
            notes.append(
                (
                    "manage.py" if "manage.py" in files else ".",
                    f"Django settings not found{where}: DEBUG, ALLOWED_HOSTS, SECRET_KEY, "
                    "SECURE_* and middleware checks skipped",
                )
            )
    if len(used) > 1:
        notes.append(
            (
                ".",
                f"mixed frameworks ({', '.join(sorted(used))}): each file is reviewed with the "
                "rules of the framework it imports",
            )
        )
    for path, source in sorted(python.items()):
        if "fastapi" in used and re.search(r"\.add_api_route\(|\.add_route\(", source):
            notes.append(
                (
                    path,
                    "routes registered with add_api_route/add_route: their handlers' parameters "
                    "are not treated as request data (only decorated path operations are)",
                )
            )
    return notes


_PY2 = (
    "Python 2 syntax: Bandit and the automatic fixes cannot read it, Semgrep reviewed what it "
    "could; port it to Python 3"
)


def _is_python2(source: str) -> bool:
    error = parse_error(source)
    # ValueError: null bytes, lone surrogates: not a question of Python versions
    return isinstance(error, SyntaxError) and bool(_PYTHON2.search(source))
