"""FastAPI codemods: upload names made safe, joined paths kept inside their directory."""

from __future__ import annotations

from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import assert_fixed, declined, finding_at

BEFORE = """import os

from fastapi import FastAPI, UploadFile
from fastapi.responses import FileResponse

BASE = "files"
app = FastAPI()


@app.post("/upload")
async def upload(file: UploadFile):
    target = os.path.join(BASE, "in", file.filename)
    with open(target, "wb") as out:
        out.write(await file.read())


@app.get("/files/{name}")
def download(name: str):
    return FileResponse(os.path.join(BASE, name))
"""
AFTER = '''import os
import re

from fastapi import FastAPI, HTTPException, UploadFile
from fastapi.responses import FileResponse

BASE = "files"
app = FastAPI()


def _safe_filename(name):
    """The client's file name reduced to a safe base name (letters, digits, ".", "_", "-")."""
    base = os.path.basename((name or "").replace("\\\\", "/"))
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).strip("._")
    if not base:
        raise HTTPException(status_code=400, detail="invalid file name")
    return base


def _contained_path(base, *parts):
    """base joined with parts, as given; 404 when, resolved, it would leave base."""
    path = os.path.join(base, *parts)
    root = os.path.realpath(base)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        raise HTTPException(status_code=404, detail="not found")
    return path


@app.post("/upload")
async def upload(file: UploadFile):
    target = _contained_path(BASE, "in", _safe_filename(file.filename))
    with open(target, "wb") as out:
        out.write(await file.read())


@app.get("/files/{name}")
def download(name: str):
    return FileResponse(_contained_path(BASE, name))
'''


def test_upload_name_and_served_path_are_contained():
    findings = [
        finding_at(BEFORE, "devsecbots.fastapi.upload-unsanitised-filename", "file.filename)"),
        # reported where the joined path is opened, two lines below the join
        finding_at(BEFORE, "devsecbots.fastapi.path-traversal", "with open(target"),
        finding_at(BEFORE, "devsecbots.fastapi.path-traversal", "FileResponse(os.path"),
    ]
    assert_fixed(BEFORE, AFTER, findings)


def test_the_helpers_contain_traversal(tmp_path):
    namespace: dict = {}
    exec(compile(AFTER.split("@app.post")[0], "after.py", "exec"), namespace)  # noqa: S102
    from fastapi import HTTPException

    assert namespace["_safe_filename"]("../../etc/passwd") == "passwd"
    assert namespace["_safe_filename"]("a b;.txt") == "a_b_.txt"
    inside = namespace["_contained_path"](str(tmp_path), "x.txt")
    assert inside == str(tmp_path / "x.txt")
    for bad in ("../secret", "/etc/passwd"):
        try:
            namespace["_contained_path"](str(tmp_path), bad)
        except HTTPException as err:
            assert err.status_code == 404
        else:
            raise AssertionError(f"{bad} escaped the base directory")


def test_a_path_with_no_base_directory_is_unfixable_with_a_reason():
    source = (
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/read')\n"
        "def read(path: str):\n    with open(path) as handle:\n        return handle.read()\n"
    )
    finding = finding_at(source, "devsecbots.fastapi.path-traversal", "open(path)")
    reasons = declined(source, [finding])
    assert reasons and "no base directory" in reasons[0]


def test_html_response_values_are_escaped():
    source = (
        "from fastapi import FastAPI\nfrom fastapi.responses import HTMLResponse\n\n"
        "app = FastAPI()\n\n\n@app.get('/hi')\ndef hi(name: str, n: int = 1):\n"
        '    return HTMLResponse("<h1>" + name + "</h1><p>" + str(n) + "</p>")\n'
    )
    after = source.replace(
        'HTMLResponse("<h1>" + name + "</h1><p>" + str(n) + "</p>")',
        'HTMLResponse(f"<h1>{html.escape(str(name))}</h1><p>{html.escape(str(n))}</p>")',
    ).replace("from fastapi import FastAPI", "import html\n\nfrom fastapi import FastAPI")
    assert_fixed(source, after, [finding_at(source, "devsecbots.fastapi.xss", "HTMLResponse(")])


def test_html_whose_pieces_hold_markup_is_unfixable_with_a_reason():
    source = (
        "from fastapi.responses import HTMLResponse\n\n\ndef hi(name: str, n: int):\n"
        '    return HTMLResponse("<h1>" + name + "</h1>" * n)\n'
    )
    reasons = declined(source, [finding_at(source, "devsecbots.fastapi.xss", "HTMLResponse(")])
    assert reasons and "holds markup" in reasons[0]


def test_the_contained_path_reaches_no_more_than_the_path_did(tmp_path):
    """Resolving would turn "<id>-a/../<other id>-logo.png" into another user's file, where the
    OS refuses the path because no directory "<id>-a" exists: the helper keeps the path as given."""
    namespace: dict = {}
    exec(compile(AFTER.split("@app.post")[0], "after.py", "exec"), namespace)  # noqa: S102
    (tmp_path / "7-logo.png").write_text("the other user's file")
    path = namespace["_contained_path"](str(tmp_path), "6-a/../7-logo.png")
    assert path == str(tmp_path / "6-a/../7-logo.png")
    try:
        open(path, "w").close()  # noqa: SIM115
    except FileNotFoundError:
        pass
    else:
        raise AssertionError("the hardened path overwrote another file")
    assert (tmp_path / "7-logo.png").read_text() == "the other user's file"


def test_only_the_helpers_a_module_uses_are_added():
    source = BEFORE.split("@app.post")[0] + (
        '@app.get("/files/{name}")\ndef download(name: str):\n'
        "    return FileResponse(os.path.join(BASE, name))\n"
    )
    finding = finding_at(source, "devsecbots.fastapi.path-traversal", "FileResponse(os.path")
    fixed = apply_fixes({"app.py": source}, [finding]).files["app.py"]
    assert "def _contained_path" in fixed
    assert "_safe_filename" not in fixed and "import re" not in fixed
