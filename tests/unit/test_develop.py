"""The develop node: intake of given code, offline autofix, the model path over the fake server."""

from __future__ import annotations

import pytest
from devsecbots.nodes.develop import develop
from devsecbots.nodes.errors import ModelConfigError

from tests.story import INSECURE_APP, SECURE_APP, submission
from tests.unit.helpers import bandit, runtime


def test_round_one_with_files_adopts_them_without_a_model() -> None:
    files = {"app.py": INSECURE_APP}
    update = develop({"request": "harden", "files": files}, runtime(dev_model="unused"))
    assert update["round"] == 1 and update["files"] == files and update["input_files"] == files
    assert update["changed"] == ["app.py"] and "usage" not in update


def test_offline_round_applies_codemods_for_open_findings() -> None:
    finding = {**bandit("B201", line=20), "snippet": 'app.run(host="0.0.0.0", debug=True)'}
    update = develop(
        {"round": 1, "files": {"app.py": INSECURE_APP}, "findings": [finding]},
        runtime(offline=True),
    )
    assert update["round"] == 2 and update["changed"] == ["app.py"]
    assert "debug=True" not in update["files"]["app.py"]
    assert update["attempted_keys"] and update["notes"]


def test_offline_cannot_write_from_a_request_alone() -> None:
    with pytest.raises(ModelConfigError, match="harden"):
        develop({"request": "a todo app"}, runtime(offline=True))


def test_model_round_merges_files_and_counts_tokens(fake_openai) -> None:
    fake_openai.script("dev", [submission(SECURE_APP)])
    state = {
        "round": 1,
        "request": "upload app",
        "files": {"app.py": INSECURE_APP, "README.md": "hi"},
        "findings": [bandit("B201")],
    }
    update = develop(state, runtime(dev_model="dev", base_url=fake_openai.base_url, max_retries=0))
    assert update["files"]["app.py"] == SECURE_APP and update["files"]["README.md"] == "hi"
    assert update["changed"] == ["app.py", "requirements.txt", "templates/upload.html"]
    [usage] = update["usage"]
    assert usage["input_tokens"] == fake_openai.billed["input_tokens"] > 0
    task = fake_openai.requests[0].messages[-1]["content"]
    assert "B201 finding" in task and '<untrusted kind="file" path="app.py">' in task
