"""A random token kept once for everyone and written into every public page is lowered; one kept
per session, shown only behind a sign-in, or never shown is not (published_tokens.py)."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.published_tokens import reassess

TOKEN_MODULE = """
import random
import string

TOKEN_KEY = "app.link_token"


def get_token():
    token = store.get(TOKEN_KEY)
    if not token:
        token = "".join(random.choices(string.ascii_lowercase, k=16))
        store.set(TOKEN_KEY, token, ex=3600)
    return token
"""

PER_SESSION = """
import random
import string


def get_token():
    token = session.get("link_token")
    if not token:
        token = "".join(random.choices(string.ascii_lowercase, k=16))
        session["link_token"] = token
    return token
"""

WRAPPER = """
from flask import Flask, render_template
from app import link_token

app = Flask(__name__)


def render(template_name, **kwargs):
    kwargs["link_token"] = link_token.get_token()
    return render_template(template_name, **kwargs)


@app.route("/")
def index():
    return render("index.html")
"""

DIRECT = """
from flask import Flask, render_template
from app import link_token

app = Flask(__name__)


@app.route("/")
def index():
    return render_template("index.html", link_token=link_token.get_token())
"""

SIGNED_IN = """
from flask import Flask, render_template
from flask_login import login_required
from app import link_token

app = Flask(__name__)


@app.route("/settings")
@login_required
def settings():
    return render_template("settings.html", link_token=link_token.get_token())
"""

BRANCHED = """
from flask import Flask, render_template
from app import link_token

app = Flask(__name__)


def render(template_name, **kwargs):
    if current_user.is_admin:
        kwargs["link_token"] = link_token.get_token()
    return render_template(template_name, **kwargs)


@app.route("/")
def index():
    return render("index.html")
"""

NOT_SHOWN = """
from flask import Flask, render_template, request, abort
from app import link_token

app = Flask(__name__)


@app.route("/ping/<token>")
def ping(token):
    if token != link_token.get_token():
        abort(403)
    return render_template("index.html")
"""


def _lowered(token_module: str, views: str) -> bool:
    files = {
        "app/link_token.py": textwrap.dedent(token_module),
        "app/webapp.py": textwrap.dedent(views),
    }
    line = next(
        n for n, text in enumerate(files["app/link_token.py"].splitlines(), 1) if "random." in text
    )
    finding = make_finding(
        source="semgrep",
        rule_id="devsecbots.python.weak-random",
        severity="medium",
        confidence="medium",
        file="app/link_token.py",
        line=line,
        title="weak random",
    )
    return reassess([finding], files)[0]["confidence"] == "low"


@pytest.mark.parametrize("views", [WRAPPER, DIRECT])
def test_a_shared_token_written_into_every_public_page_is_lowered(views):
    assert _lowered(TOKEN_MODULE, views)


@pytest.mark.parametrize("views", [SIGNED_IN, BRANCHED, NOT_SHOWN])
def test_a_shared_token_not_shown_to_everyone_keeps_its_finding(views):
    assert not _lowered(TOKEN_MODULE, views)


@pytest.mark.parametrize("views", [WRAPPER, DIRECT])
def test_a_per_session_token_keeps_its_finding_even_when_shown(views):
    assert not _lowered(PER_SESSION, views)
