"""Template sources the application writes itself: no template injection (template_text.py)."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.nodes.analyzers.project_trees import parse_files
from devsecbots.nodes.analyzers.template_text import CodeText

PANELS = """\
class PanelForm:
    def panel(self):
        output = ""
        if self.watch.get("tags"):
            output = f"<p>Overridden by a tag</p><style>#x {{ opacity: 0.6; }}</style>"
        output += "{% from '_helpers.html' import render_field %}{{ render_field(form.a) }}"
        return output

class OtherForm:
    def panel(self):
        return None

class ThirdForm:
    def panel(self):
        return _("<p>%s</p>") % "{{ form.b }}"
"""


def owned(view: str, helpers: str = PANELS) -> bool:
    files = {"app/forms.py": helpers, "app/views.py": textwrap.dedent(view)}
    lines = files["app/views.py"].splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "from_string(" in t)
    text = CodeText(parse_files(files))
    return text.sink_sources_owned({"file": "app/views.py", "line": line})  # type: ignore[typeddict-item]


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        # constants and what project methods returning only literal text return
        ("def v(form, env):\n    env.from_string(form.panel())\n", True),
        (
            "def v(form, env):\n    src = '{% block a %}'\n    src += form.panel()\n"
            "    env.from_string(src)\n",
            True,
        ),
        # a parameter, request data, an attribute, a file, escaped request text
        ("def v(src, env):\n    env.from_string('<p>' + src)\n", False),
        ("def v(env):\n    env.from_string(request.form['tpl'])\n", False),
        ("def v(form, env):\n    env.from_string(form.template.data)\n", False),
        ("def v(env):\n    env.from_string(open('t.html').read())\n", False),
        ("def v(env):\n    env.from_string(escape(request.args['t']))\n", False),
        ("def v(form, env):\n    env.from_string(form.unknown())\n", False),
    ],
)
def test_a_template_source_is_code_owned_only_when_every_part_is(view, expected):
    assert owned(view) is expected


def test_one_definition_returning_stored_text_keeps_it():
    helpers = PANELS + "\nclass Fourth:\n    def panel(self):\n        return self.watch['tpl']\n"
    assert not owned("def v(form, env):\n    env.from_string(form.panel())\n", helpers)


def test_a_method_name_files_carry_is_not_the_projects():
    helpers = PANELS + "\nclass Fixed:\n    def read(self):\n        return '<p>fixed</p>'\n"
    view = "def v(env):\n    env.from_string(open(request.args['t']).read())\n"
    assert not owned(view, helpers)
    assert owned("def v(f, env):\n    env.from_string(f.panel())\n", helpers)
