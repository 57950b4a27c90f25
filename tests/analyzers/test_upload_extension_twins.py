"""Uploads stored under a server-chosen name that keeps only the client's extension, as twins:
`os.path.splitext(name)[1]` / `Path(name).suffix` is "" or "." and letters with no "/" (never
".."), so the stored path cannot leave its directory and nothing is reported; the twin that
keeps the client's stem (or the whole name) still blocks."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

FLASK = """\
import os, uuid
from flask import Flask, request
app = Flask(__name__)
TMP_DIR = "/srv/tmp"
"""
FASTAPI = """\
import os, uuid
from pathlib import Path
from fastapi import FastAPI, File, UploadFile
app = FastAPI()
BASE = "/srv/uploads"
"""

# name -> (header, safe body, unsafe body, the rules that must block the unsafe twin)
TWINS: dict[str, tuple[str, str, str, set[str]]] = {
    "flask-extension-of-the-upload": (
        FLASK,
        """
        @app.route("/imports", methods=["POST"])
        def import_file():
            upload = request.files["file"]
            extension = os.path.splitext(upload.filename or "")[1]
            path = os.path.join(TMP_DIR, f"{uuid.uuid4().hex}{extension}")
            upload.save(path)
            os.remove(path)
            return "ok"
        """,
        """
        @app.route("/imports", methods=["POST"])
        def import_file():
            upload = request.files["file"]
            stem = os.path.splitext(upload.filename or "")[0]
            path = os.path.join(TMP_DIR, f"{stem}.otio")
            upload.save(path)
            os.remove(path)
            return "ok"
        """,
        {"devsecbots.flask.upload-unsanitised-filename", "devsecbots.flask.path-traversal"},
    ),
    "fastapi-suffix-of-the-upload": (
        FASTAPI,
        """
        @app.post("/avatars")
        async def avatar(file: UploadFile = File(...)):
            target = os.path.join(BASE, f"{uuid.uuid4()}{Path(file.filename).suffix}")
            with open(target, "wb") as out:
                out.write(await file.read())
        """,
        """
        @app.post("/avatars")
        async def avatar(file: UploadFile = File(...)):
            target = os.path.join(BASE, f"{uuid.uuid4()}-{file.filename}")
            with open(target, "wb") as out:
                out.write(await file.read())
        """,
        {"devsecbots.fastapi.upload-unsanitised-filename"},
    ),
}
RULES = {rule for *_, rules in TWINS.values() for rule in rules}


@pytest.fixture(scope="module")
def blocking_rules():
    files = {}
    for name, (header, safe, unsafe, _) in TWINS.items():
        for kind, body in (("safe", safe), ("unsafe", unsafe)):
            files[f"app/{name.replace('-', '_')}_{kind}.py"] = header + textwrap.dedent(body)
    ctx = Context()
    found: dict[str, set[str]] = {path: set() for path in files}
    for finding in apply_run_policy(analyze(files, cache=None).findings, files, ctx):
        if finding["rule_id"] in RULES and is_blocking(finding, ctx.blocking_severity):
            found[finding["file"]].add(finding["rule_id"])
    return found


@pytest.mark.parametrize("name", TWINS)
def test_a_server_name_with_the_client_extension_does_not_block(blocking_rules, name):
    assert not blocking_rules[f"app/{name.replace('-', '_')}_safe.py"]


@pytest.mark.parametrize("name", TWINS)
def test_the_client_stem_or_name_in_the_path_still_blocks(blocking_rules, name):
    assert blocking_rules[f"app/{name.replace('-', '_')}_unsafe.py"] >= TWINS[name][3]
