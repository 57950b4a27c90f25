"""Markup / mark_safe judged by where their HTML comes from; B701 when no HTML is rendered."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.analyzers.jinja_environment import is_markup_template, plain_text_reason
from devsecbots.nodes.analyzers.markup_provenance import markup_reason

SAFE = "the HTML is built only from constants and escaped or encoded values"
OWN = "own data"
BLOCKS = ""


def verdict(source: str) -> str:
    """SAFE, OWN or BLOCKS for the first Markup( / mark_safe( line of `source`."""
    source = textwrap.dedent(source)
    test_id = "B703" if "mark_safe(" in source else "B704"
    sink = "mark_safe(" if test_id == "B703" else "Markup("
    line = next(i for i, text in enumerate(source.splitlines(), 1) if sink in text)
    reason = markup_reason(test_id, ast.parse(source), line)
    return OWN if OWN in reason else reason


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Constants, escaped and encoded values, through every kind of binding.
        ("def f(v):\n    return Markup(escape(v))\n", SAFE),
        ("def f(v):\n    return mark_safe(format_html('<b>{}</b>', v))\n", SAFE),
        ("ICONS = {'a': '<i>a</i>'}\ndef f(v):\n    return mark_safe(ICONS[v])\n", SAFE),
        ("def f(v):\n    return mark_safe('<i class=\"%s\">' % ('a' if v else 'b'))\n", SAFE),
        ("def f(v):\n    return mark_safe(_('Hello') + ' ' + str(len(v)))\n", SAFE),
        ("def f(v):\n    return Markup('<a href=\"%s\">' % url_for('page', id=v))\n", SAFE),
        ("def f(r):\n    return mark_safe('?' + r.GET.copy().urlencode())\n", SAFE),
        (
            "def f(items):\n    out = ''\n    for i in items:\n"
            "        out += '<li>' + escape(i) + '</li>'\n    return Markup(out)\n",
            SAFE,
        ),
        (
            "def f(items):\n    return Markup(''.join(f'<li>{escape(i)}</li>' for i in items))\n",
            SAFE,
        ),
        ("def f(v):\n    v = escape(v)\n    return Markup('<b>' + v + '</b>')\n", SAFE),
        # The application's own data: what a function returns, settings, self, files.
        ("def make(r):\n    md = create(r)\n    return lambda text: Markup(md(text))\n", OWN),
        ("from flask import current_app\nMarkup(current_app.config['BANNER'])\n", OWN),
        ("class A:\n    def f(self):\n        return Markup(self.html)\n", OWN),
        ("def f(user):\n    return Markup('<b>' + user.display_name() + '</b>')\n", OWN),
        # The caller's or the request's text, inserted as it is.
        ("def f(v):\n    return Markup('<b>' + v + '</b>')\n", BLOCKS),
        ("def f(user):\n    return Markup('<b>' + user.name + '</b>')\n", BLOCKS),
        ("def f(**kw):\n    return Markup(kw['x'])\n", BLOCKS),
        ("def f(v):\n    return Markup(str(v).strip())\n", BLOCKS),
        ("def f(v):\n    return mark_safe(_(v))\n", BLOCKS),
        ("def f(v):\n    return Markup(Markup(v))\n", BLOCKS),
        ("def f(v):\n    a, b = 'x', v\n    return Markup(a + b)\n", BLOCKS),
        ("def make(v):\n    return lambda: Markup(v)\n", BLOCKS),
        ("def f(items):\n    return Markup(''.join(f'<li>{i}</li>' for i in items))\n", BLOCKS),
        (
            "def f(s):\n    parts = []\n    parts.append(s)\n    return mark_safe(' '.join(parts))",
            BLOCKS,
        ),
        ("def f(s):\n    d = {}\n    d['x'] = s\n    return mark_safe(d['x'])\n", BLOCKS),
        ("def v(r):\n    return mark_safe(request.GET['q'])\n", BLOCKS),
        ("class V:\n    def get(self):\n        return mark_safe(self.request.GET['q'])\n", BLOCKS),
        ("def f(v, c):\n    if c:\n        v = escape(v)\n    return Markup(v)\n", BLOCKS),
        ("def f(v):\n    w = escape(v)\n    w = w + v\n    return Markup(w)\n", BLOCKS),
        ("def f(v):\n    x = escape(v)\n    g = lambda: Markup(v)\n", BLOCKS),
        ("b = Markup(value)\n", BLOCKS),  # bound nowhere in sight
    ],
)
def test_markup_is_judged_by_where_its_html_comes_from(source, expected):
    assert verdict(source) == expected


GUARDED = """\
ALLOWED = ("a", "b")
def f(kind):
{check}
    return Markup(f"<i>{{kind}}</i>")
"""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # A Django admin display method is handed the listed model instance.
        (
            "class A(admin.ModelAdmin):\n    @admin.display(description='x')\n"
            "    def links(self, obj):\n        return mark_safe(f'<a>{obj.pk}</a>')\n",
            OWN,
        ),
        (
            "class A(admin.ModelAdmin):\n    def links(self, obj):\n"
            "        return mark_safe(f'<a>{obj.pk}</a>')\n",
            BLOCKS,
        ),
        (
            "class A(admin.ModelAdmin):\n    @admin.display(description='x')\n"
            "    def links(self, obj, extra):\n        return mark_safe(f'<a>{extra}</a>')\n",
            BLOCKS,
        ),
        # Escaping written out as a .replace() chain.
        (
            "def f(v):\n    e = v.replace('&', '&amp;').replace('<', '&lt;')"
            ".replace('>', '&gt;').replace('\"', '&quot;')\n"
            "    return mark_safe(f'<textarea>{e}</textarea>')\n",
            SAFE,
        ),
        (
            "def f(v):\n    e = v.replace('<', '&lt;').replace('>', '&gt;')\n"
            "    return mark_safe(f'<a title=\"{e}\">x</a>')\n",
            BLOCKS,
        ),
    ],
)
def test_admin_display_objects_and_hand_escaping(source, expected):
    assert verdict(source) == expected


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ("    if kind not in ALLOWED:\n        abort(400)", SAFE),
        ("    if kind != 'a':\n        raise ValueError(kind)", SAFE),
        (
            "    if kind == 'a':\n        pass\n    elif kind in ('b',):\n        pass\n"
            "    else:\n        return ''",
            SAFE,
        ),
        ("    if kind not in ALLOWED:\n        log(kind)", BLOCKS),
        ("    if kind == 'a':\n        pass\n    elif kind == 'b':\n        pass", BLOCKS),
        ("    if kind == 'a' or other:\n        pass\n    else:\n        return ''", BLOCKS),
        ("    if kind not in ALLOWED:\n        return ''\n    kind = kind.strip()", BLOCKS),
        ("    if kind not in ALLOWED and strict:\n        return ''", BLOCKS),
    ],
)
def test_an_allow_list_check_in_front_makes_a_parameter_a_constant(check, expected):
    assert verdict(GUARDED.format(check=check)) == expected


def test_b308_and_b703_on_one_line_are_both_lowered():
    source = textwrap.dedent(
        """\
        from django.utils.html import escape
        from django.utils.safestring import mark_safe
        def mangle(s):
            return mark_safe(escape(s).replace(".", "<span>.</span>"))
        def raw(s):
            return mark_safe(s)
        """
    )
    found = {(f["rule_id"], f["line"]): f["confidence"] for f in run_bandit({"m.py": source})}
    assert found == {
        ("B703", 4): "low",
        ("B308", 4): "low",
        ("B703", 6): "high",
        ("B308", 6): "high",
    }


ENVIRONMENT = """\
from jinja2 import Environment, FileSystemLoader
def render(root, values):
    env = Environment(loader=FileSystemLoader(root))
    {use}
"""


@pytest.mark.parametrize(
    ("use", "plain"),
    [
        ('return env.get_template("config.cfg.template").render(**values)', True),
        (
            'env.globals["v"] = 1\n    return env.select_template(["a.txt", "x.sh.j2"]).render()',
            True,
        ),
        ('return env.get_template("page.html.j2").render(**values)', False),
        ('return env.select_template(["a.txt", "b.svg"]).render()', False),
        ('return env.get_template("index").render(**values)', False),
        ('return env.get_template(values["name"]).render(**values)', False),
        ('return env.from_string("{{ x }}").render(**values)', False),
        ("return env", False),
        ("return helper(env)", False),
    ],
)
def test_b701_is_low_only_when_the_environment_renders_no_html(use, plain):
    reason = plain_text_reason(ast.parse(ENVIRONMENT.format(use=use)), 3)
    assert bool(reason) is plain, reason


def test_an_environment_at_module_level_can_be_imported_anywhere():
    source = 'from jinja2 import Environment\nenv = Environment()\nenv.get_template("a.txt")\n'
    assert plain_text_reason(ast.parse(source), 2) == ""


@pytest.mark.parametrize(
    ("name", "markup"),
    [
        ("config.cfg.template", False),
        ("deploy/setup.sh.j2", False),
        ("mail/welcome.txt", False),
        ("page.html", True),
        ("mail/welcome.html.j2", True),
        ("feed.XML", True),
        ("index", True),
        ("index.j2", True),
    ],
)
def test_a_template_name_says_html_or_says_nothing(name, markup):
    assert is_markup_template(name) is markup


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # A regex substitution on escaped text keeps it escaped when the replacement adds
        # only constants and pieces of the matched text.
        ("def f(v):\n    return mark_safe(P.sub(r'<b>\\1</b>', escape(v)))\n", SAFE),
        ("def f(v):\n    return mark_safe(re.sub('a', lambda m: m[0] + '!', escape(v)))\n", SAFE),
        (
            "def f(v):\n    def w(m):\n        return '<i>' + m.group(0) + '</i>'\n"
            "    return mark_safe(P.sub(w, escape(v)))\n",
            SAFE,
        ),
        ("def f(v):\n    return mark_safe(P.sub(r'<b>\\1</b>', v))\n", BLOCKS),
        ("def f(v, t):\n    return mark_safe(re.sub('a', t, escape(v)))\n", BLOCKS),
        ("def f(v, t):\n    return mark_safe(P.sub(lambda m: t, escape(v)))\n", BLOCKS),
        ("def f(v):\n    return mark_safe(P.sub(lambda m: m.string, escape(v)))\n", OWN),
        ("from x import w\ndef f(v):\n    return mark_safe(P.sub(w, escape(v)))\n", OWN),
    ],
)
def test_a_regex_substitution_keeps_escaped_text_escaped(source, expected):
    assert verdict(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from django.template import loader\ndef f(v):\n"
            "    t = loader.get_template('a.html')\n    return mark_safe(t.render({'v': v}))\n",
            SAFE,
        ),
        (
            "from django.template.loader import select_template\ndef f(v):\n"
            "    return mark_safe(select_template(['a.html']).render({'v': v}))\n",
            SAFE,
        ),
        (
            "from django.template import loader\ndef f(v, t):\n"
            "    if v:\n        t = loader.get_template('a.html')\n"
            "    return mark_safe(t.render({'v': v}))\n",
            OWN,
        ),
        (
            "env = Environment(autoescape=False)\ndef f(v):\n"
            "    t = env.get_template('a.html')\n    return mark_safe(t.render({'v': v}))\n",
            OWN,
        ),
    ],
)
def test_a_template_from_djangos_loader_escapes_what_it_renders(source, expected):
    assert verdict(source) == expected
