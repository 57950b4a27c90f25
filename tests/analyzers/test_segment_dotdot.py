"""The premise the path-traversal readings keep: one URL segment holds no "/" but can be "..".

Werkzeug's `<string:x>` and Starlette's `{x}` match `[^/]+` on the decoded path, and a server
hands the view "%2e%2e" decoded (and a raw ".." unnormalised): `join(BASE, segment, "file")`
reaches BASE's parent's `file` (flask_path_segments.py, fastapi_path_params.py,
confined_paths.py), so such a finding keeps blocking."""

from __future__ import annotations

import asyncio

from flask import Flask
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from werkzeug.test import EnvironBuilder, run_wsgi_app


def test_a_werkzeug_string_segment_can_be_dotdot():
    app = Flask(__name__)

    @app.route("/static/<string:group>/<string:name>")
    def served(group, name):
        return name

    assert app.test_client().get("/static/g/%2e%2e").data == b".."
    environ = EnvironBuilder(path="/").get_environ()
    environ["PATH_INFO"] = "/static/g/.."  # as a WSGI server passes a raw request line
    body, status, _ = run_wsgi_app(app, environ)
    assert status.startswith("200") and b"".join(body) == b".."


def test_a_starlette_segment_can_be_dotdot():
    async def image(request):
        return PlainTextResponse(request.path_params["recipe_id"])

    app = Starlette(routes=[Route("/recipes/{recipe_id}/images/{name}", image)])
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    path = "/recipes/../images/original.webp"  # uvicorn's scope path for %2e%2e too
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [],
        "root_path": "",
        "scheme": "http",
        "server": ("testserver", 80),
        "http_version": "1.1",
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 200 and sent[1]["body"] == b".."
