"""The memo of redirect-target readings: depth-bounded reuse, `via` replayed on reuse."""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.call_arguments import argument
from devsecbots.nodes.analyzers.reading_memo import ReadingMemo


def test_a_result_serves_a_deeper_request_not_a_shallower_one():
    memo = ReadingMemo()
    memo.start()
    memo.finish("k", 3, [["read"]])
    assert memo.recall("k", 5, set()) == [["read"]]
    assert memo.recall("k", 3, set()) == [["read"]]
    assert memo.recall("k", 2, set()) is None  # more steps left: it may read further


def test_what_a_reading_went_through_is_recorded_again_on_reuse():
    memo = ReadingMemo()
    first: set[str] = set()
    memo.start()  # the outer reading
    memo.start()  # an inner one, which follows a helper
    memo.note(first, "helper()")
    memo.finish("inner", 1, [["x"]])
    memo.finish("outer", 0, [["x"]])
    again: set[str] = set()
    memo.start()
    assert memo.recall("outer", 0, again) == [["x"]]
    assert again == {"helper()"}
    memo.finish("other", 0, [["x"]])
    assert memo.recall("other", 0, set()) is not None
    later: set[str] = set()
    memo.recall("other", 0, later)
    assert later == {"helper()"}  # the reuse was noted in the reading under way


def test_a_named_keyword_is_the_argument_even_beside_double_star_kwargs():
    call = ast.parse("f(1, *rest, config=cfg, **kw)").body[0].value  # type: ignore[attr-defined]
    assert ast.unparse(argument(call, "config", ["a", "config"], {})) == "cfg"
    assert ast.unparse(argument(call, "a", ["a", "b"], {})) == "1"
    assert argument(call, "b", ["a", "b"], {}) is None  # *rest or **kw may hold it
