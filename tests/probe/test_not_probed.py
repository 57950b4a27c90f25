"""Apps that cannot be probed: one line why, the run goes on, nothing outside the box touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.probe.node import run_probes
from devsecbots.nodes.probe.report import headline, read_results

from tests.probe.helpers import app_files, probe

TEMPLATE = app_files("insecure_upload")["templates/upload.html"]


def _app(source: str) -> dict[str, str]:
    return {"app.py": source, "templates/upload.html": TEMPLATE}


def test_an_app_that_does_not_import() -> None:
    report, findings, _ = probe(
        _app(
            "from flask import Flask\n"
            "raise RuntimeError('needs a database')\n"
            "app = Flask(__name__)\n"
        )
    )
    assert report["status"] == "not_probed" and findings == []
    assert report["reason"] == "the app did not start: RuntimeError: needs a database"
    assert headline(report).startswith("static checks only (not probed: the app did not start")


def test_no_app_object_or_factory() -> None:
    report, _, _ = probe({"tool.py": "print('hello')\n"})
    assert report["reason"] == "no Flask or FastAPI app object or create_app() factory found"


def test_a_factory_app_is_found_and_probed() -> None:
    source = app_files("hardened_upload")["app.py"]
    factory = source.replace(
        "app = Flask(__name__)", "def create_app():\n    return app\n\n\napp = Flask(__name__)"
    )
    report, _, results = probe({**app_files("hardened_upload"), "app.py": factory})
    assert report["status"] == "probed", report["reason"]
    assert results["rate_limit"]["status"] == "passed"


def test_an_app_that_hangs_on_start_up_times_out() -> None:
    report, _, _ = probe(
        _app("import time\nfrom flask import Flask\ntime.sleep(60)\napp = Flask(__name__)\n"),
        probe_timeout=3,
    )
    assert report["status"] == "not_probed"
    assert report["reason"] == "the app did not finish its probes within 3s"


def test_a_handler_that_loops_forever_times_out() -> None:
    source = (
        "from flask import Flask\n"
        "app = Flask(__name__)\n\n"
        "@app.route('/')\n"
        "def index():\n"
        "    while True:\n"
        "        pass\n"
    )
    report, _, _ = probe(_app(source), probe_timeout=3)
    assert report["reason"] == "the app did not finish its probes within 3s"


def test_a_service_that_is_not_there() -> None:
    source = (
        "import socket\n"
        "from flask import Flask\n"
        "socket.create_connection(('127.0.0.1', 5432), timeout=2)\n"
        "app = Flask(__name__)\n"
    )
    report, _, _ = probe(_app(source))
    assert report["status"] == "not_probed"
    assert report["reason"].startswith("the app did not start: ")


def test_no_environment_for_the_app() -> None:
    files = {p: c for p, c in app_files("hardened_upload").items() if p != "requirements.txt"}
    report, findings = run_probes(files, Context())
    assert report["status"] == "not_probed" and findings == []
    assert report["reason"].startswith("no environment (no --python")


def test_requirements_that_do_not_install_mean_not_probed() -> None:
    files = {**app_files("hardened_upload"), "requirements.txt": "devsecbots-no-such-pkg==0.0.1\n"}
    report, findings = run_probes(files, Context())
    assert report["status"] == "not_probed" and findings == []
    assert report["reason"].startswith("could not build the environment")
    assert headline(report).startswith("static checks only (not probed: could not build")


@pytest.mark.slow
def test_the_app_runs_in_a_venv_built_from_its_requirements() -> None:
    report, findings = run_probes(app_files("hardened_upload"), Context())
    assert report["status"] == "probed", report["reason"]
    assert report["environment"].startswith("cached venv ")
    assert "flask-limiter" in report["environment"] and findings == []


def test_an_app_python_that_is_not_there(tmp_path: Path) -> None:
    ctx = Context(tests_python=str(tmp_path / "nope" / "python"))
    report, _ = run_probes(app_files("hardened_upload"), ctx)
    assert report["reason"].endswith("is not an executable")


def test_a_write_outside_the_copy_is_contained(tmp_path: Path) -> None:
    outside = tmp_path / "escaped.txt"
    source = (
        "from flask import Flask\n"
        f"open({str(outside)!r}, 'w').write('escaped')\n"
        "app = Flask(__name__)\n"
    )
    report, _, _ = probe(_app(source))
    assert not outside.exists()
    assert report["status"] == "not_probed" and "PermissionError" in report["reason"]


def test_results_forged_by_the_app_are_treated_as_data() -> None:
    raw = [
        {"id": "rate_limit", "status": "passed", "evidence": "\x1b[2Jok\nfine", "seconds": 0.1},
        {"id": "rate_limit", "status": "failed", "evidence": "duplicate"},
        {"id": "rm -rf", "status": "passed"},
        {"id": "nosniff", "status": "owned"},
        "junk",
    ]
    results = read_results(raw)
    assert [(r["id"], r["status"]) for r in results] == [("rate_limit", "passed")]
    assert "\x1b" not in results[0]["evidence"] and "\n" not in results[0]["evidence"]
    assert read_results({"not": "a list"}) == []
