"""Django XSS: HTML a project helper builds only from constants and escaped values (html.escape,
format_html arguments, ints) is reported at low confidence with the reason; its sibling that
inserts a parameter as it is still blocks (the engine's findings under the run's policy)."""

from __future__ import annotations

import pytest

from .helpers import assert_blocks, assert_low_with_why, twin_findings, twin_path

RULE = "devsecbots.django.xss"
HEADER = """\
import html

from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
"""

# name -> (safe body, unsafe body); each twin names its own helpers (they are read project-wide)
TWINS: dict[str, tuple[str, str]] = {
    "helper-escapes-its-parameters": (
        """
        def preview_page(text, title):
            escaped_title = html.escape(title)
            escaped_text = html.escape(text)
            return f"<html><title>{escaped_title}</title><pre>{escaped_text}</pre></html>"

        def preview(request):
            wrapped = preview_page(request.GET["text"], request.GET["name"])
            return HttpResponse(wrapped, content_type="text/html; charset=utf-8")
        """,
        """
        def raw_preview_page(text, title):
            escaped_text = html.escape(text)
            return f"<html><title>{title}</title><pre>{escaped_text}</pre></html>"

        def preview(request):
            wrapped = raw_preview_page(request.GET["text"], request.GET["name"])
            return HttpResponse(wrapped, content_type="text/html; charset=utf-8")
        """,
    ),
    "helper-joins-format-html-rows": (
        """
        def metadata_rows(config):
            rows = (("Title", config.get("title")), ("Size", config.get("size")))
            rendered = "".join(
                str(format_html("<dt>{}</dt><dd>{}</dd>", label, value)) for label, value in rows
            )
            return f"<dl>{rendered}</dl>"

        def metadata(request):
            return HttpResponse(mark_safe(metadata_rows(request.GET)))
        """,
        """
        def plain_rows(config):
            rows = (("Title", config.get("title")), ("Size", config.get("size")))
            rendered = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
            return f"<dl>{rendered}</dl>"

        def metadata(request):
            return HttpResponse(mark_safe(plain_rows(request.GET)))
        """,
    ),
    "name-rebound-in-each-branch": (
        """
        def text_page(text):
            return f"<pre>{html.escape(text)}</pre>"

        def preview(request):
            if request.GET.get("kind") == "text":
                body = text_page(request.GET["text"])
                return HttpResponse(body)
            body = request.GET["text"].upper()
            return HttpResponse(body, content_type="text/plain")
        """,
        """
        def code_page(text):
            return f"<pre>{html.escape(text)}</pre>"

        def preview(request):
            if request.GET.get("kind") == "text":
                body = code_page(request.GET["text"])
                if request.GET.get("raw"):
                    body = request.GET["text"]
                return HttpResponse(body)
            body = request.GET["text"].upper()
            return HttpResponse(body, content_type="text/plain")
        """,
    ),
    "highlighted-after-escaping": (
        """
        import re

        TOKENS = re.compile(r'"[^"]*"|\\d+')

        def code_block(text):
            code = html.escape(text, quote=False)

            def wrap(match):
                colour = {"num": "#b35900"}["num"]
                return f'<span style="color: {colour}">{match.group(0)}</span>'

            code = TOKENS.sub(wrap, code)
            code = re.sub("&quot;", lambda m: f"<b>{m[0]}</b>", code)
            return f"<pre><code>{code}</code></pre>"

        def show(request):
            return HttpResponse(mark_safe(code_block(request.GET["json"])))
        """,
        """
        import re

        TOKENS = re.compile(r'"[^"]*"|\\d+')

        def code_lines(text):
            def wrap(match):
                return f"<span>{match.group(0)}</span>"

            code = TOKENS.sub(wrap, text)
            return f"<pre><code>{code}</code></pre>"

        def show(request):
            return HttpResponse(mark_safe(code_lines(request.GET["json"])))
        """,
    ),
    "helper-picks-a-name-and-quotes-the-key": (
        """
        from urllib.parse import quote

        def plugin_of(key):
            for plugin_name, schema in installed_plugins().items():
                if key in schema:
                    return plugin_name
            return None

        def definition_link(key):
            plugin = plugin_of(key)
            if not plugin:
                return f"https://example.org/search?q={quote(key)}", "config"
            return f"https://example.org/plugins/{quote(plugin)}", f"plugins/{plugin}/config.json"

        def config_value(request, key):
            url, label = definition_link(key)
            return HttpResponse(mark_safe(f'<a href="{url}"><code>{label}</code></a>'))
        """,
        """
        from urllib.parse import quote

        def plugin_for(key):
            for plugin_name, schema in installed_plugins().items():
                if key in schema:
                    return plugin_name
            return key

        def source_link(key):
            plugin = plugin_for(key)
            return f"https://example.org/plugins/{quote(plugin)}", f"plugins/{plugin}/config.json"

        def config_value(request, key):
            url, label = source_link(key)
            return HttpResponse(mark_safe(f'<a href="{url}"><code>{label}</code></a>'))
        """,
    ),
    "helper-hands-the-key-to-an-unknown-function": (
        """
        def help_link(key):
            return f'<a href="/docs/#{int(key)}">{lookup_title()}</a>'

        def config_help(request, key):
            return HttpResponse(mark_safe(help_link(key)))
        """,
        """
        def help_anchor(key):
            return f'<a href="/docs/">{lookup_title(key.lower())}</a>'

        def config_help(request, key):
            return HttpResponse(mark_safe(help_anchor(key)))
        """,
    ),
    "template-held-in-a-name": (
        """
        from django.template import loader

        def listing(request):
            template = loader.select_template(["static/index.html", "static/index"])
            return HttpResponse(template.render({"directory": request.GET["dir"]}))
        """,
        """
        from jinja2 import Environment, FileSystemLoader

        env = Environment(loader=FileSystemLoader("templates"), autoescape=False)

        def listing(request):
            template = env.get_template("index.html")
            return HttpResponse(template.render({"directory": request.GET["dir"]}))
        """,
    ),
}


@pytest.fixture(scope="module")
def xss_findings():
    return twin_findings(TWINS, HEADER, RULE)


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_is_reported_at_low_confidence_with_why(xss_findings, name):
    assert_low_with_why(xss_findings[twin_path(name, "safe")])


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_twin_blocks(xss_findings, name):
    assert_blocks(xss_findings[twin_path(name, "unsafe")])
