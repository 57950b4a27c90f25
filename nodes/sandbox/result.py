"""The outcome of one sandboxed test run, read from pytest's JUnit XML, and how two compare."""

from __future__ import annotations

import json
import os
import stat
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from typing import Any

from devsecbots.nodes.sandbox.ids import clean_id, shown_id

MAX_XML_BYTES = 20 * 1024 * 1024
_SHOWN_IDS = 5


@dataclass(frozen=True)
class TestRun:
    """What the project's tests did in the sandbox: counts, test ids, exit code, timing."""

    __test__ = False  # not a pytest test class

    passed: int
    failed: int
    errors: int
    skipped: int
    failing: tuple[str, ...]  # ids of tests that failed or errored (incl. collection errors)
    passed_ids: tuple[str, ...]
    exit_code: int
    timed_out: bool
    duration: float
    summary: str
    isolation: tuple[str, ...] = ()  # layers that took effect, e.g. ('netns', 'landlock-fs')
    containment: str = ""  # in words: 'bubblewrap' or 'fallback (namespaces + Landlock)'
    output: str = field(default="", compare=False)  # the tail of pytest's output

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data for the graph state (without the output tail)."""
        data = asdict(self)
        data.pop("output")
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestRun:
        """Rebuild a TestRun from `as_dict()` data."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for name in ("failing", "passed_ids", "isolation"):
            known[name] = tuple(known.get(name) or ())
        return cls(**known)


@dataclass(frozen=True)
class JUnitCases:
    """Test ids by outcome, as read from a JUnit XML file."""

    passed: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    skipped: int = 0


def read_junit(path: str, sources: dict[str, str]) -> JUnitCases:
    """Test ids by outcome from pytest's JUnit XML; empty when the file is missing or unreadable.

    The file was written inside the sandbox, so it is opened without following symlinks and
    read only when it is a regular file of sane size. Ids are stored as ids.clean_id makes them
    from the project's files (`sources`).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return JUnitCases()
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_XML_BYTES:
            return JUnitCases()
        try:
            root = ET.parse(handle).getroot()
        except ET.ParseError:
            return JUnitCases()
    passed, failed, errors, skipped = set(), set(), set(), 0
    for case in root.iter("testcase"):
        name, classname = case.get("name", ""), case.get("classname", "")
        test_id = clean_id(f"{classname}::{name}" if classname else name, sources)
        if case.find("error") is not None:
            errors.add(test_id)
        elif case.find("failure") is not None:
            failed.add(test_id)
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed.add(test_id)
    failed -= errors
    passed -= failed | errors  # a test that passed but whose teardown errored
    return JUnitCases(tuple(sorted(passed)), tuple(sorted(failed)), tuple(sorted(errors)), skipped)


def summarise(
    passed: int,
    failed: int,
    errors: int,
    skipped: int,
    *,
    exit_code: int,
    timed_out: bool,
    duration: float,
) -> str:
    """One line such as '3 passed, 1 failed in 0.9s' or 'timed out after 60s'."""
    if timed_out:
        return f"timed out after {duration:.0f}s (killed)"
    parts = [
        f"{n} {word}"
        for n, word in (
            (failed, "failed"),
            (passed, "passed"),
            (errors, "error(s)"),
            (skipped, "skipped"),
        )
        if n
    ]
    if not parts:
        return f"no test ran (pytest exit code {exit_code}) in {duration:.1f}s"
    return f"{', '.join(parts)} in {duration:.1f}s"


def same_result(before: TestRun, after: TestRun) -> str | None:
    """A one-line reason when `after` is worse than `before`; None when it is as good or better.

    Worse means: a timeout that was not there before, or a test that passed before and now
    fails, errors, is skipped or no longer exists. New tests that fail do not count. Tests are
    named only as ids.shown_id allows.
    """
    if after.timed_out and not before.timed_out:
        return f"the project's tests timed out after {after.duration:.0f}s"
    lost = set(before.passed_ids) - set(after.passed_ids)
    if not lost:
        return None
    now_failing = sorted(lost & set(after.failing))
    gone = sorted(lost - set(after.failing))
    reasons = []
    if now_failing:
        reasons.append(f"passed before, failing now: {_ids(now_failing)}")
    if gone:
        reasons.append(f"passed before, skipped or missing now: {_ids(gone)}")
    return "; ".join(reasons) + f" ({after.summary})"


def _ids(ids: list[str]) -> str:
    named = sorted({shown for i in ids if (shown := shown_id(i))})
    unnamed = sum(1 for i in ids if shown_id(i) is None)
    parts = named[:_SHOWN_IDS]
    if len(named) > _SHOWN_IDS:
        parts.append(f"{len(named) - _SHOWN_IDS} more")
    if unnamed:
        parts.append(f"{unnamed} test(s) not defined by name in the input")
    return ", ".join(parts)


def read_layers(fd: int) -> list[str]:
    """The launcher's list of layers in force, from the read end of its report pipe (closed)."""
    os.set_blocking(fd, False)
    data = b""
    try:
        while len(data) < 4096 and (chunk := os.read(fd, 4096)):
            data += chunk
    except BlockingIOError:
        pass
    finally:
        os.close(fd)
    try:
        layers = json.loads(data[:4096])
    except ValueError:
        return []
    if not isinstance(layers, list):
        return []
    return [str(x)[:40] for x in layers if isinstance(x, str)][:16]


def describe_containment(layers: list[str]) -> str:
    """Which containment was in force, in words."""
    if "bwrap" in layers:
        return "bubblewrap"
    return "fallback (namespaces, tmpfs over host dirs, Landlock)"
