"""analyze(): both analysers, skipped files, parse errors, de-duplication, cache and progress."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers import AnalysisCache, AnalyzerUnavailable, analyze
from devsecbots.nodes.analyzers.semgrep_runner import EXECUTABLE_ENV

from .helpers import EXAMPLE_APP, fixture

DEBUG_APP = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"


def test_non_python_files_are_skipped_and_broken_python_blocks():
    report = analyze(
        {"README.md": "# hi", "bad.py": "def broken(:\n", "ok.py": "x = 1\n"}, cache=None
    )
    assert report.skipped == [("README.md", "not a Python file")]
    parser = [f for f in report.findings if f["source"] == "parser"]
    assert [(f["file"], f["severity"], f["rule_id"]) for f in parser] == [
        ("bad.py", "high", "syntax-error")
    ]
    assert report.analyzed == [
        "bad.py",
        "ok.py",
    ]  # semgrep still reads what this Python cannot parse


def test_unsafe_paths_and_odd_text_do_not_break_the_run():
    files = {
        "../outside.py": DEBUG_APP,
        "/abs.py": DEBUG_APP,
        "odd.py": "x = '\udcff'\n" + DEBUG_APP,
    }
    report = analyze(files, cache=None)
    assert [p for p, reason in report.skipped if reason.startswith("unsafe path")] == [
        "../outside.py",
        "/abs.py",
    ]
    assert {f["file"] for f in report.findings} == {"odd.py"}


def test_same_weakness_from_both_tools_is_one_finding():
    report = analyze({"app.py": EXAMPLE_APP.read_text()}, cache=None)
    debug = [
        f
        for f in report.findings
        if f["line"] == 41 and f["rule_id"] in ("B201", "devsecbots.flask.debug-enabled")
    ]
    assert len(debug) == 1
    assert debug[0]["rule_id"] == "devsecbots.flask.debug-enabled"  # Semgrep's id and CWE are kept
    assert debug[0]["sources"] == ["semgrep", "bandit"]
    assert debug[0]["severity"] == "high"
    secret = [f for f in report.findings if f["rule_id"] == "devsecbots.flask.hardcoded-secret-key"]
    assert secret[0]["sources"] == ["semgrep", "bandit"] and secret[0]["severity"] == "high"
    lines = [(f["file"], f["line"], f["cwe"]) for f in report.findings]
    assert len(lines) == len(set(lines))


def test_cache_skips_unchanged_files_and_reanalyzes_changed_ones(monkeypatch):
    cache = AnalysisCache()
    files = {"app.py": EXAMPLE_APP.read_text(), "clean.py": "x = 1\n"}
    first = analyze(files, cache=cache)
    assert first.analyzed == ["app.py", "clean.py"] and first.cached == []

    # Semgrep must not even start when everything is cached: make it impossible to run.
    monkeypatch.setenv(EXECUTABLE_ENV, "/nonexistent/semgrep")
    second = analyze(files, cache=cache)
    assert second.analyzed == [] and second.cached == ["app.py", "clean.py"]
    assert second.findings == first.findings

    monkeypatch.delenv(EXECUTABLE_ENV)
    changed = dict(files, **{"clean.py": DEBUG_APP})
    third = analyze(changed, cache=cache)
    assert third.analyzed == ["clean.py"] and third.cached == ["app.py"]
    assert any(
        f["file"] == "clean.py" and f["rule_id"] == "devsecbots.flask.debug-enabled"
        for f in third.findings
    )


def test_cached_findings_are_copies():
    cache = AnalysisCache()
    files = {"app.py": DEBUG_APP}
    first = analyze(files, ("bandit",), cache=cache)
    first.findings[0]["title"] = "edited by a caller"
    again = analyze(files, ("bandit",), cache=cache)
    assert again.findings[0]["title"] != "edited by a caller"


def test_cache_is_bounded():
    cache = AnalysisCache(max_entries=2)
    analyze({"a.py": "a = 1\n", "b.py": "b = 2\n", "c.py": "c = 3\n"}, ("bandit",), cache=cache)
    assert len(cache) == 2
    again = analyze({"a.py": "a = 1\n", "c.py": "c = 3\n"}, ("bandit",), cache=cache)
    assert again.analyzed == ["a.py"]  # the oldest entry was evicted


def test_progress_counts_file_analyzer_pairs():
    seen = []
    analyze(
        {"a.py": "a = 1\n", "b.py": DEBUG_APP, "c.txt": "x"},
        cache=AnalysisCache(),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (4, 4)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_bandit_only_needs_no_semgrep(monkeypatch):
    monkeypatch.setenv(EXECUTABLE_ENV, "/nonexistent/semgrep")
    report = analyze({"app.py": DEBUG_APP}, ("bandit",), cache=None)
    assert [f["rule_id"] for f in report.findings] == ["B201"]
    with pytest.raises(AnalyzerUnavailable, match="semgrep not found"):
        analyze({"app.py": DEBUG_APP}, ("bandit", "semgrep"), cache=None)


def test_unknown_analyzer_is_refused():
    with pytest.raises(
        AnalyzerUnavailable, match="unknown analyzer 'pylint': choose from bandit, semgrep"
    ):
        analyze({"app.py": "x = 1\n"}, ("pylint",))


def test_hardened_example_import_advisories_are_not_reported():
    report = analyze({"app.py": fixture("notes_fixed.py")}, ("bandit",), cache=None)
    assert not {f["rule_id"] for f in report.findings} & {"B403", "B404", "B603"}
