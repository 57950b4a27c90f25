"""reaching_values: only the assignments that can reach a read of a local name count."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.reaching_assignments import reaching_values


def _reaching(code: str) -> list[str] | None:
    """The reaching values (as source) of the last read of `target` in the code."""
    tree = ast.parse(textwrap.dedent(code))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    reads = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and n.id == "target" and isinstance(n.ctx, ast.Load)
    ]
    last = max(reads, key=lambda n: (n.lineno, n.col_offset))
    found = reaching_values(last, parents)
    return None if found is None else [ast.unparse(v) for v in found]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (  # a branch that returns does not reach what follows
            """
            def f(a):
                if a:
                    target = 'unsafe'
                    return target
                target = 'safe'
                use(target)
            """,
            ["'safe'"],
        ),
        (  # if / else both reach
            """
            def f(a):
                if a:
                    target = 'one'
                else:
                    target = 'two'
                use(target)
            """,
            ["'one'", "'two'"],
        ),
        (  # overwritten on every path
            """
            def f(a):
                target = 'first'
                if a:
                    target = 'one'
                else:
                    target = 'two'
                use(target)
            """,
            ["'one'", "'two'"],
        ),
        (  # a loop may not run, and its body's assignment comes round again
            """
            def f(xs):
                target = 'before'
                for x in xs:
                    use(target)
                    target = x
            """,
            ["'before'", "x"],
        ),
        (  # a break carries its state out of the loop
            """
            def f(a):
                target = 'before'
                while a:
                    target = 'inside'
                    if a:
                        break
                    target = 'again'
                use(target)
            """,
            ["'before'", "'inside'", "'again'"],
        ),
        (  # a handler starts from any state the try body went through
            """
            def f():
                target = 'before'
                try:
                    target = 'tried'
                    call()
                    target = 'done'
                except KeyError:
                    use(target)
            """,
            ["'before'", "'tried'"],
        ),
        (  # a with may swallow an exception half way
            """
            def f():
                target = 'before'
                with suppress(KeyError):
                    target = 'tried'
                    call()
                    target = 'done'
                use(target)
            """,
            ["'before'", "'tried'", "'done'"],
        ),
        (  # no case may match
            """
            def f(a):
                target = 'before'
                match a:
                    case 1:
                        target = 'one'
                    case _:
                        return None
                use(target)
            """,
            ["'before'", "'one'"],
        ),
        (  # x = f"{x}?q": the read is the earlier value
            """
            def f(q):
                target = 'base'
                target = f'{target}?{q}'
            """,
            ["'base'"],
        ),
    ],
)
def test_reaching_values(code, expected):
    assert _reaching(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        "def f(target):\n    use(target)\n",  # a parameter
        "def f(xs):\n    target = 1\n    for target in xs:\n        pass\n    use(target)\n",
        "def f():\n    target = 1\n    target += 'x'\n    use(target)\n",
        "def f():\n    target = 1\n    def g():\n        use(target)\n",  # a closure
        "def f():\n    target = 1\n    try:\n        pass\n    finally:\n        target = 2\n"
        "    use(target)\n",
        "use(target)\ntarget = 1\n",  # module level
    ],
)
def test_unmodelled_bindings_give_up(code):
    assert _reaching(code) is None
