"""Markup / mark_safe in a form widget's render method: the protocol says what each parameter is."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.markup_provenance import markup_reason

WTFORMS = """\
from markupsafe import Markup
from wtforms import Field
from wtforms.widgets import html_params

class RadioRow:
    def __call__(self, field, **kwargs):
        field_id = kwargs.pop("id", field.id)
        html = [f"<table {html_params(**kwargs)}>"]
        for sub in field:
            html.append(f"<tr><td>{sub}</td><th>{sub.label}</th><td>{field.label()}</td></tr>")
        html.append(f'<input name="{field.name}" id="{field_id}" value="%s">')
        return Markup("".join(html))
"""

DJANGO = """\
from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

class Base(forms.TextInput):
    pass

class Autocomplete(Base):
    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        shown = %s
        return mark_safe(f'<x-auto name="{name}" id="{final.get("id")}" value="{shown}">')
"""


def reason(source: str, test_id: str) -> str:
    sink = "Markup(" if test_id == "B704" else "mark_safe("
    line = next(i for i, text in enumerate(source.splitlines(), 1) if sink in text)
    return markup_reason(test_id, ast.parse(textwrap.dedent(source)), line)


@pytest.mark.parametrize(
    ("value", "lowered"),
    [
        ('"checked" if field.data else ""', True),  # the value only tested
        ("field.data", False),  # the user's value, inserted as it is
        ("field._value()", False),
        ("field.raw_data[0]", False),
        ('", ".join(field.errors)', False),
        ("sub.data", False),  # a subfield's value
    ],
)
def test_a_wtforms_widget_field_is_code_owned_but_its_value(value, lowered):
    source = WTFORMS.replace('value="%s"', 'value="{' + value + '}"')
    if value.startswith("sub."):
        source = source.replace("{sub}</td>", "{" + value + "}</td>")
        source = source.replace('value="{sub.data}"', 'value=""')
    assert bool(reason(source, "B704")) is lowered


def test_without_wtforms_a_call_method_keeps_its_parameter():
    source = WTFORMS.replace("from wtforms import Field\n", "").replace(
        "from wtforms.widgets import html_params\n", "from helpers import html_params\n"
    )
    assert reason(source.replace('value="%s"', 'value=""'), "B704") == ""


@pytest.mark.parametrize(
    ("shown", "lowered"),
    [("escape(value) if value else ''", True), ("value", False), ("str(value)", False)],
)
def test_a_django_widget_name_and_attrs_are_the_forms_its_value_the_users(shown, lowered):
    assert bool(reason(DJANGO % shown, "B703")) is lowered


def test_a_render_method_of_no_django_widget_keeps_its_parameters():
    source = (DJANGO % "escape(value)").replace("class Base(forms.TextInput)", "class Base")
    assert reason(source, "B703") == ""


@pytest.mark.parametrize(
    ("prefix", "lowered"),
    [
        ("request.script_root if hasattr(request, 'script_root') else ''", True),
        ("request.path", False),
        ("request.args.get('root', '')", False),
    ],
)
def test_the_deployments_script_root_is_not_the_visitors(prefix, lowered):
    source = (
        "from flask import request, url_for\nfrom markupsafe import Markup\n"
        "def icon(name):\n"
        f"    root = {prefix}\n"
        '    return Markup(f\'<img src="{root}/static/{url_for("x")}">\')\n'
    )
    assert bool(reason(source, "B704")) is lowered
