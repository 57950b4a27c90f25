"""--audit-deps: pip-audit against a local fake OSV service; advice when it cannot run."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from devsecbots.nodes.analyzers import dependency_audit
from devsecbots.nodes.analyzers.dependency_audit import (
    audit_dependencies,
    dependency_review,
    find_pip_audit,
)
from devsecbots.nodes.analyzers.requirements import dependency_advice, parse_requirements

from tests.conftest import cli, cli_env

APP = {"app.py": "from flask import Flask\napp = Flask(__name__)\n"}
VULN = {
    "id": "PYSEC-2023-62",
    "aliases": ["CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"],
    "summary": "Session cookie disclosed to other clients behind a caching proxy",
    "affected": [
        {
            "package": {"name": "flask", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.2.5"}]}],
        }
    ],
}


class FakeOsv(BaseHTTPRequestHandler):
    """OSV's /v1/query: flask 2.2.2 is vulnerable, everything else is clean."""

    queries: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOsv.queries.append(query)
        hit = query["package"]["name"] == "flask" and query["version"] == "2.2.2"
        body = json.dumps({"vulns": [VULN]} if hit else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def osv_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeOsv.queries = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    server.server_close()


needs_pip_audit = pytest.mark.skipif(
    find_pip_audit() is None, reason="pip-audit not installed (devsecbots[audit])"
)


@needs_pip_audit
@pytest.mark.slow
def test_known_vulnerable_pin_blocks_and_safe_pin_does_not(osv_url):
    files = {**APP, "requirements.txt": "# web\nflask==2.2.2\nitsdangerous==2.2.0\nrequests\n"}
    result = audit_dependencies(files, osv_url=osv_url)
    [finding] = result.findings
    assert finding["source"] == "pip-audit" and finding["rule_id"] == "PYSEC-2023-62"
    assert (finding["file"], finding["line"], finding["severity"]) == (
        "requirements.txt",
        2,
        "high",
    )
    assert "CVE-2023-30861" in finding["title"]
    assert "Upgrade flask to 2.2.5" in finding["recommendation"]
    assert {q["package"]["name"] for q in FakeOsv.queries} == {"flask", "itsdangerous"}
    assert any("requests not pinned" in n for n in result.notes)  # unpinned: never silently "ok"

    clean = audit_dependencies({**APP, "requirements.txt": "flask==3.1.1\n"}, osv_url=osv_url)
    assert clean.findings == []
    assert clean.notes == ["dependencies audited: requirements.txt: 1 pinned with pip-audit"]


@needs_pip_audit
@pytest.mark.slow
def test_unreachable_service_says_not_audited():
    files = {**APP, "requirements.txt": "flask==2.2.2\n"}
    result = audit_dependencies(files, osv_url="http://127.0.0.1:9/v1/query", timeout=30)
    assert result.findings == []
    [note] = result.notes
    assert note.startswith("dependencies not audited: requirements.txt: pip-audit failed")


def test_missing_pip_audit_says_not_audited(monkeypatch):
    monkeypatch.setattr(dependency_audit, "find_pip_audit", lambda: None)
    files = {**APP, "requirements.txt": "flask==9.9.9\n"}
    advice, findings = dependency_review(files, True)
    assert findings == []
    assert "dependencies not audited: pip-audit is not installed" in advice[-1]


def test_no_requirements_file_is_advice_not_a_finding():
    advice, findings = dependency_review(APP, False)
    assert findings == []
    assert "No requirements.txt" in advice[0] and "pip-audit -r requirements.txt" in advice[0]


def test_unpinned_requirements_get_advice_with_the_command():
    advice = dependency_advice({**APP, "requirements.txt": "flask\nflask-wtf>=1.2\nrich==13.7.1\n"})
    assert advice[0].startswith("requirements.txt: 2 requirement(s) not pinned")
    assert "(flask, flask-wtf)" in advice[0]
    assert "`pip-audit -r requirements.txt`" in advice[-1]
    assert "not audited in this run" in advice[-1]
    pinned = dependency_advice({**APP, "requirements.txt": "flask==3.1.1\n"}, audited=True)
    assert pinned == [
        "Keep dependencies updated: run `pip-audit -r requirements.txt` regularly and upgrade "
        "what it reports."
    ]


def test_requirement_parsing():
    parsed = parse_requirements(
        "-r base.txt\n# c\nFlask[async]==3.1.1 ; python_version>'3'\nx>=1,<2\n"
        "git+https://e/x.git\ny===1.0\nz==1.*\n"
    )
    assert [(r.name, r.pinned, r.line) for r in parsed] == [
        ("Flask", True, 3),
        ("x", False, 4),
        ("y", True, 6),
        ("z", False, 7),
    ]


def test_no_python_no_advice():
    assert dependency_advice({"README.md": "hi"}) == []


@needs_pip_audit
@pytest.mark.slow
def test_review_cli_audit_deps_blocks_a_vulnerable_pin(osv_url, tmp_path):
    (tmp_path / "app.py").write_text(APP["app.py"])
    (tmp_path / "requirements.txt").write_text("flask==2.2.2\n")
    args = ["review", str(tmp_path), "--offline", "--format", "json", "--analyzers", "bandit"]
    env = cli_env(DEVSECBOTS_OSV_URL=osv_url)
    plain = subprocess.run(cli(*args), env=env, capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0, plain.stderr  # not asked: advice only
    assert "not audited in this run" in json.loads(plain.stdout)["advice"][-1]
    audited = subprocess.run(
        cli(*args, "--audit-deps"), env=env, capture_output=True, text=True, timeout=300
    )
    assert audited.returncode == 1, audited.stderr
    data = json.loads(audited.stdout)
    assert [(f["source"], f["rule_id"], f["line"]) for f in data["findings"]] == [
        ("pip-audit", "PYSEC-2023-62", 1)
    ]
