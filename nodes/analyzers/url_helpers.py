"""Bandit B310 in a module-level helper whose every caller passes a fixed URL, across files.

`def download(url, dest): urlopen(url)` at module level can be called from any module, so the
per-file reading (bandit_context.py) leaves its finding alone. With the whole project in sight,
a helper that no other module names is called only in its own module; when every such call
passes a fixed-scheme or settings URL (fixed_url.py), no request data reaches the urlopen. The
same holds for a method of a class, and an attribute `self.url`, that no other module can reach
(member_reach.py): the module's own calls and stores are all there are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.fixed_url import fixed_url_reason
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.member_reach import member_reached
from devsecbots.nodes.analyzers.project_trees import parse_files

RULE = "B310"


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, B310 in a helper only its own module calls with fixed URLs at low."""
    if not any(f["rule_id"] == RULE and f["confidence"] != "low" for f in findings):
        return findings
    trees = parse_files(files)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if finding["rule_id"] == RULE and finding["confidence"] != "low" and tree is not None:
            why = fixed_url_reason(tree, finding["line"], _outside(finding["file"], files, trees))
            finding = lowered(finding, why) if why else finding
        out.append(finding)
    return out


def _outside(path: str, files: dict[str, str], trees: dict) -> Callable[..., bool]:
    """Whether another module may reach a function (by name) or a class's member
    (member_reach.py)."""
    word_named = _named_outside(path, files)
    reached = member_reached(path, trees, word_named)

    def outside(name: str, owner: str = "", kind: str = "") -> bool:
        return reached(name, owner, kind) if kind else word_named(name)

    return outside


def _named_outside(path: str, files: dict[str, str]) -> Callable[[str], bool]:
    """Whether a Python module other than `path` names a function (as a word: an import, a call,
    a mention in `__all__` of a package that re-exports it)."""

    def named(name: str) -> bool:
        word = re.compile(rf"\b{re.escape(name)}\b")
        return any(p != path and p.endswith(".py") and word.search(t) for p, t in files.items())

    return named
