"""`--concurrency N`: one independent job per input path, results per path, the worst exit wins."""

from __future__ import annotations

import json
from pathlib import Path

from devsecbots.testing import FakeOpenAI
from tests.reliability.helpers import run_cli
from tests.story import INSECURE_APP, SECURE_APP, submission, verdict


def inputs(tmp_path: Path, count: int, app: str = INSECURE_APP) -> list[Path]:
    paths = []
    for i in range(count):
        path = tmp_path / "in" / f"svc{i}"
        path.mkdir(parents=True)
        (path / "app.py").write_text(app)
        paths.append(path)
    return paths


def test_harden_runs_each_path_as_its_own_checkpointed_job(capsys, tmp_path: Path) -> None:
    paths = inputs(tmp_path, 6)
    with FakeOpenAI(latency=0.2) as server:
        server.default("dev", submission(SECURE_APP))
        server.default("sec", verdict("approved"))
        run = run_cli(
            capsys,
            "harden",
            *map(str, paths),
            "--out",
            str(tmp_path / "out"),
            "--dev-model",
            "dev",
            "--sec-model",
            "sec",
            "--base-url",
            server.base_url,
            "--analyzers",
            "bandit",
            "--no-tests",
            "--concurrency",
            "6",
        )
        calls, overlapping = len(server.requests), server.max_in_flight
    assert run.code == 0, run.stdout + run.stderr
    assert calls == 6 * 3  # review, fix, review again — per job
    assert overlapping >= 2  # the jobs ran side by side: several model calls were in flight at once
    threads = set()
    for path in paths:
        report = json.loads((tmp_path / "out" / path.name / "devsecbots-report.json").read_text())
        assert report["status"] == "approved"
        assert (tmp_path / "out" / path.name / "app.py").read_text() == SECURE_APP
        threads.add(report["thread_id"])
    assert len(threads) == 6  # six runs, each resumable on its own
    listed = run_cli(capsys, "runs")
    assert all(t in listed.stdout for t in threads)
    for path in paths:  # each job's output is kept together
        assert f"── {path.name} ({path}) ──" in run.stdout


def test_one_failing_job_does_not_stop_the_others(capsys, tmp_path: Path) -> None:
    good = inputs(tmp_path, 2)
    missing = tmp_path / "in" / "gone"
    run = run_cli(
        capsys,
        "harden",
        str(good[0]),
        str(missing),
        str(good[1]),
        "--out",
        str(tmp_path / "out"),
        "--offline",
        "--analyzers",
        "bandit",
        "--no-persist",
        "--no-tests",
        "--concurrency",
        "2",
    )
    assert run.code == 2  # the worst outcome: bad input for one path
    assert "gone: bad input" in run.stdout and "no such file or directory" in run.stdout
    for path in good:
        assert (tmp_path / "out" / path.name / "devsecbots-report.json").exists()


def test_inputs_with_the_same_name_are_refused(capsys, tmp_path: Path) -> None:
    (tmp_path / "a" / "app").mkdir(parents=True)
    (tmp_path / "b" / "app").mkdir(parents=True)
    run = run_cli(
        capsys,
        "harden",
        str(tmp_path / "a" / "app"),
        str(tmp_path / "b" / "app"),
        "--out",
        str(tmp_path / "out"),
        "--offline",
        "--concurrency",
        "2",
    )
    assert run.code == 2 and "share the name app" in run.stderr
    assert not (tmp_path / "out").exists()


def test_review_combines_per_path_results(capsys, tmp_path: Path) -> None:
    insecure = inputs(tmp_path, 1)[0]
    secure = tmp_path / "in" / "fixed"
    secure.mkdir()
    (secure / "app.py").write_text(SECURE_APP)
    run = run_cli(
        capsys,
        "review",
        str(insecure),
        str(secure),
        "--analyzers",
        "bandit",
        "--format",
        "json",
        "--concurrency",
        "2",
    )
    results = json.loads(run.stdout)
    assert run.code == 1  # one path is not approved
    assert [r["path"] for r in results] == [str(insecure), str(secure)]
    assert [r["status"] for r in results] == ["changes_requested", "approved"]
    sarif = run_cli(
        capsys,
        "review",
        str(insecure),
        str(secure),
        "--analyzers",
        "bandit",
        "--format",
        "sarif",
        "--concurrency",
        "2",
    )
    assert len(json.loads(sarif.stdout)["runs"]) == 2
