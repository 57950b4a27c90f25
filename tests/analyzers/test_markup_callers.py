"""Markup of a helper's parameter: low only when every call the project makes passes the
application's own data; any caller that cannot be seen, or may pass outside data, keeps it."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.nodes.analyzers import analyze

HELPER = """\
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)


def box(text):
    return Markup('<div class="box">%s</div>' % text)
"""


def markup_confidence(caller: str, extra: dict[str, str] | None = None) -> str:
    """The confidence of the B704 finding on the helper, with `caller` in another module."""
    files = {
        "app/helpers.py": HELPER,
        "app/views.py": "from app.helpers import box, app\n" + textwrap.dedent(caller),
        **(extra or {}),
    }
    found = [f for f in analyze(files, ["bandit"], cache=None).findings if f["rule_id"] == "B704"]
    assert len(found) == 1, found
    return found[0]["confidence"]


@pytest.mark.parametrize(
    "caller",
    [
        'def notice():\n    return box(app.config["NOTICE"])\n',
        'def notice():\n    return box(text="Maintenance tonight")\n',
        # followed one caller further: the caller's own parameter, filled with a setting
        "def notice(message):\n    return box(message)\n\ndef banner():\n"
        '    return notice(app.config["BANNER"])\n',
    ],
)
def test_every_caller_passes_application_data(caller):
    assert markup_confidence(caller) == "low"


@pytest.mark.parametrize(
    "caller",
    [
        # request data
        '@app.route("/n")\ndef notice():\n    return box(request.args["t"])\n',
        # one safe caller, one that passes request data
        'def a():\n    return box("x")\n\n@app.route("/b")\ndef b():\n'
        '    return box(request.form["t"])\n',
        # a parameter that comes from outside the project (nobody calls notice)
        "def notice(message):\n    return box(message)\n",
        # arguments that cannot be told
        "def notice(parts):\n    return box(*parts)\n",
        # the helper used as a value: whoever receives it calls it
        'app.jinja_env.filters["box"] = box\n',
        # nobody calls it
        "VERSION = 1\n",
    ],
)
def test_a_caller_that_may_pass_outside_data_keeps_it_blocking(caller):
    assert markup_confidence(caller) != "low"


def test_a_template_that_names_it_keeps_it_blocking():
    caller = 'def notice():\n    return box(app.config["NOTICE"])\n'
    template = {"app/templates/page.html": "<p>{{ box(user.bio) }}</p>\n"}
    assert markup_confidence(caller, template) != "low"


def test_a_template_filter_keeps_it_blocking():
    filter_ = HELPER.replace("def box(", '@app.template_filter("box")\ndef box(')
    files = {
        "app/helpers.py": filter_,
        "app/views.py": 'from app.helpers import box, app\nbox(app.config["N"])\n',
    }
    found = [f for f in analyze(files, ["bandit"], cache=None).findings if f["rule_id"] == "B704"]
    assert [f["confidence"] for f in found] == ["high"]


TAG = """\
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def fa_class(class_name="", icon_type="fas", fixed_width=True):
    css = f"{icon_type} fa-{class_name}"
    if fixed_width:
        css += " fa-fw"
    return mark_safe(css)
"""


def tag_confidence(*templates: str) -> str:
    """The confidence of the B703 finding on the simple tag, used by `templates`."""
    files = {"app/templatetags/icons.py": TAG}
    files |= {f"app/templates/page{i}.html": text for i, text in enumerate(templates)}
    found = [f for f in analyze(files, ["bandit"], cache=None).findings if f["rule_id"] == "B703"]
    assert len(found) == 1, found
    return found[0]["confidence"]


def test_a_simple_tag_given_only_literals_by_the_templates_is_low():
    page = (
        "{% load icons %}<span class=\"{% fa_class 'trash' %}\"></span>\n"
        '<i class="{% fa_class "plus" icon_type=\'far\' fixed_width=False %}"></i>\n'
        "{% fa_class _('x') as icon %}{% fa_class %}\n"
    )
    assert tag_confidence(page) == "low"


@pytest.mark.parametrize(
    "page",
    [
        # a context variable: whatever the view (or the request) put there
        "{% for p in providers %}<i class=\"{% fa_class p.id icon_type='fab' %}\"></i>{% endfor %}",
        "<i class=\"{% fa_class 'x' icon_type=kind %}\"></i>",
        '<i class="{% fa_class name|lower %}"></i>',
        # named other than as the tag: cannot be told
        "<i class=\"{{ fa_class(request.args['c']) }}\"></i>",
    ],
)
def test_a_simple_tag_given_anything_else_keeps_it_blocking(page):
    literal = "<span class=\"{% fa_class 'trash' %}\"></span>\n"
    assert tag_confidence(literal, page) != "low"


SOCIAL = (
    "{{% load i18n socialaccount icons %}}{{% get_providers as providers %}}\n"
    "{{% for provider in providers %}}<i class=\"{{% fa_class {value} icon_type='fab' %}}\"></i>"
    "{{{{ provider.name }}}}{{% endfor %}}\n{after}"
)


@pytest.mark.parametrize(
    ("value", "after", "low"),
    [
        # allauth's installed providers: each id is a constant of its provider class
        ("provider.id", "", True),
        # its name may come from a SocialApp row an administrator edits
        ("provider.name", "", False),
        # the same name rebound, or used outside the loop: not the provider's id
        ("provider.id", "{% with provider=request.GET.p %}{% endwith %}", False),
        ("'x'", "{% fa_class provider.id %}", False),
    ],
)
def test_an_allauth_provider_id_counts_as_configuration(value, after, low):
    page = SOCIAL.format(value=value, after=after)
    assert (tag_confidence(page) == "low") is low


def test_a_provider_id_without_allauths_tag_library_keeps_it_blocking():
    page = SOCIAL.format(value="provider.id", after="").replace(" socialaccount", "")
    assert tag_confidence(page) != "low"


def test_a_simple_tag_no_template_uses_keeps_it_blocking():
    assert tag_confidence("<p>nothing</p>") != "low"


LABEL_TAG = """\
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def formlabel(field, label_text):
    return mark_safe(f'<label for="{field.%s}">{label_text}</label>')
"""


@pytest.mark.parametrize(
    ("attribute", "page", "low"),
    [
        # the field's own id (form prefix + field name) and a literal label: code-owned
        ("id_for_label", '{% formlabel form.url "URL" %}', True),
        # the field's value is what the user sent, the label a context variable
        ("value", '{% formlabel form.url "URL" %}', False),
        ("id_for_label", "{% formlabel form.url bookmark.title %}", False),
    ],
)
def test_a_bound_fields_own_id_is_code_owned(attribute, page, low):
    files = {"app/templatetags/forms.py": LABEL_TAG % attribute, "app/templates/f.html": page}
    found = [f for f in analyze(files, ["bandit"], cache=None).findings if f["rule_id"] == "B703"]
    assert [f["confidence"] == "low" for f in found] == [low]
