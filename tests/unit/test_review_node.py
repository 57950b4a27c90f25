"""The review node: analysers every round, waivers only from the person's own code."""

from __future__ import annotations

from devsecbots.nodes.review import review
from langgraph.types import Overwrite

from tests.unit.helpers import runtime

RUN_DEBUG = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True){comment}\n"
WAIVER = "  # nosec B201 -- local demo only, never deployed"


def _debug_findings(update: dict) -> list[dict]:
    assert isinstance(update["findings"], Overwrite)
    return [
        f for f in update["findings"].value if "debug" in f["rule_id"] or f["rule_id"] == "B201"
    ]


def test_waiver_written_by_the_person_is_honoured() -> None:
    files = {"app.py": RUN_DEBUG.format(comment=WAIVER)}
    update = review(
        {"round": 1, "files": files, "input_files": files},
        runtime(offline=True, analyzers=("bandit",)),
    )
    [finding] = _debug_findings(update)
    assert finding["waiver"] == "local demo only, never deployed"
    assert update["verdict"]["status"] == "approved"


def test_waiver_added_by_devbot_is_ignored() -> None:
    original = {"app.py": RUN_DEBUG.format(comment="")}
    files = {"app.py": RUN_DEBUG.format(comment=WAIVER)}
    update = review(
        {"round": 2, "files": files, "input_files": original},
        runtime(offline=True, analyzers=("bandit",)),
    )
    [finding] = _debug_findings(update)
    assert finding["waiver"] == "" and update["verdict"]["status"] == "changes_requested"


def test_build_runs_trust_no_waiver() -> None:
    files = {"app.py": RUN_DEBUG.format(comment=WAIVER)}
    update = review({"round": 2, "files": files}, runtime(offline=True, analyzers=("bandit",)))
    assert update["verdict"]["status"] == "changes_requested"
