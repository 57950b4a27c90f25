"""Redirect-target readings already made, for redirect_targets.py to reuse.

A reading of an expression depends on the expression, the reading's context (its parents map,
receiver classes, the call frame whose parameters it fills, own-path and framework) and how
many steps it may still take before giving up. A result read with more steps left is at least
as precise as one read with fewer (a cut-off step reads as "anything"), so it serves any
request at the same depth or deeper, never a shallower one. What a reading follows (`via`: the
checks and functions it went through) is a side effect each reuse records again.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any


@dataclass
class _Entry:
    depth: int
    result: list[Any]
    via: frozenset[str]


class ReadingMemo:
    """The readings of one project's redirect targets, with what each went through."""

    def __init__(self) -> None:
        self._done: dict[Hashable, _Entry] = {}
        self._open: list[set[str]] = []  # what each reading under way has gone through so far

    def recall(self, key: Hashable, depth: int, via: set[str]) -> list[Any] | None:
        """A result read at this depth or a shallower one (None when there is none); what it
        went through is added to `via` and to the readings under way."""
        entry = self._done.get(key)
        if entry is None or entry.depth > depth:
            return None
        self.note(via, *entry.via)
        return list(entry.result)

    def start(self) -> None:
        """A reading begins: what it goes through is collected until `finish`."""
        self._open.append(set())

    def finish(self, key: Hashable, depth: int, result: list[Any]) -> None:
        """The reading begun last ends with `result`; kept unless a shallower one is known."""
        went = self._open.pop()
        if self._open:
            self._open[-1] |= went
        entry = self._done.get(key)
        if entry is None or entry.depth > depth:
            self._done[key] = _Entry(depth, list(result), frozenset(went))

    def note(self, via: set[str], *texts: str) -> None:
        """The reading under way went through these checks or functions."""
        via.update(texts)
        if self._open:
            self._open[-1].update(texts)
