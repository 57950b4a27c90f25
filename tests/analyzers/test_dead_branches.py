"""Branches whose `if` folds to a constant are blanked in the scanned copy; nothing else is."""

from __future__ import annotations

import textwrap

from devsecbots.nodes.analyzers.dead_branches import blank_dead_branches


def dedent(text: str) -> str:
    """The snippet without its common indentation."""
    return textwrap.dedent(text)


def test_the_never_taken_else_becomes_pass_and_lines_stay():
    source = dedent(
        """\
        def view(param):
            num = 86
            if 7 * 42 - num > 200:
                bar = "constant"
            else:
                bar = param
                bar = bar.strip()
            return bar
        """
    )
    out = blank_dead_branches(source)
    assert out.splitlines()[5] == "        pass"
    assert out.splitlines()[6] == ""
    assert len(out.splitlines()) == len(source.splitlines())
    assert "bar = param" not in out and 'bar = "constant"' in out


def test_tabs_stay_tabs():
    source = "def view(param):\n\tnum = 1\n\tif num > 2:\n\t\tbar = param\n\treturn 0\n"
    assert (
        blank_dead_branches(source)
        == "def view(param):\n\tnum = 1\n\tif num > 2:\n\t\tpass\n\treturn 0\n"
    )


def test_tests_that_do_not_fold_are_left_alone():
    for test in ("count > 2", "param > 2", "num > 2 and param", "len(param) > num"):
        source = dedent(
            f"""\
            def view(param, count):
                num = 1
                if {test}:
                    bar = param
                return 0
            """
        )
        assert blank_dead_branches(source) == source, test


def test_a_name_bound_twice_is_not_a_constant():
    source = dedent(
        """\
        def view(param):
            num = 1
            num = int(param)
            if num > 2:
                return param
            return 0
        """
    )
    assert blank_dead_branches(source) == source


def test_an_elif_and_a_one_line_branch_are_left_alone():
    source = dedent(
        """\
        def view(param):
            num = 1
            if num > 0:
                bar = 1
            elif param:
                bar = param
            if num > 5: bar = param
            return bar
        """
    )
    assert blank_dead_branches(source) == source
