"""Twins for jinja-autoescape: an HTML-rendering environment is fixed, a config-file one is not."""

from __future__ import annotations

from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import bandit, declined

TEMPLATE = """from jinja2 import Environment, FileSystemLoader


def render(root, values):
    env = Environment(loader=FileSystemLoader(root))
    return env.get_template("{name}").render(**values)
"""


def _after(name: str) -> str:
    source = TEMPLATE.format(name=name)
    findings = bandit(source, "B701")
    assert len(findings) == 1
    outcome = apply_fixes({"app.py": source}, findings)
    assert [outcome.reason(f) for f in outcome.unfixable] == []
    return outcome.files["app.py"]


def test_html_templates_get_autoescape():
    for name in ("page.html", "mail/welcome.html.j2", "feed.xml", "index"):
        assert "autoescape=select_autoescape()" in _after(name)


def test_config_file_template_is_left_alone():
    source = TEMPLATE.format(name="config.cfg.template")
    [reason] = declined(source, bandit(source, "B701"))
    assert "renders only config.cfg.template" in reason


def test_unknown_content_is_fixed():
    source = TEMPLATE.replace('env.get_template("{name}")', "env.from_string(values.pop('t'))")
    [finding] = bandit(source, "B701")
    assert "select_autoescape" in apply_fixes({"app.py": source}, [finding]).files["app.py"]
