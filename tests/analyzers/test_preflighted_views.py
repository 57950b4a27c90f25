"""CSRF exemptions of views only a CORS-preflighted request reaches (PUT/PATCH/DELETE only, or a
strict JSON body read first) are kept at low confidence; form-reachable siblings, forced or
silent JSON reads, a decorator reading the form, credentialed CORS and a method override block."""

from __future__ import annotations

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.preflighted_views import RULES, reassess

VIEWS = """\
from flask import Blueprint, request
from flask_seasurf import SeaSurf

csrf = SeaSurf()
api = Blueprint("api", __name__)


def basic_auth(f):
    def inner(*args, **kwargs):
        user = check(request.headers.get("Authorization"))
        return f(*args, **kwargs)
    return inner


def form_scope(f):
    def inner(*args, **kwargs):
        g.scope = request.form.get("scope")
        return f(*args, **kwargs)
    return inner


@api.route("/users/<int:user_id>", methods=["DELETE"])
@basic_auth
@csrf.exempt
def delete_user(user_id):
    User.delete(user_id)
    return "", 204


@api.route("/users/<int:user_id>", methods=["PUT"])
@api.route("/users/<int:user_id>/edit", methods=["PATCH"])
@basic_auth
@csrf.exempt
def update_user(user_id):
    User.update(user_id, request.form)
    return ""


@api.route("/users", methods=["POST"])
@basic_auth
@csrf.exempt
def create_user():
    \"\"\"Create a user.\"\"\"
    if current_user.role.name not in ["Administrator"]:
        raise Forbidden("{} may not".format(current_user.name))
    data = request.get_json() or {}
    User.create(data["name"])
    return "", 201


@api.route("/keys", methods=["POST"])
@basic_auth
@csrf.exempt
def create_key():
    key = ApiKey(request.json["role"])
    db.session.add(key)
    return ""


@api.route("/zones", methods=["POST"])
@basic_auth
@csrf.exempt
def create_zone():
    forward(request.get_json(force=True))
    return ""


@api.route("/accounts", methods=["POST"])
@basic_auth
@csrf.exempt
def create_account():
    data = request.get_json(silent=True) or {}
    Account.create(data.get("name", "default"))
    return ""


@api.route("/records", methods=["POST"])
@basic_auth
@csrf.exempt
def create_record():
    data = request.get_json() if request.is_json else request.form
    Record.create(data["name"])
    return ""


@api.route("/logs", methods=["POST"])
@basic_auth
@csrf.exempt
def clear_logs():
    Log.clear()
    data = request.get_json()
    return ""


@api.route("/scoped", methods=["POST"])
@form_scope
@csrf.exempt
def scoped():
    data = request.get_json()
    Scope.create(data)
    return ""


@api.route("/users/<int:user_id>", methods=["POST", "DELETE"])
@csrf.exempt
def post_or_delete(user_id):
    User.delete(user_id)
    return ""
"""


def _confidence(line: int, source: str = VIEWS, extra: dict[str, str] | None = None) -> str:
    finding = make_finding(
        severity="medium",
        file="api.py",
        line=line,
        title="CSRF protection disabled",
        source="semgrep",
        rule_id=next(iter(RULES)),
        confidence="high",
    )
    files = {"api.py": source, **(extra or {})}
    return reassess([finding], files)[0]["confidence"]


def _line(text: str, source: str = VIEWS) -> int:
    return source.splitlines().index(text) + 1


LOW = ["def delete_user(user_id):", "def update_user(user_id):", "def create_user():"]
LOW += ["def create_key():"]
BLOCKING = ["def create_zone():", "def create_account():", "def create_record():"]
BLOCKING += ["def clear_logs():", "def scoped():", "def post_or_delete(user_id):"]


@pytest.mark.parametrize("view", LOW)
def test_views_only_a_preflighted_request_reaches_are_low(view):
    assert _confidence(_line(view)) == "low"


@pytest.mark.parametrize("view", BLOCKING)
def test_views_a_cross_site_form_reaches_still_block(view):
    assert _confidence(_line(view)) == "high"


@pytest.mark.parametrize(
    "setup",
    [
        "from flask_cors import CORS\nCORS(app, supports_credentials=True)\n",
        'app.config["CORS_SUPPORTS_CREDENTIALS"] = True\n',
        'CORS(app, resources={r"/api/*": {"origins": "*", "supports_credentials": True}})\n',
        '@app.after_request\ndef cors(r):\n    r.headers["Access-Control-Allow-Credentials"] = '
        '"true"\n    return r\n',
    ],
)
def test_credentialed_cors_keeps_them_blocking(setup):
    for view in LOW:
        assert _confidence(_line(view), extra={"app.py": setup}) == "high"


def test_cors_without_credentials_does_not():
    setup = "from flask_cors import CORS\nCORS(app, supports_credentials=False)\n"
    assert _confidence(_line("def create_user():"), extra={"app.py": setup}) == "low"


def test_a_method_override_keeps_the_methods_argument_from_counting():
    setup = 'def override(environ):\n    return request.form.get("_method")\n'
    assert _confidence(_line("def delete_user(user_id):"), extra={"app.py": setup}) == "high"
    assert _confidence(_line("def create_user():"), extra={"app.py": setup}) == "low"


def test_a_request_class_that_forgives_non_json_bodies_keeps_the_json_read_from_counting():
    setup = (
        "from flask import Request\n"
        "class LenientRequest(Request):\n"
        "    def on_json_loading_failed(self, e):\n"
        "        return {}\n"
    )
    assert _confidence(_line("def create_user():"), extra={"app.py": setup}) == "high"
    assert _confidence(_line("def delete_user(user_id):"), extra={"app.py": setup}) == "low"


GATED = """\
from flask import Blueprint, request
from flask_seasurf import SeaSurf

csrf = SeaSurf()
api = Blueprint("api", __name__)
web = Blueprint("web", __name__)


def is_json(f):
    def inner(*args, **kwargs):
        if request.method in ["POST", "PUT", "PATCH"]:
            if not request.is_json:
                raise NotJson()
        return f(*args, **kwargs)
    return inner


def logged(f):
    def inner(*args, **kwargs):
        log(request.path)
        return f(*args, **kwargs)
    return inner


@api.before_request
@is_json
def api_hook():
    return None


@web.before_request
@logged
def web_hook():
    return None


@api.route("/zones", methods=["POST"])
@csrf.exempt
def create_zone():
    forward(request.get_json(force=True))
    return ""


@api.route("/zones/sync", methods=["GET", "POST"])
@csrf.exempt
def sync_zones():
    forward(request.get_json(force=True))
    return ""


@web.route("/zones", methods=["POST"])
@csrf.exempt
def web_create_zone():
    forward(request.get_json(force=True))
    return ""


@web.route("/records", methods=["POST"])
@is_json
@csrf.exempt
def web_create_record():
    forward(request.get_json(force=True))
    return ""
"""


def test_a_hook_refusing_non_json_requests_lowers_the_exemption():
    assert _confidence(_line("def create_zone():", GATED), GATED) == "low"
    assert _confidence(_line("def web_create_record():", GATED), GATED) == "low"


def test_a_method_the_gate_leaves_out_or_a_hook_without_the_gate_still_blocks():
    assert _confidence(_line("def sync_zones():", GATED), GATED) == "high"
    assert _confidence(_line("def web_create_zone():", GATED), GATED) == "high"


def test_a_gate_covering_only_some_methods_does_not_count_under_a_method_override():
    setup = 'def override(environ):\n    return request.form.get("_method")\n'
    line = _line("def create_zone():", GATED)
    assert _confidence(line, GATED, extra={"app.py": setup}) == "high"
