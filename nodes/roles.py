"""What code is for: application code, tests, examples (and demo data), migrations, settings
for local development or developer tools run by hand.

Findings in code that never runs in production (tests and their fixtures, examples, demo-data
scripts, database migrations, development settings, a profiler runner) are reported but do not
block by default.
The role is read from the path's directory and file names and from what the file defines — never
from a substring "test" anywhere in a path (`contest/`, `latest.py` are application code). Inside
an application module a class can still be test code: a `TestingConfig` in `config.py` configures
the test suite, so `line_role` answers for one line. Whether a settings module is for development
only also depends on the rest of the project (nothing may load it in production: dev_settings.py),
so `line_role` decides it when it is given the project's files.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from devsecbots.nodes.analyzers.parsed import parsed_tree
from devsecbots.nodes.dev_settings import dev_settings_reason
from devsecbots.nodes.dev_tools import dev_tool_reason

APP = "app"
TEST = "test"
EXAMPLE = "example"
MIGRATION = "migration"
DEVELOPMENT = "development"
ROLES = (APP, TEST, EXAMPLE, MIGRATION, DEVELOPMENT)

_TEST_DIRS = frozenset({"tests", "test", "testing", "fixtures", "test_utils", "testutils"})
_EXAMPLE_DIRS = frozenset({"examples", "example", "docs", "doc", "demo", "demos", "samples"})
_MIGRATION_DIRS = frozenset({"migrations", "alembic"})
_SETTINGS_DIRS = frozenset({"settings", "config", "configs", "conf"})
_TEST_FILE = re.compile(r"^(test_.*|.*_tests?|conftest|tests?)\.py$")
# A settings module the test suite or the CI runs with (`settings/ci.py`, `config/testing.py`).
_TEST_SETTINGS_FILE = re.compile(r"^(tests?|testing|ci)(_settings)?\.py$")
# `production.example.py`, `settings_example.py`, `example_app.py`: a template or an example.
_EXAMPLE_FILE = re.compile(r"^(.+[._-])?examples?([._-].+)?\.py$")
# Scripts that fill a database with made-up data for a demo or for development. Their names
# say little (`populate.py` also names an installer's defaults, or a search index builder),
# so it is what they import that tells: a fake-data generator.
_FAKER_IMPORT = re.compile(r"^\s*(from\s+(faker|mimesis)\b|import\s+(faker|mimesis)\b)", re.M)
_TEST_CONTENT = re.compile(
    r"^\s*(class\s+\w*Test\w*\s*\(.*TestCase\s*\)|def\s+test_\w+\s*\()", re.MULTILINE
)
_TEST_IMPORT = re.compile(r"^\s*(import|from)\s+(pytest|unittest)\b", re.MULTILINE)
_DJANGO_MIGRATION = re.compile(r"^class Migration\(migrations\.Migration\)", re.MULTILINE)
_ALEMBIC_REVISION = re.compile(r"^def upgrade\(\)", re.MULTILINE)
_ALEMBIC_ID = re.compile(r"^(down_)?revision\s*(:\s*\w+\s*)?=", re.MULTILINE)
# Configuration classes for the test suite: TestingConfig, TestConfig, TestSettings, ...
_TEST_CONFIG_CLASS = re.compile(r"^(\w*?)(Test|Testing|Tests)(Config|Configuration|Settings)$")


@dataclass(frozen=True)
class Role:
    """A role and, for code that is not the application's, what gave it away."""

    name: str
    why: str = ""

    def describe(self) -> str:
        """'test code (under tests/)': the role in words, for an exemption."""
        return f"{self.name} code" + (f" ({self.why})" if self.why else "")


@lru_cache(maxsize=4_096)
def file_role(path: str, source: str = "") -> Role:
    """The role of the file at project-relative `path` with content `source`."""
    parts = PurePosixPath(path).parts
    if not parts:
        return Role(APP)
    folders, name = [p.lower() for p in parts[:-1]], parts[-1].lower()
    if found := _named(folders, _MIGRATION_DIRS):
        return Role(MIGRATION, f"under {found}/")
    if _DJANGO_MIGRATION.search(source):
        return Role(MIGRATION, "a Django migration")
    if _ALEMBIC_REVISION.search(source) and _ALEMBIC_ID.search(source):
        return Role(MIGRATION, "an Alembic revision")
    if found := _named(folders, _TEST_DIRS):
        return Role(TEST, f"under {found}/")
    if _TEST_FILE.match(name):
        return Role(TEST, "a test module by its name")
    if set(folders) & _SETTINGS_DIRS and _TEST_SETTINGS_FILE.match(name):
        return Role(TEST, "settings for the test suite or CI")
    if _TEST_IMPORT.search(source) and _TEST_CONTENT.search(source):
        return Role(TEST, "defines tests")
    if found := _named(folders, _EXAMPLE_DIRS):
        return Role(EXAMPLE, f"under {found}/")
    if _EXAMPLE_FILE.match(name):
        return Role(EXAMPLE, "an example or template by its name")
    if _FAKER_IMPORT.search(source):
        return Role(EXAMPLE, "a demo-data script: generates fake data")
    if why := dev_tool_reason(path, source):
        return Role(DEVELOPMENT, why)
    return Role(APP)


def code_role(path: str, source: str = "") -> str:
    """The role name of the file at `path` (app | test | example | migration | development)."""
    return file_role(path, source).name


def line_role(path: str, source: str, line: int, files: Mapping[str, str] | None = None) -> Role:
    """The role of one line: the file's, unless the line sits in test configuration; with the
    project's `files`, a settings module only development loads is development code."""
    role = file_role(path, source)
    if role.name != APP:
        return role
    why = dev_settings_reason(path, source, files, _is_app) if files is not None else ""
    if why:
        return Role(DEVELOPMENT, why)
    name = test_config_at(source, line)
    return Role(TEST, f"inside {name}, configuration for the test suite") if name else role


def test_config_at(source: str, line: int) -> str:
    """The name of the test-configuration class around `line` ('' when there is none)."""
    if line <= 0:
        return ""
    return next((n for start, end, n in _test_config_spans(source) if start <= line <= end), "")


def _is_app(path: str, source: str) -> bool:
    """Whether the file is application code (what can be loaded in production)."""
    return file_role(path, source).name == APP


def _named(folders: list[str], names: frozenset[str]) -> str:
    """The first of `folders` that is one of `names` ('' when none)."""
    return next((f for f in folders if f in names), "")


@lru_cache(maxsize=2_048)
def _test_config_spans(source: str) -> tuple[tuple[int, int, str], ...]:
    """(first line, last line, class name) of each class that configures the test suite.

    A class is test configuration when its name says so (`TestingConfig`) or when it sets
    `TESTING = True`, Flask's and Django projects' switch for the test client and test mode.
    """
    if "class " not in source:
        return ()
    tree = parsed_tree(source)
    if tree is None:
        return ()
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and (
            _TEST_CONFIG_CLASS.match(node.name) or _sets_testing(node)
        ):
            spans.append((node.lineno, node.end_lineno or node.lineno, node.name))
    return tuple(spans)


def _sets_testing(node: ast.ClassDef) -> bool:
    """Whether the class body assigns TESTING = True."""
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "TESTING" for t in statement.targets)
            and isinstance(statement.value, ast.Constant)
            and statement.value.value is True
        ):
            return True
    return False
