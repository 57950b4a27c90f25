"""A redirect to a configured panel host plus the request's path, built through project helpers
that return "" when nothing is configured, as twins: the safe app checks the host is not empty
before writing "scheme://host"; each unsafe sibling lets the visitor's text reach the host."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

HOSTS = """\
from urllib.parse import urlparse

from django.conf import settings


def _origin_of(value):
    parts = urlparse((value or "").strip())
    if not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _origin_for_host(host, request):
    if not host:
        return ""
    return f"{request.scheme}://{host}"


def panel_base(request):
    override = _origin_of(settings.PANEL_URL)
    if override:
        return override
    return _origin_for_host(settings.PANEL_HOST, request)


def _joined(base, path):
    if not base:
        return path if path.startswith("/") else f"/{path}"
    return f"{base}{path}"


def panel_url(path, request):
    return _joined(panel_base(request), path)


def loose_base(request):
    return f"https://{settings.PANEL_HOST}"


def loose_url(path, request):
    return f"{loose_base(request)}{path}"


def prefix_url(path):
    prefix = settings.PANEL_PREFIX
    if not prefix:
        return path
    return prefix + path
"""

SAFE = """\
from django.shortcuts import redirect

from panel.hosts import panel_url


def to_panel(request, name):
    return redirect(panel_url(request.get_full_path(), request=request))
"""

UNSAFE = """\
from django.shortcuts import redirect

from panel.hosts import loose_url, panel_base, prefix_url


def loose(request, name):  # the host may be "": "https://" + "" + "/evil.example/..."
    return redirect(loose_url(request.get_full_path(), request))


def prefixed(request, name):  # a non-empty prefix without "//" may be "/": "//evil.example"
    return redirect(prefix_url(request.get_full_path()))


def after_host(request, name):  # after the host, the visitor's text: "@evil.example"
    return redirect(panel_base(request) + request.GET["to"])
"""

URLS = """\
from django.urls import path

from panel import safe_views, unsafe_views

urlpatterns = [
    path("go/<slug:name>/", safe_views.to_panel),
    path("loose/<slug:name>/", unsafe_views.loose),
    path("prefixed/<slug:name>/", unsafe_views.prefixed),
    path("after/<slug:name>/", unsafe_views.after_host),
]
"""


@pytest.fixture(scope="module")
def redirects():
    files = {
        "panel/hosts.py": HOSTS,
        "panel/safe_views.py": SAFE,
        "panel/unsafe_views.py": UNSAFE,
        "panel/urls.py": URLS,
    }
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list[tuple[int, bool, str]]] = {path: [] for path in files}
    for finding in findings:
        if finding["rule_id"] == "devsecbots.django.open-redirect":
            blocks = is_blocking(finding, ctx.blocking_severity)
            found[finding["file"]].append((finding["line"], blocks, finding["confidence"]))
    return found


def test_the_checked_configured_host_before_the_request_path_does_not_block(redirects):
    found = redirects["panel/safe_views.py"]
    assert found, "the redirect is no longer reported at all"
    assert all(not blocks and confidence == "low" for _, blocks, confidence in found), found


def test_every_unsafe_sibling_blocks(redirects):
    lines = {line for line, blocks, _ in redirects["panel/unsafe_views.py"] if blocks}
    assert lines == {7, 11, 15}, redirects["panel/unsafe_views.py"]
