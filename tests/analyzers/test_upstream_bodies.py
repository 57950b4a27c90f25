"""An XSS finding on an upstream response passed through with its own headers is low when the
app chose the upstream's URL; a visitor-chosen URL, the body without the upstream's headers and
another response's headers still block."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.upstream_bodies import RULES, reassess

from .helpers import reassessed_confidence

APP = textwrap.dedent(
    """\
    from urllib.parse import quote, quote_plus, urljoin

    import requests
    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/zones")
    def create_zone():
        base = settings.get("api_url")
        uri = prefix() + "/servers/localhost/zones"
        resp = requests.post(urljoin(base, uri), json=request.get_json())
        return resp.content, resp.status_code, resp.headers.items()


    @app.delete("/zones/<name>")
    def delete_zone(name):
        uri = API + "/zones"
        uri += "/" + quote_plus(name)
        resp = requests.delete(uri)
        if resp.status_code == 204:
            return resp.text, 204, {"Content-Type": resp.headers["Content-Type"]}
        other = requests.get(API + "/" + quote(name, safe=""))
        return other.content, other.status_code, resp.headers.items()


    @app.get("/proxy")
    def proxy():
        target = request.args["url"]
        resp = requests.get(target)
        return resp.content, resp.status_code, resp.headers.items()


    @app.get("/proxy/<path:rest>")
    def proxy_path(rest):
        resp = requests.get(API + "/" + quote(rest))
        if resp.ok:
            return resp.content, resp.status_code, resp.headers.items()
        page = requests.get(API + "/zones", params={"q": request.args["q"]})
        return page.content, page.status_code
    """
)


def _confidence(text: str) -> str:
    line = next(i for i, t in enumerate(APP.splitlines(), 1) if t.strip().startswith(text))
    return reassessed_confidence(
        reassess,
        APP,
        next(iter(RULES)),
        "Request data written into HTML without escaping",
        line,
        "medium",
    )


@pytest.mark.parametrize(
    "line",
    [
        "return resp.content, resp.status_code, resp.headers.items()",  # create_zone
        'return resp.text, 204, {"Content-Type": resp.headers["Content-Type"]}',
    ],
)
def test_a_pass_through_from_a_chosen_upstream_is_low(line):
    assert _confidence(line) == "low"


@pytest.mark.parametrize(
    "line",
    [
        "return other.content, other.status_code, resp.headers.items()",  # another's headers
        "return page.content, page.status_code",  # Flask's text/html default
    ],
)
def test_a_body_without_its_own_headers_blocks(line):
    assert _confidence(line) == "medium"


@pytest.mark.parametrize("view", ["def proxy():", "def proxy_path(rest):"])
def test_a_visitor_chosen_upstream_blocks(view):
    lines = APP.splitlines()
    start = lines.index(view)
    line = next(i for i, t in enumerate(lines[start:], start + 1) if "resp.headers.items()" in t)
    finding = make_finding(
        severity="medium",
        file="app.py",
        line=line,
        title="t",
        source="semgrep",
        rule_id=next(iter(RULES)),
        confidence="medium",
    )
    assert reassess([finding], {"app.py": APP})[0]["confidence"] == "medium"
