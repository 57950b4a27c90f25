"""Fingerprints: stable when lines move, distinct for repeats, one definition for every output."""

from __future__ import annotations

from devsecbots.graphs.state import make_finding
from devsecbots.nodes.fingerprint import fingerprint, fingerprints


def finding(line: int, snippet: str = "hashlib.md5(data)", file: str = "app.py", rule="B324"):
    return make_finding(
        severity="medium",
        file=file,
        line=line,
        title="weak hash",
        source="bandit",
        rule_id=rule,
        snippet=snippet,
    )


def test_moving_a_line_keeps_the_fingerprint() -> None:
    assert fingerprints([finding(5)]) == fingerprints([finding(42)])
    assert fingerprint(finding(5)) == fingerprint(finding(99, "  hashlib.md5(data)  "))


def test_whitespace_inside_the_line_is_normalised_but_code_changes_count() -> None:
    assert fingerprint(finding(5, "hashlib.md5(data)")) == fingerprint(
        finding(5, "hashlib.md5(data) ")
    )
    assert fingerprint(finding(5, "hashlib.md5(data)")) != fingerprint(
        finding(5, "hashlib.md5(key)")
    )


def test_rule_and_file_are_part_of_it() -> None:
    assert fingerprint(finding(5)) != fingerprint(finding(5, rule="B303"))
    assert fingerprint(finding(5)) != fingerprint(finding(5, file="other.py"))


def test_repeats_of_one_line_are_numbered_by_position_not_arrival() -> None:
    first, second = finding(5), finding(9)
    forward = fingerprints([first, second])
    backward = fingerprints([second, first])
    assert len(set(forward)) == 2
    assert forward == backward[::-1]
    assert forward[0] == fingerprint(first)  # the first occurrence hashes without an index
