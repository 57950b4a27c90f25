"""B701 on an environment whose renders all go to a Markdown converter is low (jinja_markdown.py);
a render that reaches anything else, or an environment that leaves its function, still blocks.
The harden codemod leaves the Markdown environment alone and fixes its HTML twin; request data
rendered into such a page still blocks, as XSS (the taint rule), not as B701."""

from __future__ import annotations

import ast

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.analyzers.jinja_environment import plain_text_reason
from devsecbots.nodes.autofix import apply_fixes
from devsecbots.nodes.policy import apply_run_policy, is_blocking

from tests.autofix.helpers import bandit, declined

PAGE = """\
import jinja2
from markdown_it import MarkdownIt


class DocPage:
    def __init__(self, fname):
        self.fname = fname

    @property
    def raw(self):
        with open(self.fname, encoding="utf-8") as f:
            return f.read()

    @property
    def content(self):
        template = jinja2.Environment().from_string(self.raw)
        return template.render(version="1.0")

    @property
    def html(self):
        return MarkdownIt("commonmark").enable(["replacements"]).render({use})
"""

FUNCTION = """\
import markdown
from jinja2 import Environment


def page(text, values):
    env = Environment()
    env.globals["site"] = "docs"
    source = env.from_string(text).render(**values)
{tail}
"""


def _reason(source: str) -> str:
    line = next(i for i, t in enumerate(source.splitlines(), 1) if "Environment(" in t)
    return plain_text_reason(ast.parse(source), line)


@pytest.mark.parametrize(
    ("source", "markdown"),
    [
        (PAGE.format(use="self.content"), True),
        (FUNCTION.format(tail="    return markdown.markdown(source)"), True),
        (FUNCTION.format(tail="    md = MarkdownIt()\n    return md.render(source)"), True),
        # the rendered text is returned as it is, or also used some other way
        (PAGE.format(use="self.content") + "\n\ndef raw_page(p):\n    return p.content\n", False),
        (PAGE.format(use="self.content + self.raw").replace("MarkdownIt", "str"), False),
        (FUNCTION.format(tail="    return source"), False),
        (FUNCTION.format(tail="    return markdown.markdown(source) + source"), False),
        (FUNCTION.format(tail="    md = Renderer()\n    return md.render(source)"), False),
        # the environment itself goes elsewhere
        (FUNCTION.format(tail="    register(env)\n    return markdown.markdown(source)"), False),
    ],
)
def test_b701_is_low_only_when_every_render_is_converted_from_markdown(source, markdown):
    reason = _reason(source)
    assert ("Markdown source" in reason) is markdown, reason


def test_bandit_finding_on_a_markdown_environment_does_not_block():
    [finding] = bandit(PAGE.format(use="self.content"), "B701")
    assert finding["confidence"] == "low"
    assert "MarkdownIt(...).render()" in finding["title"] + finding.get("recommendation", "")


def test_html_twin_keeps_bandit_confidence():
    source = PAGE.format(use="self.content").replace(
        'MarkdownIt("commonmark").enable(["replacements"]).render(self.content)', "self.content"
    )
    [finding] = bandit(source, "B701")
    assert finding["confidence"] != "low"


def test_harden_leaves_the_markdown_environment_alone():
    source = PAGE.format(use="self.content")
    [reason] = declined(source, bandit(source, "B701"))
    assert "Markdown source" in reason


def test_harden_fixes_the_html_twin():
    source = FUNCTION.format(tail="    return source")
    [finding] = bandit(source, "B701")
    fixed = apply_fixes({"app.py": source}, [finding]).files["app.py"]
    assert "autoescape=select_autoescape()" in fixed


def test_request_data_through_a_markdown_template_still_blocks_as_xss():
    source = (
        "import markdown\nfrom flask import Flask, request\nfrom jinja2 import Environment\n"
        "app = Flask(__name__)\n\n\n"
        '@app.route("/p")\ndef page():\n'
        '    text = Environment().from_string("Hi {{ name }}").render(name=request.args["name"])\n'
        "    return markdown.markdown(text)\n"
    )
    files = {"app.py": source}
    ctx = Context()
    blocking = {
        f["rule_id"]
        for f in apply_run_policy(analyze(files, cache=None).findings, files, ctx)
        if is_blocking(f, ctx.blocking_severity)
    }
    assert "B701" not in blocking
    assert "devsecbots.flask.xss" in blocking
