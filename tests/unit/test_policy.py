"""The approval policy: analyser findings block whatever the LLM says; waivers and thresholds."""

from devsecbots.graphs.state import make_finding
from devsecbots.nodes.policy import finding_key, gate, is_blocking

from tests.unit.helpers import bandit, llm


def test_llm_approval_cannot_override_a_high_analyzer_finding() -> None:
    result = gate([bandit(severity="high")], "approved", "medium")
    assert not result.approved
    assert result.blocking and "at or above medium" in result.reasons[0]


def test_llm_changes_requested_blocks_even_without_analyzer_findings() -> None:
    result = gate([llm()], "changes_requested", "medium")
    assert not result.approved and result.reasons == ["the LLM reviewer requested changes"]


def test_low_findings_and_waived_findings_do_not_block() -> None:
    waived = {**bandit(severity="high"), "waiver": "test fixture, never deployed"}
    assert gate([bandit(severity="low"), waived], "approved", "medium").approved
    assert not is_blocking(waived, "low")


def test_threshold_is_configurable() -> None:
    assert is_blocking(bandit(severity="medium"), "medium")
    assert not is_blocking(bandit(severity="medium"), "high")
    assert is_blocking(bandit(severity="low"), "low")


def test_llm_findings_never_block_by_themselves() -> None:
    assert not is_blocking(llm(severity="critical"), "low")
    assert gate([llm(severity="critical")], "approved", "medium").approved


def test_extension_reviewer_findings_block_like_analyzers() -> None:
    custom = make_finding(severity="high", file="requirements.txt", source="deps", title="old")
    assert is_blocking(custom, "medium")


def test_finding_key_survives_line_shifts() -> None:
    assert finding_key(bandit(line=3)) == finding_key(bandit(line=30))
    assert finding_key(bandit(rule="B201")) != finding_key(bandit(rule="B104"))
