"""Template check: unescaped output blocks when a view fills it from the request, else is noted."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers.templates import (
    REQUEST_DATA_RULE,
    SAFE_FILTER_RULE,
    template_findings,
    unescaped_outputs,
)

DJANGO_VIEW = """
from django.shortcuts import render

def search(request):
    query = request.GET.get("q", "")
    return render(request, "shop/search.html", {"query": query, "title": "Search"})
"""
FLASK_VIEW = """
from flask import Flask, render_template, request
app = Flask(__name__)

@app.route("/hello/<name>")
def hello(name):
    return render_template("hello.html", name=name, motd=load_motd())
"""


def rules(files: dict[str, str]) -> list[tuple[str, int, str]]:
    return [(f["file"], f["line"], f["rule_id"]) for f in template_findings(files)]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("<p>{{ query|safe }}</p>", [("shop/templates/shop/search.html", 1, REQUEST_DATA_RULE)]),
        (
            "{% autoescape off %}\n<p>{{ query }}</p>\n{% endautoescape %}",
            [("shop/templates/shop/search.html", 2, REQUEST_DATA_RULE)],
        ),
        ("<p>{{ query }}</p>", []),  # escaped: the safe twin
        ("<p>{{ query|escape|safe }}</p>", []),
        ("<h1>{{ title|safe }}</h1>", [("shop/templates/shop/search.html", 1, SAFE_FILTER_RULE)]),
    ],
)
def test_django_view_data_reaching_an_unescaped_output(template, expected):
    files = {"shop/views.py": DJANGO_VIEW, "shop/templates/shop/search.html": template}
    assert rules(files) == expected


def test_request_data_blocks_with_high_confidence_and_names_the_view():
    files = {"shop/views.py": DJANGO_VIEW, "shop/templates/shop/search.html": "{{ query|safe }}"}
    (finding,) = template_findings(files)
    assert (finding["severity"], finding["confidence"], finding["cwe"]) == (
        "high",
        "high",
        "CWE-79",
    )
    assert "shop/views.py:6" in finding["recommendation"]


def test_a_value_of_unknown_origin_is_reported_with_low_confidence():
    files = {"shop/views.py": DJANGO_VIEW, "shop/templates/shop/search.html": "{{ title|safe }}"}
    (finding,) = template_findings(files)
    assert finding["confidence"] == "low" and "Flask" not in finding["title"]


def test_flask_route_parameters_are_request_data():
    files = {"app.py": FLASK_VIEW, "templates/hello.html": "Hi {{ name | safe }} {{ motd|safe }}"}
    assert rules(files) == [
        ("templates/hello.html", 1, REQUEST_DATA_RULE),
        ("templates/hello.html", 1, SAFE_FILTER_RULE),
    ]


def test_sanitised_request_data_is_not_request_data():
    view = DJANGO_VIEW.replace('request.GET.get("q", "")', 'bleach.clean(request.GET["q"])')
    files = {"shop/views.py": view, "shop/templates/shop/search.html": "{{ query|safe }}"}
    assert rules(files) == [("shop/templates/shop/search.html", 1, SAFE_FILTER_RULE)]


def test_context_built_up_in_a_dict_and_class_based_views():
    view = """
def results(request):
    context = {}
    context["term"] = request.POST["term"]
    return render(request, "results.html", context)

class Page(View):
    def get(self, *args):
        return render(self.request, "page.html", {"word": self.request.GET["w"]})
"""
    files = {
        "app/views.py": view,
        "app/templates/results.html": "{{ term|safe }}",
        "app/templates/page.html": "{{ word|safe }}",
    }
    assert {r[2] for r in rules(files)} == {REQUEST_DATA_RULE}


def test_files_outside_a_templates_folder_are_not_templates():
    files = {"shop/views.py": DJANGO_VIEW, "docs/search.html": "{{ query|safe }}"}
    assert rules(files) == []


def test_unescaped_outputs_reads_jinja_whitespace_control_and_filters_with_arguments():
    source = (
        "{{- body | truncate(20) | safe -}}\n{% autoescape false %}{{ raw }}{% endautoescape %}"
    )
    assert list(unescaped_outputs(source)) == [
        (1, "body", "|safe"),
        (2, "raw", "{% autoescape off %}"),
    ]
