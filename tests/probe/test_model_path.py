"""With a model: SecBot's "approved" does not survive a failed probe, and DevBot hears why."""

from __future__ import annotations

import sys

from devsecbots.graphs.context import Context
from devsecbots.graphs.devsec import build_graph, recursion_limit

from tests.probe.helpers import app_files

HARDENED = app_files("hardened_upload")
GENEROUS = HARDENED["app.py"].replace('"10 per minute"', '"1000 per minute"')


def _dev_files(app_source: str) -> list[dict[str, str]]:
    return [{"path": p, "content": app_source if p == "app.py" else c} for p, c in HARDENED.items()]


def test_a_model_approved_app_without_a_real_rate_limit_is_refused_by_the_probe(
    fake_openai,
) -> None:
    assert GENEROUS != HARDENED["app.py"]
    fake_openai.script(
        "dev",
        [
            {"summary": "upload app with a limiter", "files": _dev_files(GENEROUS)},
            {"summary": "strict limit on uploads", "files": _dev_files(HARDENED["app.py"])},
        ],
    )
    fake_openai.default("sec", {"status": "approved", "summary": "looks secure", "findings": []})
    ctx = Context(
        dev_model="dev",
        sec_model="sec",
        base_url=fake_openai.base_url,
        offline=False,
        analyzers=("bandit",),
        run_tests=False,
        tests_python=sys.executable,
        max_rounds=3,
    )
    final = build_graph().invoke(
        {"request": "a Flask app for file upload"},
        {"recursion_limit": recursion_limit(3)},
        context=ctx,
    )
    first, second = final["history"][0], final["history"][1]
    assert first["verdict"] == "changes_requested" and first["blocking"] == 1
    assert final["status"] == "approved" and final["round"] == 2
    assert "13 probes held" in final["reason"]
    # DevBot's second prompt carried the probe's finding and its evidence.
    dev_prompts = [r for r in fake_openai.requests if r.model == "dev"]
    revise = " ".join(str(m.get("content")) for m in dev_prompts[1].messages)
    assert "Probe failed: A burst of state-changing requests is never throttled" in revise
    assert "none throttled" in revise
    assert second["verdict"] == "approved"
