"""The built-in analyzers: Bandit (in-process) and Semgrep with our rules (subprocesses).

Their runners are imported only when they run or are asked for a version, so that the registry
(and the CLI's option checks) stay cheap to import.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Mapping
from importlib.util import find_spec
from types import MappingProxyType
from typing import TYPE_CHECKING

from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable

if TYPE_CHECKING:  # the registry (and so the CLI's option checks) imports this: no pydantic
    from devsecbots.graphs.state import Finding

SEMGREP_BATCH = 2_500  # files per semgrep process (see even_batches): bounds memory
# Fewer files a process than this cost more in compiling the rules than they save.
SEMGREP_SMALLEST = 60
SEMGREP_PROCESSES = 8  # at most this many semgrep processes at once


class Bandit:
    """Bandit's default tests (minus import advisories), in-process, ~ms per file."""

    name = "bandit"
    default = True
    reads_newer_syntax = False  # Bandit needs this interpreter's parser
    merge_rank = 2
    # Tests whose CWE is too generic, read as what they detect: B201 debug=True (CWE-94 -> 489
    # active debug code), B307 eval / B102 exec (CWE-78 -> 94 code injection), B506 yaml.load
    # (CWE-20 -> 502 deserialisation), the XML parsers B313-B320 (CWE-20 -> 611 XXE).
    cwe_overrides: Mapping[str, str] = MappingProxyType(
        {
            "B201": "CWE-489",
            "B307": "CWE-94",
            "B102": "CWE-94",
            "B506": "CWE-502",
            **{f"B3{n}": "CWE-611" for n in range(13, 21)},
        }
    )

    def unavailable(self) -> str:
        """'' when Bandit is importable."""
        return "" if find_spec("bandit") else "bandit is not installed: pip install bandit"

    def version(self) -> str:
        """Bandit's version and the tests we skip."""
        from devsecbots.nodes.analyzers.bandit_runner import PROFILE_VERSION

        return PROFILE_VERSION

    def run(self, files: dict[str, str], step: Callable[[int], None]) -> list[Finding]:
        """Bandit over the sources; `step(1)` per file."""
        from devsecbots.nodes.analyzers.bandit_runner import run_bandit

        return run_bandit(files, progress=lambda _done: step(1))


class Semgrep:
    """Semgrep with the project's own rules; one single-job process per batch of files, as many
    at once as there are cores (process_batches)."""

    name = "semgrep"
    default = True
    reads_newer_syntax = True  # Semgrep has its own parser
    merge_rank = 1  # our rules' ids and CWEs are the more specific
    cwe_overrides: Mapping[str, str] = MappingProxyType({})

    def unavailable(self) -> str:
        """'' when a semgrep executable is found; otherwise where it was looked for, and the fix."""
        from devsecbots.nodes.analyzers.semgrep_runner import find_semgrep

        try:
            find_semgrep()
        except AnalyzerUnavailable as missing:
            return str(missing)
        return ""

    def version(self) -> str:
        """A fingerprint of the rule files and the installed semgrep."""
        from devsecbots.nodes.analyzers.semgrep_runner import rules_version

        return rules_version()

    def run(self, files: dict[str, str], step: Callable[[int], None]) -> list[Finding]:
        """Semgrep over the sources in batches; `step(n)` per batch of n files."""
        return self.start(files, step).result()

    def start(self, files: dict[str, str], step: Callable[[int], None]) -> _SemgrepBatches:
        """The first batch's semgrep process, started; `result()` runs the rest and waits."""
        return _SemgrepBatches(files, step)


def even_batches(paths: list[str], most: int = SEMGREP_BATCH) -> list[list[str]]:
    """The paths in batches of even size, about `most` each at the most.

    A remainder of up to a quarter of `most` joins the other batches instead of getting a
    process of its own: 5,001 files go as 2,501 + 2,500, not 2,500 + 2,500 + 1, since each
    semgrep process compiles every rule again, which takes seconds.
    """
    if not paths:
        return []
    count, remainder = divmod(len(paths), most)
    if remainder > most // 4 or not count:
        count += 1
    size = -(-len(paths) // count)
    return [paths[start : start + size] for start in range(0, len(paths), size)]


def process_batches(paths: list[str], workers: int) -> list[list[str]]:
    """The paths in batches for `workers` single-job semgrep processes running side by side.

    Semgrep's own parallel jobs (`-j 2` and up, 1.182) drop taint findings at random, without an
    error: three runs of the same files gave 42, 39 and 37 results where `-j 1` gave 42 every
    time. So each process runs one job, and the cores are used by running processes side by
    side, each over its share of the files (no rule looks across files). Below
    SEMGREP_SMALLEST files a share, fewer processes (compiling the rules costs each one seconds).
    """
    share = max(SEMGREP_SMALLEST, -(-len(paths) // max(workers, 1)))
    return even_batches(paths, min(share, SEMGREP_BATCH))


def cores() -> int:
    """The cores this process may run on, at most SEMGREP_PROCESSES."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, SEMGREP_PROCESSES))


class _SemgrepBatches:
    """Semgrep over the sources, one process per batch, up to `cores()` at once: those start at
    once, and each finished one makes room for the next."""

    def __init__(self, files: dict[str, str], step: Callable[[int], None]) -> None:
        workers = cores()
        batches = process_batches(list(files), workers)
        self.pending = deque({p: files[p] for p in batch} for batch in batches)
        self.step = step
        self.incomplete: dict[str, str] = {}  # path -> why semgrep did not finish it
        self.running: deque = deque()
        try:
            for _ in range(min(workers, len(self.pending))):
                self._start_next()
        except BaseException:
            self.stop()  # the processes already started, when a later one cannot start
            raise

    def _start_next(self) -> None:
        """Start the next pending batch's process."""
        from devsecbots.nodes.analyzers.semgrep_runner import SemgrepScan

        batch = self.pending.popleft()
        self.running.append((SemgrepScan(batch), len(batch)))

    def result(self) -> list[Finding]:
        """Every batch's findings, in order; `step(n)` as each batch of n files is done."""
        found: list[Finding] = []
        try:
            while self.running:
                scan, size = self.running[0]
                found.extend(scan.result())
                self.running.popleft()
                self.incomplete.update(scan.incomplete)
                self.step(size)
                if self.pending:
                    self._start_next()
        finally:
            self.stop()
        return found

    def stop(self) -> None:
        """End the running batches' processes (nothing when none runs)."""
        while self.running:
            scan, _size = self.running.popleft()
            scan.stop()
        self.pending.clear()


BUILTIN_ANALYZERS = (Bandit(), Semgrep())
