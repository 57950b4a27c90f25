"""Checklist codemods, vulnerable/fixed twins: Flask-Limiter, HTTPS and header hooks, session
cookie flags, send_file(join) -> send_from_directory, uploads served as attachments."""

from __future__ import annotations

from pathlib import Path

from devsecbots.nodes.analyzers.flask_checklist import RATE_LIMIT, project_findings
from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import assert_fixed, declined, finding_at

FIXTURES = Path(__file__).parent / "fixtures"
TRAVERSAL = "devsecbots.flask.path-traversal"
INLINE = "devsecbots.flask.upload-served-inline"


def test_whole_checklist_fixed_in_one_pass():
    before = (FIXTURES / "checklist_before.py").read_text()
    after = (FIXTURES / "checklist_after.py").read_text()
    files = {"app.py": before, "requirements.txt": "flask==3.1.1\n"}
    found = [*project_findings(files), finding_at(before, TRAVERSAL, "send_file(", cwe="CWE-22")]
    assert len(found) == 7  # 2 routes, HSTS, framing, nosniff, session cookie, traversal
    outcome = apply_fixes(files, found)
    assert [outcome.reason(f) for f in outcome.unfixable] == []
    assert outcome.files["app.py"] == after
    assert outcome.files["requirements.txt"] == "flask==3.1.1\nflask-limiter>=3.5\n"
    assert project_findings(outcome.files) == []
    assert apply_fixes(outcome.files, found).changed == []  # stale findings: nothing more to do


def test_factory_app_gets_the_limiter_and_hooks_inside_the_factory():
    source = (
        "from flask import Flask, request\n\n\n"
        "def create_app():\n"
        "    app = Flask(__name__)\n\n"
        '    @app.post("/upload")\n'
        "    def upload():\n"
        '        return request.files["f"].filename\n\n'
        "    return app\n"
    )
    outcome = apply_fixes({"app.py": source}, project_findings({"app.py": source}))
    fixed = outcome.files["app.py"]
    assert outcome.unfixable == [] and project_findings(outcome.files) == []
    assert "    limiter = Limiter(\n        get_remote_address," in fixed
    assert "\n\n    @app.after_request\n    def set_security_headers(response):" in fixed
    assert (
        '    @app.post("/upload")\n    @limiter.limit("10 per minute", methods=["POST"])' in fixed
    )
    assert "add flask-limiter>=3.5 to the project's dependencies" in " ".join(outcome.notes)
    assert all(line == line.rstrip() for line in fixed.splitlines())


def test_existing_limiter_only_gets_route_decorators():
    source = (
        "from flask import Flask\n"
        "from flask_limiter import Limiter\n"
        "from flask_limiter.util import get_remote_address\n\n"
        "app = Flask(__name__)\n"
        "rl = Limiter(get_remote_address, app=app)\n\n\n"
        '@app.route("/a", methods=["PUT", "GET"])\n'
        "def a():\n"
        '    return "a"\n'
    )
    after = source.replace("def a():", '@rl.limit("10 per minute", methods=["PUT"])\ndef a():')
    found = [f for f in project_findings({"app.py": source}) if f["rule_id"] == RATE_LIMIT]
    outcome = assert_fixed(source, after, found)
    assert outcome.notes[0] == "app.py: rate limit: 10 per minute on 1 state-changing route(s)"
    assert "add flask-limiter>=3.5" in outcome.notes[1]  # no requirements.txt to edit


def test_route_in_a_module_without_the_app_is_declined_with_a_reason():
    views = (
        "from flask import Blueprint\n\nbp = Blueprint('b', __name__)\n\n\n"
        "@bp.post('/x')\ndef x():\n    return 'x'\n"
    )
    files = {"views.py": views, "app.py": "from flask import Flask\napp = Flask(__name__)\n"}
    found = [f for f in project_findings(files) if f["rule_id"] == RATE_LIMIT]
    [reason] = declined(views, found, path="views.py")
    assert "created in another module" in reason


def test_weak_session_cookie_values_are_switched_on():
    source = (
        "from flask import Flask, session\n\n"
        "app = Flask(__name__)\n"
        'app.config["SESSION_COOKIE_SECURE"] = False\n'
        'app.config["SESSION_COOKIE_SAMESITE"] = None\n'
    )
    after = (
        "import os\n\n"
        "from flask import Flask, session\n\n"
        "app = Flask(__name__)\n"
        'app.config["SESSION_COOKIE_SECURE"] = os.environ.get("SESSION_COOKIE_SECURE", "1") '
        '!= "0"\n'
        'app.config["SESSION_COOKIE_SAMESITE"] = "Lax"\n'
        "app.config.update(\n"
        "    SESSION_COOKIE_HTTPONLY=True,\n"
        ")\n"
    )
    found = [f for f in project_findings({"app.py": source}) if "session" in f["rule_id"]]
    assert len(found) == 1
    assert_fixed(source, after, found)


def test_send_file_join_becomes_send_from_directory():
    head = "import os\n\nfrom flask import Flask, {}\n\napp = Flask(__name__)\n\n\n"
    view = '@app.route("/f/<a>/<b>")\ndef f(a, b):\n    return {}\n'
    source = head.format("send_file") + view.format(
        'send_file(os.path.join("/srv", a, b), as_attachment=True)'
    )
    after = head.format("send_from_directory") + view.format(
        'send_from_directory(os.path.join("/srv", a), b, as_attachment=True)'
    )
    assert_fixed(source, after, [finding_at(source, TRAVERSAL, "send_file(", cwe="CWE-22")])


def test_other_path_traversal_shapes_are_declined():
    source = (
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
        '@app.route("/r")\ndef r():\n    return open(request.args["p"]).read()\n'
    )
    [reason] = declined(source, [finding_at(source, TRAVERSAL, "open(", cwe="CWE-22")])
    assert "send_file(os.path.join(folder, name))" in reason


def test_uploads_are_served_as_attachments_unless_safe_images():
    head = "from flask import Flask, send_from_directory\n\napp = Flask(__name__)\n\n\n"
    view = '@app.route("/uploads/<name>")\ndef uploaded(name):\n    return {}\n'
    source = head + view.format('send_from_directory(app.config["UPLOAD_FOLDER"], name)')
    after = (
        "import mimetypes\n\n"
        + head
        + 'INLINE_SAFE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})'
        + "\n\n\n"
        + view.format(
            "send_from_directory(\n"
            '        app.config["UPLOAD_FOLDER"],\n'
            "        name,\n"
            "        as_attachment=mimetypes.guess_type(name)[0] not in INLINE_SAFE_TYPES,\n"
            "    )"
        )
    )
    assert_fixed(source, after, [finding_at(source, INLINE, "send_from_directory(app")])


def _hardened_app(monkeypatch, force_https: str | None):
    """The security-headers codemod's output for a minimal app, imported with FORCE_HTTPS set."""
    source = (
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        '@app.get("/")\ndef home():\n    return "hi"\n'
    )
    found = [f for f in project_findings({"app.py": source}) if f["rule_id"] != RATE_LIMIT]
    fixed = apply_fixes({"app.py": source}, found).files["app.py"]
    if force_https is None:
        monkeypatch.delenv("FORCE_HTTPS", raising=False)
    else:
        monkeypatch.setenv("FORCE_HTTPS", force_https)
    scope: dict = {"__name__": "hardened"}
    exec(compile(fixed, "app.py", "exec"), scope)
    return scope["app"]


def test_https_redirect_is_opt_in_and_hsts_is_always_sent(monkeypatch):
    # Behind a TLS proxy that sends no X-Forwarded-Proto every request looks like plain http:
    # a redirect on by default would loop, HSTS (ignored by browsers on plain http) cannot.
    app = _hardened_app(monkeypatch, None)
    plain = app.test_client().get("/", base_url="http://example.org")
    assert plain.status_code == 200
    assert plain.headers["Strict-Transport-Security"].startswith("max-age=")


def test_https_redirect_when_the_operator_asks_for_it(monkeypatch):
    app = _hardened_app(monkeypatch, "1")
    client = app.test_client()
    plain = client.get("/", base_url="http://example.org")
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    proxied = client.get("/", base_url="http://example.org", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
