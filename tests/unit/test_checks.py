"""Fix checks: parse breaks, new blocking findings and regressions roll a round back."""

from devsecbots.graphs.state import make_finding
from devsecbots.nodes.checks import fix_check_failures, newly_fixed
from devsecbots.nodes.policy import finding_key

from tests.unit.helpers import bandit, llm


def syntax(file: str = "app.py"):
    return make_finding(
        severity="high", file=file, source="parser", rule_id="syntax-error", title="does not parse"
    )


def test_fewer_findings_pass() -> None:
    assert (
        fix_check_failures([bandit("B201"), bandit("B104")], [bandit("B104")], [], "medium") == []
    )


def test_file_that_stops_parsing_fails() -> None:
    reasons = fix_check_failures([bandit()], [syntax()], [], "medium")
    assert reasons and "no longer parse" in reasons[0]


def test_file_that_already_did_not_parse_is_not_a_new_break() -> None:
    assert fix_check_failures([syntax()], [syntax()], [], "medium") == []


def test_new_blocking_finding_fails_but_new_low_one_does_not() -> None:
    assert fix_check_failures([], [bandit("B104", "medium")], [], "medium")
    assert fix_check_failures([], [bandit("B404", "low")], [], "medium") == []


def test_fixed_finding_coming_back_fails() -> None:
    fixed = [finding_key(bandit("B201"))]
    reasons = fix_check_failures([], [bandit("B201")], fixed, "medium")
    assert reasons and "came back" in reasons[0]


def test_llm_findings_are_not_judged_by_fix_checks() -> None:
    assert fix_check_failures([], [llm("high")], [], "medium") == []


def test_newly_fixed_lists_keys_that_disappeared() -> None:
    assert newly_fixed([bandit("B201"), bandit("B104")], [bandit("B104")], "medium") == [
        finding_key(bandit("B201"))
    ]
