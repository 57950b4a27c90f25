"""CSRF codemod: CSRFProtect in the app, token fields in POST forms, flask-wtf in requirements."""

from __future__ import annotations

from devsecbots.nodes.autofix import apply_fixes
from devsecbots.nodes.roles import ROLES

from tests.autofix.helpers import assert_fixed, declined, finding_at

MISSING = "devsecbots.flask.missing-csrf-protection"
DISABLED = "devsecbots.flask.csrf-disabled"

APP = """from flask import Flask, render_template, request

app = Flask(__name__)
app.config["SECRET_KEY"] = "x"


@app.route("/comment", methods=["POST"])
def comment():
    return render_template("done.html", text=request.form["text"])
"""
APP_AFTER = """from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
app.config["SECRET_KEY"] = "x"
csrf = CSRFProtect(app)


@app.route("/comment", methods=["POST"])
def comment():
    return render_template("done.html", text=request.form["text"])
"""
FORM = """<form action="/comment" METHOD='POST'>
    <textarea name="text"></textarea>
</form>
<form method="get"><input name="q"></form>
<form method="post"><input name="one-line"></form>
"""
FORM_AFTER = (
    """<form action="/comment" METHOD='POST'>
    <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
    <textarea name="text"></textarea>
</form>
<form method="get"><input name="q"></form>
<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">"""
    """<input name="one-line"></form>
"""
)


def test_json_api_without_forms_is_declined():
    source = (
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
        '@app.post("/api")\ndef api():\n    return request.json\n'
    )
    reasons = declined(source, [finding_at(source, MISSING, "Flask(__name__)")])
    assert "takes no HTML forms" in reasons[0]


def test_protect_app_templates_and_requirements():
    files = {
        "web/app.py": APP,
        "web/templates/comment.html": FORM,
        "web/requirements.txt": "flask>=3\n",
        "other/templates/x.html": FORM,
    }
    finding = finding_at(APP, MISSING, "Flask(__name__)", path="web/app.py")
    outcome = apply_fixes(files, [finding])
    assert outcome.unfixable == []
    assert outcome.files["web/app.py"] == APP_AFTER
    assert outcome.files["web/templates/comment.html"] == FORM_AFTER
    assert outcome.files["web/requirements.txt"] == "flask>=3\nflask-wtf>=1.2\n"
    assert outcome.files["other/templates/x.html"] == FORM  # another app's templates
    assert outcome.changed == ["web/app.py", "web/requirements.txt", "web/templates/comment.html"]
    again = apply_fixes(outcome.files, [finding])
    assert again.changed == [] and "already" in again.reason(again.unfixable[0])


def test_a_form_whose_method_the_template_chooses_is_declined():
    files = {
        "web/app.py": APP,
        "web/templates/comment.html": FORM,
        "web/templates/search.html": '<form method="{{ method }}" action="/search"></form>\n',
    }
    finding = finding_at(APP, MISSING, "Flask(__name__)", path="web/app.py")
    outcome = apply_fixes(files, [finding])
    assert outcome.changed == []
    assert "takes its method from the template" in outcome.reason(outcome.unfixable[0])


def test_inline_template_and_missing_requirements_file():
    before = '''from flask import Flask, render_template_string

app = Flask(__name__)
PAGE = """<form method="post">
  <input name="q">
</form>"""
'''
    after = '''from flask import Flask, render_template_string
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
csrf = CSRFProtect(app)
PAGE = """<form method="post">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <input name="q">
</form>"""
'''
    outcome = assert_fixed(
        before, after, [finding_at(before, MISSING, "Flask(__name__)", line_shift=1)]
    )
    assert any("add flask-wtf" in note for note in outcome.notes)


def test_csrf_disabled_is_enabled_except_in_tests():
    before = 'app.config["WTF_CSRF_ENABLED"] = False\nWTF_CSRF_ENABLED = False\n'
    after = 'app.config["WTF_CSRF_ENABLED"] = True\nWTF_CSRF_ENABLED = True\n'
    findings = [
        finding_at(before, DISABLED, "app.config"),
        finding_at(before, DISABLED, "WTF_CSRF_ENABLED ="),
    ]
    assert_fixed(before, after, findings)
    test_code = "def make(app):\n    app.config.update(WTF_CSRF_ENABLED=False)\n"
    in_tests = [finding_at(test_code, DISABLED, "update", path="tests/test_app.py")]
    reasons = declined(test_code, in_tests, path="tests/test_app.py")
    assert "test code: not edited" in reasons[0]
    # Even where test code may be edited (--block-tests), the codemod leaves this one alone.
    outcome = apply_fixes({"tests/test_app.py": test_code}, in_tests, edit_roles=ROLES)
    assert outcome.changed == []
    assert "tests disable CSRF on purpose" in outcome.reason(in_tests[0])


def test_factory_app_gets_its_protection_inside_the_factory():
    before = """from flask import Flask, render_template


def create_app():
    app = Flask(__name__)
    app.config.from_mapping(SECRET_KEY="dev")
    app.add_url_rule("/", "home", lambda: render_template("home.html"), methods=["GET", "POST"])
    return app
"""
    after = """from flask import Flask, render_template
from flask_wtf.csrf import CSRFProtect


def create_app():
    app = Flask(__name__)
    app.config.from_mapping(SECRET_KEY="dev")
    app.add_url_rule("/", "home", lambda: render_template("home.html"), methods=["GET", "POST"])
    csrf = CSRFProtect(app)
    return app
"""
    llm = finding_at(
        before, "", "Flask(", cwe="CWE-352", source_name="llm", snippet=False, line_shift=9
    )
    assert_fixed(before, after, [llm])  # LLM: matched by CWE; its line is rough
