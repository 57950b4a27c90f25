"""A non-empty host the application chose after a literal "//" keeps the redirect on that host
whatever path follows (configured_origins.py, read by redirect_targets.py)."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.configured_origins import NON_EMPTY, ORIGIN, non_empty, opened
from devsecbots.nodes.analyzers.redirect_targets import fixed_host


def _fixed(body: str, routed: bool = True) -> bool:
    """Whether the target of the last redirect(...) in the Django `body` has a fixed host."""
    tree = ast.parse(textwrap.dedent(body))
    parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "redirect"
    ]
    last = max(calls, key=lambda c: c.lineno)
    return bool(fixed_host(last.args[0], parents, "django", routed))


HOST_CHECKED = """
def view(request):
    host = settings.PANEL_HOST
    if not host:
        return redirect("/")
    return redirect({target})
"""
NETLOC_CHECKED = """
def view(request):
    parts = urlparse(settings.PANEL_URL)
    if not parts.netloc:
        return redirect("/")
    return redirect({target})
"""

FIXED = [
    HOST_CHECKED.format(target='f"https://{host}{request.get_full_path()}"'),
    HOST_CHECKED.format(target='"https://" + host + ":8443" + request.path'),
    HOST_CHECKED.format(target='f"{request.scheme}://{host}{request.path}"'),
    NETLOC_CHECKED.format(target='f"{parts.scheme}://{parts.netloc}{request.get_full_path()}"'),
]
OPEN = [
    # the host may be empty: "https://" + "" + "/evil.example/..." goes to evil.example
    'def view(request):\n    return redirect(f"https://{settings.PANEL_HOST}{request.path}")',
    NETLOC_CHECKED.replace("parts.netloc:", "parts.scheme:").format(
        target='f"{parts.scheme}://{parts.netloc}{request.path}"'
    ),
    # a non-empty value with no "//" before it may be "/": "/" + "/evil.example"
    HOST_CHECKED.format(target="host + request.get_full_path()"),
    # after the host, request data that is not the path: "@evil.example"
    HOST_CHECKED.format(target="f\"https://{host}{request.GET['next']}\""),
    # a "//" the visitor's text comes before
    HOST_CHECKED.format(target='request.GET["scheme"] + "//" + host + request.path'),
]


@pytest.mark.parametrize("body", FIXED)
def test_a_checked_host_after_a_literal_scheme_keeps_the_path_on_it(body):
    assert _fixed(body)


@pytest.mark.parametrize("body", OPEN)
def test_an_unchecked_host_or_a_host_without_slashes_does_not(body):
    assert not _fixed(body)


def test_a_parsed_url_rebound_after_its_test_is_not_known_non_empty():
    body = NETLOC_CHECKED.replace(
        "    return redirect({target})",
        "    parts = urlparse(request.GET['u'])\n    return redirect({target})",
    ).format(target='f"https://{parts.netloc}{request.path}"')
    assert not _fixed(body)


def test_only_values_that_pin_nothing_fold_into_one_non_empty_chosen_value():
    chosen, port, path = ("chosen", ""), ("text", ":80"), ("text", "/x")
    assert non_empty([[("text", "")], [chosen, port], [chosen, path], [("any", "")]]) == [
        [NON_EMPTY],
        [chosen, path],
        [("any", "")],
    ]
    assert opened([("text", "https://"), NON_EMPTY]) == [("text", "https://"), ORIGIN]
    assert opened([("text", "/"), NON_EMPTY]) == [("text", "/"), NON_EMPTY]
