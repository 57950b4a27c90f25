"""The tests fix check: the project's own tests must do as well after a DevBot round as before.

The baseline is taken once, on the starting files, and keeps the tests and pytest's configuration
as they were: later rounds run exactly those against the new code (test or config files a round
added or changed are left out), so a round cannot pass the check by editing, deleting or
out-configuring a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from devsecbots.nodes.appenv import app_environment
from devsecbots.nodes.sandbox.layout import has_tests, is_test_path
from devsecbots.nodes.sandbox.result import TestRun, same_result
from devsecbots.nodes.sandbox.runner import DEFAULT_TIMEOUT, run_project_tests

MAX_RERUN_TIMEOUT = 300.0
PYTEST_CONFIG_FILES = frozenset(
    {"pytest.ini", ".pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"}
)


def is_pinned(path: str) -> bool:
    """Whether a file belongs to the yardstick (tests, conftest, pytest config), not the code."""
    return is_test_path(path) or PurePosixPath(path).name in PYTEST_CONFIG_FILES


@dataclass(frozen=True)
class TestsCheck:
    """What the tests check found this round."""

    __test__ = False  # not a pytest test class

    baseline: dict[str, Any] | None = None  # a new baseline to store (first check only)
    failure: str | None = None  # why the round must be rolled back
    note: str = ""  # one line for the round's history, e.g. 'tests: 2 passed in 1.4s (env: …)'


def make_baseline(
    files: dict[str, str], *, timeout: float = DEFAULT_TIMEOUT, python: str = ""
) -> dict[str, Any]:
    """Run the tests on the starting files, in their environment (`python`, else a cached venv
    from their requirements); {} when they have none (nothing to compare later).

    Raises EnvironmentUnavailable (an OSError) when there is no environment to run them in.
    """
    if not has_tests(files):
        return {}
    env = app_environment(files, python=python)
    run = run_project_tests(files, timeout=timeout, python=env.python)
    if run is None:
        return {}
    pinned = {p: c for p, c in files.items() if is_pinned(p)}
    return {**run.as_dict(), "env": env.label, "test_files": pinned}


def compare_with_baseline(
    baseline: dict[str, Any], files: dict[str, str], *, python: str = ""
) -> tuple[str | None, TestRun, str]:
    """Run the baseline's tests against `files` in the environment they now declare;
    (reason the result is worse or None, the run, where it ran)."""
    before = TestRun.from_dict(baseline)
    timeout = min(MAX_RERUN_TIMEOUT, max(DEFAULT_TIMEOUT, 3 * before.duration))
    code = {p: c for p, c in files.items() if not is_pinned(p)}
    merged = {**code, **baseline["test_files"]}
    env = app_environment(merged, python=python)
    after = run_project_tests(merged, timeout=timeout, python=env.python)
    if after is None:  # cannot happen: the baseline's test files are in the run
        raise ValueError("the test baseline holds no test file")
    reason = same_result(before, after)
    return (f"the project's tests got worse: {reason}" if reason else None), after, env.label


def check_project_tests(
    state: Mapping[str, Any],
    *,
    enabled: bool,
    round_no: int,
    snapshot_files: dict[str, str] | None,
    python: str = "",
) -> TestsCheck:
    """The approval check's test step: take the baseline once, then re-run after changes.

    The baseline is taken on this round's files in round 1, or on the last accepted files when
    a later round finds none (e.g. a resumed run); `{}` records that there are no tests. The
    tests run with `python` (--python or a venv found in the input), else in a cached venv
    built from the files' requirements; without either the note says "tests not run: …".
    """
    if not enabled:
        return TestsCheck()
    try:
        return _check(state, round_no, snapshot_files, python)
    except OSError as exc:  # the sandbox itself could not start (not the tests failing)
        if state.get("test_baseline"):
            return TestsCheck(failure=f"the project's tests could not be run: {exc}")
        return TestsCheck(note=f"tests not run: {exc}")  # e.g. 'no sandbox available: …'


def _check(
    state: Mapping[str, Any], round_no: int, snapshot_files: dict[str, str] | None, python: str
) -> TestsCheck:
    files = state.get("files") or {}
    baseline = state.get("test_baseline")
    new_baseline = None
    if baseline is None:
        first = round_no <= 1 or snapshot_files is None
        start = files if first else snapshot_files or {}
        baseline = new_baseline = make_baseline(start, python=python)
        if first or not baseline:
            note = _note(baseline["summary"], baseline.get("env", ""), baseline) if baseline else ""
            return TestsCheck(baseline=baseline, note=note)
    if not baseline or not state.get("changed"):
        return TestsCheck(baseline=new_baseline)
    failure, after, env = compare_with_baseline(baseline, files, python=python)
    note = _note(after.summary, env, after.as_dict())
    return TestsCheck(baseline=new_baseline, failure=failure, note=note)


def _note(summary: str, env: str, run: dict[str, Any]) -> str:
    """'tests: 2 passed in 1.4s (env: cached venv 1f2e…, flask 3.1.3; sandbox: bubblewrap)';
    'tests not run: pytest ran no test (exit code 4: usage error …)' when none ran."""
    where = [f"env: {env}"] if env else []
    where += [f"sandbox: {run['containment']}"] if run.get("containment") else []
    suffix = f" ({'; '.join(where)})" if where else ""
    ran = run.get("passed", 0) + run.get("failed", 0) + run.get("errors", 0)
    if not ran and not run.get("timed_out"):
        code = run.get("exit_code", 0)
        meaning = _PYTEST_EXIT.get(code, "")
        return f"tests not run: pytest ran no test (exit code {code}{meaning})" + suffix
    return f"tests: {summary}" + suffix


_PYTEST_EXIT = {
    2: ": interrupted",
    3: ": internal error",
    4: ": usage error, e.g. an option or plugin the configuration needs is missing",
    5: ": no tests collected",
}
