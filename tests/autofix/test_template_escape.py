"""Offline DevBot on templates: request data rendered unescaped is escaped again, nothing else."""

from __future__ import annotations

from devsecbots.nodes.analyzers.templates import REQUEST_DATA_RULE, template_findings
from devsecbots.nodes.autofix.engine import apply_fixes

VIEW = """
from django.shortcuts import render

def search(request):
    return render(request, "search.html", {"q": request.GET["q"], "intro": INTRO})
"""


def harden(template: str) -> tuple[str, list]:
    files = {"shop/views.py": VIEW, "shop/templates/search.html": template}
    findings = [f for f in template_findings(files) if f["rule_id"] == REQUEST_DATA_RULE]
    outcome = apply_fixes(files, findings)
    return outcome.files["shop/templates/search.html"], template_findings(outcome.files)


def test_the_safe_filter_on_request_data_goes_and_the_rest_of_the_line_stays():
    fixed, after = harden("<p>{{ q|safe }} {{ intro|safe }}</p>\n")
    assert fixed == "<p>{{ q }} {{ intro|safe }}</p>\n"
    assert [f["rule_id"] for f in after] == ["devsecbots.templates.autoescape-off"]


def test_inside_autoescape_off_the_output_is_escaped_explicitly():
    fixed, after = harden("{% autoescape off %}\n{{ q }} {{ intro }}\n{% endautoescape %}\n")
    assert fixed == "{% autoescape off %}\n{{ q|escape }} {{ intro }}\n{% endautoescape %}\n"
    assert REQUEST_DATA_RULE not in {f["rule_id"] for f in after}


def test_filters_after_safe_are_kept():
    fixed, _ = harden("{{ q | safe | upper }}\n")
    assert fixed == "{{ q | upper }}\n"
