"""`langgraph dev` serves the graph from langgraph.json; the SDK drives an offline run and a
human-review pause through the server (as LangGraph Studio would)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from devsecbots.testing import free_port
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]
langgraph_sdk = pytest.importorskip("langgraph_sdk")
LANGGRAPH = Path(sys.executable).parent / "langgraph"
EXAMPLE = ROOT / "examples" / "flask_upload"
STARTUP_DEADLINE_S = 60


def _wait_until_ok(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"langgraph dev exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/ok", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"langgraph dev not ready after {STARTUP_DEADLINE_S}s:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and everything it started (its own process group)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`langgraph dev` on a free loopback port, started from the repository root."""
    if not LANGGRAPH.exists():
        pytest.skip(f"{LANGGRAPH} missing: pip install 'langgraph-cli[inmem]>=0.4.30'")
    port = free_port()
    log = tmp_path_factory.mktemp("langgraph-dev") / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DEVSECBOTS_"))}
    env.update(LANGGRAPH_CLI_NO_ANALYTICS="1", LANGGRAPH_NO_VERSION_CHECK="1")
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [
                str(LANGGRAPH),
                "dev",
                "--no-browser",
                "--no-reload",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_ok(url, proc, log)
        yield url
    finally:
        _stop(proc)
    assert proc.poll() is not None


@pytest.fixture(scope="module")
def client(server: str):
    """A synchronous SDK client and the graph's assistant id."""
    sdk = langgraph_sdk.get_sync_client(url=server)
    assistants = sdk.assistants.search(graph_id="devsecbots")
    assert len(assistants) == 1, assistants
    return sdk, assistants[0]["assistant_id"]


def test_graph_and_schemas(client) -> None:
    sdk, assistant = client
    drawn = sdk.assistants.get_graph(assistant)
    assert {n["id"] for n in drawn["nodes"]} >= {
        "develop",
        "review",
        "probe",
        "approval_check",
        "human_review",
    }
    edges = {(e["source"], e["target"], bool(e.get("conditional"))) for e in drawn["edges"]}
    assert {
        ("__start__", "develop", False),
        ("develop", "review", False),
        ("review", "probe", False),
        ("probe", "approval_check", False),
        ("approval_check", "develop", True),
        ("approval_check", "__end__", True),
        ("approval_check", "human_review", True),
        ("human_review", "develop", True),
        ("human_review", "__end__", True),
    } <= edges
    schemas = sdk.assistants.get_schemas(assistant)
    for name in ("input_schema", "context_schema", "state_schema"):
        jsonschema.Draft202012Validator.check_schema(schemas[name])
    assert set(schemas["input_schema"]["properties"]) == {"request", "files"}
    context = schemas["context_schema"]["properties"]
    assert context["max_rounds"]["type"] == "integer" and context["max_rounds"]["default"] == 4
    assert context["human_review"]["type"] == "boolean"
    assert context["analyzers"]["type"] == "array"
    jsonschema.validate(
        {"offline": True, "human_review": True, "analyzers": ["bandit"]}, schemas["context_schema"]
    )


def test_offline_run_on_the_example(client) -> None:
    sdk, assistant = client
    files = {
        p: (EXAMPLE / p).read_text()
        for p in ("app.py", "templates/upload.html", "requirements.txt")
    }
    thread = sdk.threads.create()
    final = sdk.runs.wait(
        thread["thread_id"],
        assistant,
        context={"offline": True},
        input={"request": "Harden this upload app", "files": files},
    )
    assert final["status"] in ("approved", "stalled", "max_rounds"), final.get("reason")
    assert set(final["files"]) == set(files) and final["input_files"] == files
    assert [r["round"] for r in final["history"]] == list(range(1, final["round"] + 1))
    assert final["usage"] == []  # offline: no model was called
    state = sdk.threads.get_state(thread["thread_id"])
    assert state["next"] == [] and state["values"]["status"] == final["status"]
    # Offline autofix (nodes/autofix) fixes this app: debug off, no hard-coded secret.
    assert final["status"] == "approved", final["reason"]
    assert final["files"]["app.py"] != files["app.py"]
    assert "debug=True" not in final["files"]["app.py"]


def test_human_review_through_the_server(client) -> None:
    sdk, assistant = client
    context = {"offline": True, "human_review": True, "analyzers": ["bandit"], "run_tests": False}
    thread = sdk.threads.create()["thread_id"]
    sdk.runs.wait(
        thread,
        assistant,
        context=context,
        input={"request": "review", "files": {"calc.py": "def add(a, b):\n    pass\n"}},
    )
    paused = sdk.threads.get_state(thread)
    assert paused["next"] == ["human_review"]
    payload = paused["tasks"][0]["interrupts"][0]["value"]
    assert payload["kind"] == "human_review" and payload["options"] == ["approve", "reject", "stop"]
    final = sdk.runs.wait(
        thread,
        assistant,
        context=context,
        command={"resume": {"decision": "approve", "comment": "via Studio"}},
    )
    assert final["status"] == "approved"
    assert final["decisions"] == [{"round": 1, "decision": "approve", "comment": "via Studio"}]
