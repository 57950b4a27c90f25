"""Imports land where a person would put them; long edited calls are split; name clashes decline."""

from __future__ import annotations

import libcst as cst
import pytest
from devsecbots.nodes.autofix.decline import Decline
from devsecbots.nodes.autofix.imports import ensure_import
from devsecbots.nodes.autofix.layout import reflow

from tests.autofix.helpers import bandit, declined


def added(source: str, name: str, origin: str | None = None) -> str:
    return ensure_import(cst.parse_module(source), name, origin).code


def test_plain_import_joins_the_standard_library_section():
    source = (
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\nimport sys\n\nimport flask\n'
    )
    assert added(source, "secrets") == (
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n'
        "import secrets\nimport sys\n\nimport flask\n"
    )


def test_third_party_from_import_goes_last_and_merges_when_it_fits():
    source = "import os\n\nfrom flask import Flask, request\n"
    assert added(source, "werkzeug.utils" and "secure_filename", "werkzeug.utils") == (
        "import os\n\nfrom flask import Flask, request\n"
        "from werkzeug.utils import secure_filename\n"
    )
    assert (
        added(source, "abort", "flask") == "import os\n\nfrom flask import Flask, abort, request\n"
    )
    long_line = (
        "from flask import Flask, flash, redirect, render_template, request, send_from_directory, "
        "url_for\n"
    )
    assert added(long_line, "abort", "flask") == long_line + "from flask import abort\n"


def test_parenthesised_import_gets_a_new_line():
    source = "from flask import (\n    Flask,\n    request,\n)\n"
    assert (
        added(source, "abort", "flask")
        == "from flask import (\n    Flask,\n    abort,\n    request,\n)\n"
    )


def test_first_import_after_the_docstring_and_new_sections():
    assert added('"""Doc."""\nX = 1\n', "os") == '"""Doc."""\n\nimport os\n\nX = 1\n'
    assert added("import flask\n", "os") == "import os\n\nimport flask\n"
    assert added("import os\n", "yaml") == "import os\n\nimport yaml\n"
    assert (
        added("import os as system\nimport yaml\n", "yaml") == "import os as system\nimport yaml\n"
    )


def test_a_name_used_for_something_else_declines():
    with pytest.raises(Decline, match="'secrets' is already used"):
        added("secrets = {}\n", "secrets")
    source = 'from flask import Flask\n\nos = load()\napp = Flask(__name__)\napp.secret_key = "x"\n'
    assert "'os' is already used" in declined(source, bandit(source, "B105"))[0]


def test_reflow_splits_only_calls_the_fix_made_too_long():
    original = (
        "def main():\n    app.run(host=HOST, port=5000, debug=True)\n    keep(" + "x, " * 31 + ")\n"
    )
    assert max(len(line) for line in original.splitlines()) == 103  # the file's own limit
    debug = "os.environ.get('FLASK_DEBUG', '').lower() not in ('', '0', 'false', 'no')"
    edited = original.replace(
        "host=HOST", "host=os.environ.get('FLASK_RUN_HOST', '127.0.0.1')"
    ).replace("debug=True", f"debug={debug}")
    assert reflow(edited, original) == edited.replace(
        "    app.run(host=os.environ.get('FLASK_RUN_HOST', '127.0.0.1'), port=5000, "
        f"debug={debug})\n",
        "    app.run(\n"
        "        host=os.environ.get('FLASK_RUN_HOST', '127.0.0.1'),\n        port=5000,\n"
        f"        debug={debug},\n    )\n",
    )
