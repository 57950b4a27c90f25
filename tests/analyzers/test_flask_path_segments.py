"""A Flask URL segment as a path's last component, read in Python (flask_path_segments.py)."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.flask_path_segments import segment_reason

HEADER = "import os\nfrom flask import Flask, request, send_file\napp = Flask(__name__)\n"


def reason(body: str) -> str:
    """segment_reason at the line marked `# here`."""
    source = HEADER + textwrap.dedent(body)
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "# here" in text)
    return segment_reason(ast.parse(source), line)


@pytest.mark.parametrize(
    "body",
    [
        'return send_file(os.path.join("/srv", name))  # here',
        'return send_file(f"/srv/{name}.txt")  # here',
        'name = name\n    return open(os.path.join("/srv", name)).read()  # here',
        'os.remove(os.path.join(BASE, name))  # here\n    return ""',
    ],
)
def test_a_last_segment_is_read_as_confined(body):
    assert "one URL segment" in reason(f'@app.route("/f/<name>")\ndef f(name):\n    {body}\n')


@pytest.mark.parametrize(
    "route, body",
    [
        ("/f/<path:name>", 'return send_file(os.path.join("/srv", name))  # here'),
        ("/f/<name>", 'return send_file(os.path.join("/srv", name, "x"))  # here'),
        ("/f/<name>", 'return send_file(os.path.join(request.args["d"], name))  # here'),
        ("/f/<name>", 'return send_file(os.path.join("/srv", name + request.args["e"]))  # here'),
        ("/f/<name>", 'name = name.replace("_", "/")\n    return send_file(BASE + name)  # here'),
        ("/f/<name>", "name = unquote(name)\n    return open(os.path.join(BASE, name))  # here"),
        ("/f/<name>", 'return str(os.listdir(os.path.join("/srv", name)))  # here'),
        ("/f/<name>", 'return str(os.path.exists(os.path.join("/srv", name)))  # here'),
    ],
)
def test_other_paths_keep_the_finding(route, body):
    assert reason(f'@app.route("{route}")\ndef f(name):\n    {body}\n') == ""


def test_a_module_that_redefines_the_plain_converter_keeps_the_finding():
    body = 'return send_file(os.path.join("/srv", name))  # here'
    view = f'@app.route("/f/<name>")\ndef f(name):\n    {body}\n'
    assert reason(view)
    redefined = 'app.url_map.converters["default"] = PathConverter\n' + view
    assert reason(redefined) == ""


ISFILE_X = 'return str(os.path.isfile(os.path.join(folder, "x.deflate")))  # here'
# (route, safe body, unsafe body): segments that only climb back over fixed names stay inside
# the path's first component (confined_paths.py), for any of the rule's calls
CONFINED_TWINS = [
    (
        "/u/<name>",
        'return send_file(os.path.join(BASE, "users", name, "avatar.png"))  # here',
        'return send_file(os.path.join(BASE, name, "avatar.png"))  # here',
    ),
    (
        "/u/<name>",
        'return str(os.path.exists(os.path.join("/srv", "u", name, "a.png")))  # here',
        'return str(os.path.exists(os.path.join("/srv", name, "a.png")))  # here',
    ),
    (
        "/u/<name>/<int:page>",
        'return open(f"{BASE}/u/{name}/{page}.txt").read()  # here',
        'return open(f"{BASE}/{name}/{page}.txt").read()  # here',
    ),
    (
        "/u/<name>",
        'folder = os.path.join(BASE, "u", name)\n    ' + ISFILE_X,
        "folder = os.path.join(BASE, name)\n    " + ISFILE_X,
    ),
]


@pytest.mark.parametrize("route, safe, unsafe", CONFINED_TWINS)
def test_segments_below_fixed_names_are_confined(route, safe, unsafe):
    assert "stays inside" in reason(f'@app.route("{route}")\ndef f(name, page=0):\n    {safe}\n')
    assert reason(f'@app.route("{route}")\ndef f(name, page=0):\n    {unsafe}\n') == ""


@pytest.mark.parametrize(
    "route, body",
    [
        ("/u/<path:name>", 'return send_file(os.path.join(BASE, "u", name, "a.png"))  # here'),
        ("/u/<name>", 'return send_file(os.path.join(BASE, "u", name, request.args["f"]))  # here'),
        ("/u", 'return send_file(os.path.join(BASE, "u", request.args["n"], "a.png"))  # here'),
        ("/u/<name>", 'shutil.rmtree(os.path.join(BASE, "u", name))  # here'),
        ("/u/<name>", 'return send_file(os.path.join(BASE, "u", name, "..", "a.png"))  # here'),
    ],
)
def test_unconfined_paths_keep_the_finding(route, body):
    assert reason(f'@app.route("{route}")\ndef f(name=""):\n    {body}\n') == ""
