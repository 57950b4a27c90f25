"""A settings module for local development that nothing in production loads.

Django and Flask projects keep the settings a developer runs with next to the production ones:
`settings/local_dev.py`, `config/development.py`, `dev_settings.py`, each importing the shared
base and switching DEBUG on, a throw-away SECRET_KEY, console e-mail. Such a module is
development code when its name says so and the project never loads it outside development:

- its file name starts with local/dev/devel/development or ends with _dev/_local/_development
  (never settings.py, nor a name that also says prod/production/base/common/global/default);
- it sits in a settings folder or is named as settings, and assigns UPPER_CASE settings;
- no other file names it as DJANGO_SETTINGS_MODULE (or --settings=): manage.py, wsgi.py, asgi.py,
  a Dockerfile, a compose file, CI...; tests and documentation do not count (prose such as
  "export DJANGO_SETTINGS_MODULE=settings.local_dev" in a README loads nothing);
- no application module imports it (a production settings.py that ends with
  `from .local import *` makes it production settings).

Any doubt (a mention anywhere it could be loaded from) leaves it application code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath

_DEV_WORDS = frozenset({"local", "dev", "devel", "development"})
_PRODUCTION_WORDS = frozenset({"prod", "production", "base", "common", "global", "default"})
_SETTINGS_DIRS = frozenset({"settings", "config", "configs", "conf"})
_SETTINGS_ASSIGNMENT = re.compile(r"^[A-Z][A-Z0-9_]*\s*=", re.MULTILINE)
# Documentation: what it names, it describes; it loads nothing.
PROSE_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".txt", ".adoc"})


def dev_settings_reason(
    path: str, source: str, files: Mapping[str, str], is_app: Callable[[str, str], bool]
) -> str:
    """Why the module at `path` is settings for local development only ('' when it may be
    loaded in production). `is_app(path, source)` tells application files from tests/docs."""
    pure = PurePosixPath(path)
    if pure.suffix != ".py" or not _dev_named(pure.stem.lower()):
        return ""
    folders = {p.lower() for p in pure.parts[:-1]}
    named_settings = "settings" in pure.stem.lower() or bool(folders & _SETTINGS_DIRS)
    if not named_settings or not _SETTINGS_ASSIGNMENT.search(source):
        return ""
    stem = re.escape(pure.stem)
    selected = re.compile(rf"(DJANGO_SETTINGS_MODULE|--settings)\b.*\b{stem}\b")
    imported = re.compile(rf"^\s*(from|import)\s[^\n#]*\b{stem}\b", re.MULTILINE)
    for other, text in files.items():
        if other == path or pure.stem not in text or _prose(other) or not is_app(other, text):
            continue
        if any(selected.search(line) for line in text.splitlines() if pure.stem in line):
            return ""
        if other.endswith(".py") and imported.search(text):
            if not _dev_named(PurePosixPath(other).stem.lower()):
                return ""
    return (
        f"settings for local development by its name ({pure.name}); no DJANGO_SETTINGS_MODULE "
        "and no application module loads it"
    )


def _dev_named(stem: str) -> bool:
    """Whether a module name says local development: local_dev, dev, development, settings_dev."""
    words = re.split(r"[_\-.]+", stem)
    if words[0] == "settings" and len(words) == 1:
        return False
    if _PRODUCTION_WORDS & set(words):
        return False
    return words[0] in _DEV_WORDS or words[-1] in _DEV_WORDS


def _prose(path: str) -> bool:
    """Whether the file is documentation (it names modules, it loads none)."""
    return PurePosixPath(path).suffix.lower() in PROSE_SUFFIXES
