"""Per-framework figures for bench/harden_corpus.py: which framework a corpus project uses, its
blocking findings before/after, and whether its own tests pass before and after hardening."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FRAMEWORKS = {  # framework -> import that marks it, in the order they are reported
    "django": re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE),
    "fastapi": re.compile(r"^\s*(from|import)\s+(fastapi|starlette)\b", re.MULTILINE),
    "flask": re.compile(r"^\s*(from|import)\s+flask\b", re.MULTILINE),
}
TARGET_REMOVED = 0.80  # offline harden removes at least this share of blocking findings
CHECKED = ("django", "fastapi", "flask")  # frameworks the target is set for


def framework_of(files: dict[str, str]) -> str:
    """The project's web framework by its imports: django, fastapi, flask, mixed or other."""
    found = [
        name
        for name, pattern in FRAMEWORKS.items()
        if any(pattern.search(c) for p, c in files.items() if p.endswith(".py"))
    ]
    return found[0] if len(found) == 1 else ("mixed" if found else "other")


def has_tests(files: dict[str, str]) -> bool:
    """Whether the project carries its own tests (Django's manage.py test, or pytest files)."""
    return "manage.py" in files or any(p.startswith("tests/") for p in files)


def run_tests(files: dict[str, str]) -> tuple[bool, str]:
    """Run the project's own tests on a temporary copy; (passed, last lines of output)."""
    with tempfile.TemporaryDirectory(prefix="corpus-tests-") as tmp:
        root = Path(tmp)
        for path, content in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(content, encoding="utf-8")
        # the hardened Django settings require one stable secret from the environment
        env = dict(os.environ, DJANGO_SECRET_KEY="corpus-tests-secret", PYTHONDONTWRITEBYTECODE="1")
        if "manage.py" in files:
            command = [sys.executable, "manage.py", "test", "--noinput"]
        else:
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        return done.returncode == 0, (done.stdout + done.stderr)[-600:]


def report(projects, ours, before, after, broken_of) -> tuple[dict, bool]:  # type: ignore[no-untyped-def]
    """Print one line per framework; (figures, whether a checked framework missed its target).

    `before`/`after` are the blocking counts per project before and after hardening.
    """
    rows: dict[str, dict] = {}
    for name, files in projects.items():
        row = rows.setdefault(
            framework_of(files),
            {"projects": 0, "before": 0, "after": 0, "broken": 0, "tests": 0, "tests_failed": []},
        )
        row["projects"] += 1
        row["before"] += before[name]
        row["after"] += after[name]
        row["broken"] += broken_of(ours[name])
        if has_tests(files):
            row["tests"] += 1
            for label, version in (("before", files), ("after", ours[name])):
                passed, tail = run_tests(version)
                if not passed:
                    row["tests_failed"].append(f"{name} ({label})")
                    print(f"  {name}: own tests fail {label} hardening:\n{tail}", file=sys.stderr)
    missed = False
    print(
        f"\n{'framework':<10} {'projects':>8} {'blocking before':>16} {'after':>6} "
        f"{'removed':>8} {'broken':>7} {'own tests':>10}"
    )
    for framework, row in sorted(rows.items()):
        share = (row["before"] - row["after"]) / row["before"] if row["before"] else 1.0
        row["removed"] = round(100 * share, 1)
        tests = f"{row['tests'] - len(row['tests_failed'])}/{row['tests']} ok"
        print(
            f"{framework:<10} {row['projects']:>8} {row['before']:>16} {row['after']:>6} "
            f"{row['removed']:>7.1f}% {row['broken']:>7} {tests:>10}"
        )
        if framework in CHECKED and (
            share < TARGET_REMOVED or row["broken"] or row["tests_failed"]
        ):
            missed = True
    return rows, missed
