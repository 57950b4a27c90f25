"""What a file is for: application code, tests, examples or migrations.

Findings in code that never runs in production (tests and their fixtures, examples and demo-data
scripts, database migrations) are reported but do not block by default. The role is read from
the path's directory and file names and, where those say nothing, from what the file defines —
never from a substring "test" anywhere in a path (`contest/`, `latest.py` are application code).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

APP = "app"
TEST = "test"
EXAMPLE = "example"
MIGRATION = "migration"
ROLES = (APP, TEST, EXAMPLE, MIGRATION)

_TEST_DIRS = frozenset({"tests", "test", "testing", "fixtures", "test_utils", "testutils"})
_EXAMPLE_DIRS = frozenset({"examples", "example", "docs", "doc", "demo", "demos", "samples"})
_MIGRATION_DIRS = frozenset({"migrations", "alembic"})
_TEST_FILE = re.compile(r"^(test_.*|.*_tests?|conftest|tests?)\.py$")
_TEST_CONTENT = re.compile(
    r"^\s*(class\s+\w*Test\w*\s*\(.*TestCase\s*\)|def\s+test_\w+\s*\()", re.MULTILINE
)
_TEST_IMPORT = re.compile(r"^\s*(import|from)\s+(pytest|unittest)\b", re.MULTILINE)
_MIGRATION_CONTENT = re.compile(
    r"^class Migration\(migrations\.Migration\)|^def upgrade\(\)", re.MULTILINE
)


def code_role(path: str, source: str = "") -> str:
    """The role of the file at project-relative `path` with content `source`."""
    parts = PurePosixPath(path).parts
    folders, name = {p.lower() for p in parts[:-1]}, parts[-1].lower() if parts else ""
    if folders & _MIGRATION_DIRS or _MIGRATION_CONTENT.search(source):
        return MIGRATION
    if folders & _TEST_DIRS or _TEST_FILE.match(name):
        return TEST
    if _TEST_IMPORT.search(source) and _TEST_CONTENT.search(source):
        return TEST
    if folders & _EXAMPLE_DIRS:
        return EXAMPLE
    return APP
