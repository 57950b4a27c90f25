"""The reports say why a finding does not block: `role` and `exempt` in the JSON, words in the
text and Markdown."""

from __future__ import annotations

import json

from devsecbots.graphs.state import make_finding
from typer.testing import CliRunner

from devsecbots.cli import app
from devsecbots.report import render_markdown

# yaml.load without a safe loader: Bandit B506, medium, high confidence (blocks in app code)
UNSAFE = "import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n"


def _review(tmp_path, *extra: str):
    for path in ("app/tasks.py", "tests/test_tasks.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(UNSAFE)
    args = ["review", str(tmp_path), "--offline", "--analyzers", "bandit", *extra]
    return CliRunner().invoke(app, args)


def test_json_keeps_role_and_exempt(tmp_path):
    done = _review(tmp_path, "--format", "json")
    findings = json.loads(done.stdout)["findings"]
    test = [f for f in findings if f["file"] == "tests/test_tasks.py"]
    application = [f for f in findings if f["file"] == "app/tasks.py"]
    assert test and all(f["role"] == "test" and "test code" in f["exempt"] for f in test)
    assert application and all(f["role"] == "app" and f["exempt"] == "" for f in application)


def test_text_says_why_a_finding_does_not_block(tmp_path):
    out = tmp_path / "out.txt"
    _review(tmp_path, "--output", str(out))
    lines = out.read_text().splitlines()
    test = [line for line in lines if "tests/test_tasks.py" in line]
    application = [line for line in lines if "app/tasks.py" in line]
    assert test and all("[blocks: no (test code (under tests/))]" in line for line in test)
    assert application and all("[blocks: yes]" in line for line in application)


def test_markdown_shows_the_exemption():
    finding = {
        **make_finding(severity="high", file="tests/t.py", line=3, title="t", source="bandit"),
        "role": "test",
        "exempt": "test code (under tests/)",
    }
    report = {
        "status": "approved",
        "reason": "",
        "rounds": 1,
        "thread_id": "t",
        "history": [],
        "findings": [finding],
        "advice": [],
        "files": [],
        "usage": {"input_tokens": 0, "output_tokens": 0},
        "tests": "tests: not run",
    }
    text = render_markdown(report)
    assert "test code (under tests/)" in text
