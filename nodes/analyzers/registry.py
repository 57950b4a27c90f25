"""Which analyzers exist: each registers a name, an availability check and a run function.

The engine, the CLI's `--analyzers` check and `Context`'s default read this registry; nothing
else names an analyzer. Importing it is cheap (the built-ins import Bandit and Semgrep's runner
only when they run), so the CLI can validate options without loading the analyzers.

A new analyzer is a class with the `Analyzer` attributes, registered with `register(...)`::

    class Pylint:
        name = "pylint"
        default = False           # not run unless --analyzers names it
        reads_newer_syntax = False
        merge_rank = 50           # after Semgrep (1) and Bandit (2) when findings merge
        cwe_overrides = {}
        def unavailable(self) -> str: ...  # '' when it can run, else why not and the fix
        def version(self) -> str: ...      # changes whenever its results could change
        def run(self, files, step): ...    # findings for files (path -> source); step(n) per n done

    register(Pylint())

An analyzer whose work runs in a process of its own (Semgrep) may also have
`start(files, step)`, returning a `Started`: the engine starts it before running the in-process
analyzers, which then work while it scans, and reads its `result()` afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable

if TYPE_CHECKING:  # the CLI reads this registry to check options: no pydantic at start-up
    from devsecbots.graphs.state import Finding

Step = Callable[[int], None]


@runtime_checkable
class Analyzer(Protocol):
    """A static analyzer SecBot runs on every round."""

    name: str  # lower case; also the `source` of its findings
    default: bool  # run when the run's settings do not name analyzers
    reads_newer_syntax: bool  # parses files this interpreter cannot (else they are skipped)
    merge_rank: int  # when tools report one weakness on one line, the lowest rank's finding leads
    cwe_overrides: Mapping[str, str]  # rule id -> the CWE it detects, where the tool's is generic

    def unavailable(self) -> str:
        """'' when the analyzer can run; otherwise one line: why not, and the fix."""
        ...

    def version(self) -> str:
        """Part of every cache key: changes whenever the analyzer's results could change."""
        ...

    def run(self, files: dict[str, str], step: Step) -> list[Finding]:
        """Findings for Python sources (path -> content); `step(n)` after each n files."""
        ...


class Started(Protocol):
    """An analyzer's run that was started and goes on outside this process."""

    incomplete: dict[str, str]  # after result(): files it did not finish, with why

    def result(self) -> list[Finding]:
        """Its findings, once it has finished (AnalyzerUnavailable when it failed)."""
        ...

    def stop(self) -> None:
        """End it without reading its findings (nothing happens once it has finished)."""
        ...


_REGISTRY: dict[str, Analyzer] = {}


def register(analyzer: Analyzer) -> Analyzer:
    """Add an analyzer (its name must be new and lower case); returns it."""
    if not isinstance(analyzer, Analyzer):
        raise TypeError(f"{analyzer!r} does not have the Analyzer attributes")
    name = analyzer.name
    if not name or name != name.strip().lower() or "," in name:
        raise ValueError(f"analyzer name {name!r}: use one lower-case word")
    if name in _REGISTRY:
        raise ValueError(f"an analyzer named {name!r} is already registered")
    _REGISTRY[name] = analyzer
    return analyzer


def analyzer_names() -> tuple[str, ...]:
    """Every registered analyzer, in registration order."""
    return tuple(_REGISTRY)


def default_analyzers() -> tuple[str, ...]:
    """The analyzers a run uses when its settings name none."""
    return tuple(name for name, analyzer in _REGISTRY.items() if analyzer.default)


def get_analyzer(name: str) -> Analyzer:
    """The analyzer registered as `name`; AnalyzerUnavailable when there is none."""
    if name not in _REGISTRY:
        raise AnalyzerUnavailable(
            f"unknown analyzer {name!r}: choose from {', '.join(analyzer_names())}"
        )
    return _REGISTRY[name]


def find_analyzer(name: str) -> Analyzer | None:
    """The analyzer registered as `name`, or None (findings of the LLM, checks, people...)."""
    return _REGISTRY.get(name)


def check_names(analyzers: str | Iterable[str]) -> list[str]:
    """The requested analyzers, de-duplicated, in registration order; unknown names refused."""
    if isinstance(analyzers, str):
        analyzers = analyzers.split(",")
    names = [str(a).strip().lower() for a in analyzers if str(a).strip()]
    for name in names:
        get_analyzer(name)
    return [name for name in _REGISTRY if name in names]


def require_available(names: Sequence[str]) -> None:
    """Raise AnalyzerUnavailable (one line, with the fix) for the first analyzer that cannot run."""
    for name in names:
        reason = get_analyzer(name).unavailable()
        if reason:
            raise AnalyzerUnavailable(reason)


def _register_builtins() -> None:
    from devsecbots.nodes.analyzers.builtin import BUILTIN_ANALYZERS

    for analyzer in BUILTIN_ANALYZERS:
        register(analyzer)


_register_builtins()
