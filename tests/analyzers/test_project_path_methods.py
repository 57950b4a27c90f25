"""A path-traversal finding on a pathlib-named method the receiver's project class defines is
low; a real pathlib.Path, a class of unknown bases and a line that also opens a file block."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.project_path_methods import reassess

MODELS = textwrap.dedent(
    """\
    import pathlib


    class Record(object):
        def __init__(self, name):
            self.name = name

        def exists(self, zone):
            return any(r["name"] == self.name for r in api.get_rrsets(zone))


    class Upload(pathlib.Path):
        def exists(self):
            return super().exists()
    """
)
VIEWS = textwrap.dedent(
    """\
    import pathlib

    from flask import Flask, request

    from .models import Record, Upload

    app = Flask(__name__)


    @app.get("/nic/update")
    def update():
        record = Record(name=request.args["hostname"])
        found = record.exists("example.org")
        path = pathlib.Path("/srv") / request.args["hostname"]
        there = path.exists()
        upload = Upload(request.args["hostname"])
        kept = upload.exists()
        both = record.exists("example.org") and open(request.args["hostname"])
        return str((found, there, kept, both))
    """
)


def _confidence(text: str) -> str:
    line = next(i for i, t in enumerate(VIEWS.splitlines(), 1) if t.strip().startswith(text))
    finding = make_finding(
        severity="high",
        file="app/views.py",
        line=line,
        title="File path built from request data",
        source="semgrep",
        rule_id="devsecbots.flask.path-traversal",
        confidence="medium",
    )
    files = {"app/views.py": VIEWS, "app/models.py": MODELS}
    return reassess([finding], files)[0]["confidence"]


@pytest.mark.parametrize(
    ("line", "confidence"),
    [("found =", "low"), ("there =", "medium"), ("kept =", "medium"), ("both =", "medium")],
)
def test_only_a_project_class_own_method_is_low(line, confidence):
    assert _confidence(line) == confidence
