"""The JSON reports (review --format json, the run report) validate against the documented schema
(docs/report.schema.json), agree in shape, and list every finding with whether it blocks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.review import review_files
from rich.console import Console

from devsecbots.jobs.review import run_review
from devsecbots.output import sha256_text
from devsecbots.report import REPORT_VERSION, build_report
from devsecbots.settings import ReviewSettings
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
FILES = {
    "app.py": "import hashlib\n\n\ndef hash_pwd(pwd):\n    return hashlib.md5(pwd).hexdigest()\n",
    "cache.py": "import hashlib\n\n\ndef key(name):\n"
    "    return hashlib.md5(name.encode()).hexdigest()  # noqa: S324\n",
    "settings.py": 'password = "hunter2"\n',  # B105: Bandit is only medium-confident
    "tests/test_app.py": "from app import hash_pwd\n\n\ndef test_hash():\n"
    "    assert hash_pwd(b'x')\n",
}
FINDING_KEYS = {"blocking", "confidence", "role", "exempt", "waiver", "fingerprint"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("schema") / "proj"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def review_document(project: Path, **ctx: object) -> dict:
    out = io.StringIO()
    settings = ReviewSettings(
        paths=[project], ctx=Context(offline=True, analyzers=("bandit",), **ctx), format="json"
    )
    run_review(settings, Console(file=out), err=Console(file=io.StringIO()))
    return json.loads(out.getvalue())


def test_review_json_validates_and_lists_every_finding_with_why_it_blocks_or_not(project) -> None:
    document = review_document(project)
    VALIDATOR.validate(document)
    assert document["version"] == REPORT_VERSION
    by_file = {f["file"]: f for f in document["findings"]}
    assert FINDING_KEYS <= set(by_file["app.py"])
    assert by_file["app.py"]["blocking"] is True
    assert by_file["tests/test_app.py"]["role"] == "test"  # B101 assert: reported, not blocking
    assert by_file["tests/test_app.py"]["blocking"] is False
    assert by_file["tests/test_app.py"]["exempt"]
    cache = by_file["cache.py"]
    assert (cache["waiver"], cache["blocking"]) == ("ruff noqa S324", False)
    assert document["waivers"] == [
        {
            "file": "cache.py",
            "line": 5,
            "rule_id": cache["rule_id"],
            "waiver": "ruff noqa S324",
            "fingerprint": cache["fingerprint"],
        }
    ]
    assert len({f["fingerprint"] for f in document["findings"]}) == len(document["findings"])


def test_findings_below_the_minimum_confidence_are_kept_non_blocking(project) -> None:
    document = review_document(project, min_confidence="high", block_tests=True)
    VALIDATOR.validate(document)
    low = [f for f in document["findings"] if f["confidence"] != "high"]
    assert low, "the fixture should have a finding below high confidence"
    for finding in low:
        assert not finding["blocking"] and "confidence" in finding["exempt"]


def test_the_run_report_validates_and_its_files_have_the_review_shape(project) -> None:
    ctx = Context(offline=True, analyzers=("bandit",))
    verdict = review_files(dict(FILES), ctx).verdict
    written = [{"path": rel, "sha256": sha256_text(text)} for rel, text in sorted(FILES.items())]
    state = {
        "status": "max_rounds",
        "round": 2,
        "findings": verdict["findings"],
        "verdict": verdict,
    }
    report = build_report(state, thread_id="t-1", ctx=ctx, written=written)
    VALIDATOR.validate(report)
    review = review_document(project)
    assert report["files"] == review["files"]  # same files, same shape: {path, sha256}
    assert [f["fingerprint"] for f in report["findings"]] == [
        f["fingerprint"] for f in review["findings"]
    ]


def test_the_schema_check_can_fail(project) -> None:
    document = review_document(project)
    document["findings"][0]["blocking"] = "yes"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(document)
    del document["version"]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(document)


def test_the_schema_itself_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
