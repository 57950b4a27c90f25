"""The analyzer registry: what the engine, the CLI's --analyzers and Context's default read."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.graphs.state import Finding, make_finding
from devsecbots.nodes.analyzers import AnalysisCache, AnalyzerUnavailable, analyze, registry

from devsecbots.errors import CliError
from devsecbots.settings import context_from_cli


class Todo:
    """A toy analyzer: a medium finding on every line that says TODO."""

    name = "todo"
    default = False
    reads_newer_syntax = True
    merge_rank = 50
    cwe_overrides: dict[str, str] = {}

    def __init__(self, missing: str = "") -> None:
        self.missing = missing
        self.runs: list[list[str]] = []

    def unavailable(self) -> str:
        return self.missing

    def version(self) -> str:
        return "todo-1"

    def run(self, files: dict[str, str], step) -> list[Finding]:
        self.runs.append(sorted(files))
        found = [
            make_finding(severity="medium", file=path, line=n, title="TODO", source="todo")
            for path, text in files.items()
            for n, line in enumerate(text.splitlines(), start=1)
            if "TODO" in line
        ]
        step(len(files))
        return found


@pytest.fixture
def scratch(monkeypatch) -> None:
    """Registrations made by a test are undone after it."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))


def test_builtins_are_registered_and_are_the_defaults() -> None:
    assert registry.analyzer_names() == ("bandit", "semgrep")
    assert registry.default_analyzers() == ("bandit", "semgrep") == Context().analyzers


def test_a_registered_analyzer_runs_through_the_engine_and_its_cache(scratch) -> None:
    todo = registry.register(Todo())
    assert registry.analyzer_names()[-1] == "todo"
    assert registry.default_analyzers() == ("bandit", "semgrep")  # default=False
    cache = AnalysisCache()
    files = {"a.py": "x = 1  # TODO\n", "b.py": "y = 2\n"}
    first = analyze(files, ("todo",), cache=cache)
    assert [(f["file"], f["line"], f["source"]) for f in first.findings] == [("a.py", 1, "todo")]
    assert analyze(files, ["TODO "], cache=cache).findings == first.findings
    assert todo.runs == [["a.py", "b.py"]]  # the second pass came from the cache


def test_an_unavailable_analyzer_says_why(scratch) -> None:
    registry.register(Todo(missing="todo is not installed: pip install todo"))
    with pytest.raises(AnalyzerUnavailable, match="^todo is not installed: pip install todo$"):
        analyze({"a.py": "x = 1\n"}, ("todo",), cache=None)


def test_the_cli_accepts_what_is_registered(scratch) -> None:
    with pytest.raises(CliError, match="choose from bandit, semgrep"):
        context_from_cli({"analyzers": "todo"})
    registry.register(Todo())
    assert context_from_cli({"analyzers": "bandit,todo"}).analyzers == ("bandit", "todo")


@pytest.mark.parametrize("name", ["bandit", "Two Words", "a,b", ""])
def test_bad_or_taken_names_are_refused(scratch, name: str) -> None:
    analyzer = Todo()
    analyzer.name = name
    with pytest.raises(ValueError):
        registry.register(analyzer)


def test_something_that_is_not_an_analyzer_is_refused() -> None:
    with pytest.raises(TypeError, match="Analyzer attributes"):
        registry.register(object())  # type: ignore[arg-type]


def test_importing_the_registry_loads_no_analyzer() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import devsecbots.graphs.context; "
        "print(sorted(m for m in ('bandit', 'libcst', "
        "'devsecbots.nodes.analyzers.engine', 'devsecbots.nodes.analyzers.semgrep_runner') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
