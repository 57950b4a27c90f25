"""B701 on an environment with its own delimiters is low only when what it renders is only
written to files (written_files.py): a source generator, not a page."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.jinja_environment import plain_text_reason

GENERATOR = """\
from jinja2 import Environment, FileSystemLoader

def _env(root):
    return Environment(loader=FileSystemLoader(root), {delimiters}autoescape=False)

def _render(path, data):
    template = _env(os.path.dirname(path)).get_template(os.path.basename(path))
    return template.render(**data)

def build(stub, data):
    inputs = _render(stub + "/_inputs.html", {{"fields": data["fields"]}})
    text = _render(stub + "/index.vue", {{"inputs": inputs, **data}})
{use}
"""
OWN = 'variable_start_string="<<", variable_end_string=">>", '
WRITTEN = '    with open(stub + "/index.vue", "w") as f:\n        f.write(text)'


@pytest.mark.parametrize(
    ("delimiters", "use", "generator"),
    [
        (OWN, WRITTEN, True),
        (OWN, '    Path(stub, "index.vue").write_text(text)', True),
        ('block_start_string="<%", block_end_string="%>", ', WRITTEN, True),
        ("", WRITTEN, False),  # Jinja's own delimiters: nothing says the output is code
        ('variable_start_string="{{", ', WRITTEN, False),
        (OWN, "    return text", False),  # returned to callers this module does not show
        (OWN, "    response.write(text)", False),  # not a file this code opened
        (OWN, '    session["page"] = text', False),
        (OWN, '    return make_response(inputs)\n    open("x", "w").write(text)', False),
    ],
)
def test_b701_is_low_only_for_renders_written_to_files(delimiters, use, generator):
    source = GENERATOR.format(delimiters=delimiters, use=use)
    line = next(i for i, t in enumerate(source.splitlines(), 1) if "Environment(" in t)
    reason = plain_text_reason(ast.parse(textwrap.dedent(source)), line)
    assert ("written to files" in reason) is generator, reason
