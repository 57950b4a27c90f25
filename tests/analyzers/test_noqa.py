"""Ruff's flake8-bandit suppressions (`# noqa: S324`) waive the Bandit finding they name."""

from __future__ import annotations

from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers import apply_waivers
from devsecbots.nodes.analyzers.noqa import noqa_codes
from devsecbots.nodes.analyzers.waivers import UNTRUSTED

SOURCE = "import hashlib\n\n\ndef key(data):\n    return {line}\n"


def md5_finding(rule_id: str = "B324"):
    return make_finding(
        severity="high",
        file="util.py",
        line=5,
        title="Use of weak MD5 hash for security",
        source="bandit",
        rule_id=rule_id,
        cwe="CWE-327",
    )


def waived(comment: str, finding=None, trusted=None) -> dict:
    line = f"hashlib.md5(data).hexdigest()  {comment}".rstrip()
    files = {"util.py": SOURCE.format(line=line)}
    return apply_waivers([finding or md5_finding()], files, trusted)[0]


def test_the_ruff_code_of_the_same_bandit_check_waives_it_and_says_so() -> None:
    assert waived("# noqa: S324")["waiver"] == "ruff noqa S324"
    assert waived("# noqa: E501, S324")["waiver"] == "ruff noqa S324"
    assert waived("# NOQA:S324")["waiver"] == "ruff noqa S324"


def test_prefixes_cover_their_group() -> None:
    assert waived("# noqa: S3")["waiver"] == "ruff noqa S3"
    assert waived("# noqa: S")["waiver"] == "ruff noqa S"


def test_other_codes_a_bare_noqa_and_another_group_waive_nothing() -> None:
    for comment in ("# noqa", "# noqa: E501", "# noqa: S105", "# noqa: S4", "# noqa: BLE001"):
        result = waived(comment)
        assert result["waiver"] == "", comment
        assert result["title"] == "Use of weak MD5 hash for security"


def test_only_bandit_rules_are_covered() -> None:
    semgrep = make_finding(
        severity="high",
        file="util.py",
        line=5,
        title="weak hash",
        source="semgrep",
        rule_id="devsecbots.python.weak-hash",
        cwe="CWE-327",
    )
    assert waived("# noqa: S324", finding=semgrep)["waiver"] == ""


def test_a_noqa_the_bot_wrote_is_not_trusted() -> None:
    original = {"util.py": SOURCE.format(line="hashlib.md5(data).hexdigest()")}
    result = waived("# noqa: S324", trusted=original)
    assert result["waiver"] == "" and UNTRUSTED in result["title"]


def test_a_nosec_with_a_reason_wins_over_a_noqa_on_the_same_line() -> None:
    result = waived("# nosec B324 -- cache key, not security  # noqa: S324")
    assert result["waiver"].startswith("cache key, not security")


def test_noqa_codes_parse_like_ruff() -> None:
    assert noqa_codes("# noqa: S324,S105 E501") == ["S324", "S105", "E501"]
    assert noqa_codes("# noqa") == []
    assert noqa_codes("# a comment about noqa") == []


def test_a_merged_finding_is_covered_when_bandit_names_that_check_on_that_line() -> None:
    merged = make_finding(
        severity="high",
        file="util.py",
        line=5,
        title="Weak hash algorithm (MD5/SHA-1)",
        source="semgrep",
        rule_id="devsecbots.python.weak-hash",
        cwe="CWE-328",
        sources=["semgrep", "bandit"],
    )
    assert waived("# noqa: S324", finding=merged)["waiver"] == "ruff noqa S324"
    assert waived("# noqa: S105", finding=merged)["waiver"] == ""
    alone = make_finding(
        **{
            **{k: merged[k] for k in ("severity", "file", "line", "title")},
            "source": "semgrep",
            "rule_id": merged["rule_id"],
            "cwe": "CWE-328",
        }
    )
    assert waived("# noqa: S324", finding=alone)["waiver"] == ""  # Bandit did not report it
