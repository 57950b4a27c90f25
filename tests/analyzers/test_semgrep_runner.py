"""The Semgrep runner: one process, plain rule ids, our own snippets, one-line errors."""

from __future__ import annotations

import stat

import pytest
from devsecbots.nodes.analyzers import AnalysisCache, analyze
from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable
from devsecbots.nodes.analyzers.semgrep_runner import (
    EXECUTABLE_ENV,
    RULE_TIMEOUT_ENV,
    rules_version,
    run_semgrep,
)

from .helpers import EXAMPLE_APP, fixture, rule_ids

EXPECTED_ON_EXAMPLE = {
    "devsecbots.flask.upload-unsanitised-filename",
    "devsecbots.flask.upload-missing-max-content-length",
    "devsecbots.flask.hardcoded-secret-key",
    "devsecbots.flask.debug-enabled",
    "devsecbots.flask.bind-all-interfaces",
    "devsecbots.flask.missing-csrf-protection",
    "devsecbots.flask.upload-served-inline",
}


@pytest.fixture(scope="module")
def example_findings():
    source = EXAMPLE_APP.read_text()
    files = {
        "examples/flask_upload/app.py": source,
        "tests/nested dir/hardened.py": fixture("upload_hardened.py"),
    }
    return source, run_semgrep(files)


def test_example_app_is_flagged_with_plain_rule_ids(example_findings):
    source, findings = example_findings
    on_example = [f for f in findings if f["file"] == "examples/flask_upload/app.py"]
    assert rule_ids(on_example) == EXPECTED_ON_EXAMPLE
    for finding in on_example:
        assert finding["source"] == "semgrep" and finding["sources"] == ["semgrep"]
        assert finding["snippet"] == source.splitlines()[finding["line"] - 1].strip()
        assert finding["cwe"].startswith("CWE-") and finding["title"] and finding["recommendation"]
    severities = {f["rule_id"]: f["severity"] for f in on_example}
    assert severities["devsecbots.flask.hardcoded-secret-key"] == "high"  # Bandit only says low


def test_files_under_tests_and_with_spaces_are_scanned(example_findings):
    # semgrep's default ignore list skips tests/ directories; ours must not
    _source, findings = example_findings
    assert not [f for f in findings if f["file"] == "tests/nested dir/hardened.py"]
    found = run_semgrep(
        {
            "tests/test_x.py": "import os\nos.system(input())\n",
            "tests/app.py": EXAMPLE_APP.read_text(),
        }
    )
    assert "devsecbots.flask.debug-enabled" in rule_ids(
        f for f in found if f["file"] == "tests/app.py"
    )


def test_slices_keep_taint():
    source = (
        "from flask import request\nimport os\n\n"
        "def view():\n"
        "    query = request.query_string.decode()\n"
        "    value = query[query.find('=') + 1:]\n"
        "    os.system('echo ' + value)\n"
    )
    found = run_semgrep({"app.py": source})
    assert [(f["rule_id"], f["line"]) for f in found] == [("devsecbots.flask.command-injection", 7)]


def test_missing_executable_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv(EXECUTABLE_ENV, str(tmp_path / "no-such-semgrep"))
    with pytest.raises(AnalyzerUnavailable) as caught:
        run_semgrep({"app.py": "print(1)\n"})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("semgrep not found") and "pip install semgrep" in message
    assert "--analyzers bandit" in message


def _fake_semgrep(tmp_path, body: str) -> str:
    script = tmp_path / "semgrep"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_failing_semgrep_is_reported_with_its_error(tmp_path):
    fake = _fake_semgrep(
        tmp_path, 'echo \'{"errors": [{"message": "Invalid rule schema"}], "results": []}\'; exit 7'
    )
    with pytest.raises(
        AnalyzerUnavailable,
        match=r"^semgrep failed \(exit 7\): Invalid rule schema; pass --analyzers bandit",
    ):
        run_semgrep({"app.py": "print(1)\n"}, executable=fake)


def test_unparsable_output_is_reported(tmp_path):
    fake = _fake_semgrep(tmp_path, "echo 'Traceback: something broke' >&2; echo 'not json'")
    with pytest.raises(
        AnalyzerUnavailable, match=r"semgrep failed \(exit 0\): Traceback: something broke"
    ):
        run_semgrep({"app.py": "print(1)\n"}, executable=fake)


def test_timeout_is_reported(tmp_path):
    fake = _fake_semgrep(tmp_path, "sleep 5")
    with pytest.raises(AnalyzerUnavailable, match=r"semgrep timed out after 1 s on 1 files"):
        run_semgrep({"app.py": "print(1)\n"}, executable=fake, timeout=1)


def test_unsafe_paths_are_refused():
    with pytest.raises(ValueError, match=r"\.\."):
        run_semgrep({"../escape.py": "print(1)\n"})


def test_rules_version_changes_with_the_rules(tmp_path):
    (tmp_path / "a.yaml").write_text("rules: []\n")
    first = rules_version(tmp_path)
    (tmp_path / "a.yaml").write_text("rules: [] # changed\n")
    assert rules_version(tmp_path) != first


def test_json_api_without_forms_needs_no_csrf_token():
    api = (
        "from flask import Flask, jsonify, request\napp = Flask(__name__)\n\n"
        "@app.route('/items', methods=['POST'])\ndef add():\n"
        "    return jsonify(request.get_json())\n"
    )
    form = api.replace("request.get_json()", "dict(request.form)")
    found = run_semgrep({"api.py": api, "form.py": form})
    csrf = {f["file"] for f in found if f["rule_id"] == "devsecbots.flask.missing-csrf-protection"}
    assert csrf == {"form.py"}


def test_common_string_and_regex_code_is_not_reported():
    source = (
        "import re\nfrom flask import Flask, request\napp = Flask(__name__)\n"
        "WORD = re.compile(r'\\w+')\n\n"
        "@app.get('/count')\ndef count():\n"
        "    text = request.args.get('text', '')\n"
        "    cleaned = text.replace('-', ' ')\n"
        "    found = WORD.search(cleaned, 0)\n"
        "    return {'words': len(WORD.findall(cleaned)), 'first': bool(found)}\n"
    )
    assert run_semgrep({"app.py": source}) == []


TIMED_OUT = (
    'echo \'{"results": [], "errors": ['
    '{"type": "Timeout", "path": "slow.py", "rule_id": "r1", "level": "warn"},'
    '{"type": ["PartialParsing", [{"path": "odd.py"}]], "path": "odd.py", "level": "warn"},'
    '{"type": "Timeout", "path": "elsewhere.py", "level": "warn"},'
    '{"type": "SemgrepWarning", "message": "no path", "level": "warn"}'
    "]}'"
)


def test_files_a_rule_did_not_finish_are_reported_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv(EXECUTABLE_ENV, _fake_semgrep(tmp_path, TIMED_OUT))
    files = {"slow.py": "x = 1\n", "odd.py": "y = 2\n", "fine.py": "z = 3\n"}
    cache = AnalysisCache()
    first = analyze(files, ["semgrep"], cache=cache)
    assert dict(first.skipped) == {
        "odd.py": "semgrep did not finish it (PartialParsing): findings may be missing",
        "slow.py": "semgrep did not finish it (Timeout): findings may be missing",
    }  # a path semgrep names that we did not give it is ignored
    again = analyze(files, ["semgrep"], cache=cache)
    assert again.analyzed == ["odd.py", "slow.py"] and again.cached == ["fine.py"]


def test_rule_timeout_is_passed_and_checked(tmp_path, monkeypatch):
    seen = tmp_path / "argv"
    monkeypatch.setenv(RULE_TIMEOUT_ENV, "40")
    fake = _fake_semgrep(tmp_path, f'echo "$@" > {seen}; echo \'{{"results": []}}\'')
    run_semgrep({"app.py": "print(1)\n"}, executable=fake)
    assert "--timeout=40" in seen.read_text().split()
    monkeypatch.setenv(RULE_TIMEOUT_ENV, "soon")
    with pytest.raises(AnalyzerUnavailable, match=r"RULE_TIMEOUT='soon' is not a whole number"):
        run_semgrep({"app.py": "print(1)\n"}, executable=fake)


@pytest.mark.slow
def test_a_real_rule_timeout_names_the_file(monkeypatch):
    # One long view with a chain of request values: the taint rules need more than a second.
    lines = ["from flask import Flask, redirect, request", "app = Flask(__name__)"]
    lines += ["@app.route('/x')", "def view():", "    a0 = request.args.get('a')"]
    lines += [
        f"    a{i} = a{i - 1} + request.args['b'] if a{i - 1} else a{i - 1}" for i in range(1, 1500)
    ]
    lines.append("    return redirect(a1499)")
    monkeypatch.setenv(RULE_TIMEOUT_ENV, "1")
    report = analyze(
        {"big.py": "\n".join(lines) + "\n", "ok.py": "x = 1\n"}, ["semgrep"], cache=None
    )
    assert [path for path, _why in report.skipped] == ["big.py"]
    assert "Timeout" in dict(report.skipped)["big.py"]
