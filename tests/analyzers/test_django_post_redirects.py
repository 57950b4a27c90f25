"""django_post_redirects: a POST-only view's redirect is low only while every MIDDLEWARE the
application assigns names Django's CSRF middleware (the twins with it on are in
test_redirect_twins.py)."""

from __future__ import annotations

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.django_post_redirects import reassess

VIEW = """\
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

@require_POST
def remote_follow(request):
    template = subscribe_template(request.POST["account"])
    return redirect(template)
"""
CSRF = "django.middleware.csrf.CsrfViewMiddleware"


def _finding():
    return make_finding(
        severity="medium",
        cwe="CWE-601",
        file="site/views.py",
        line=7,
        title="Django redirect to a URL from request data",
        recommendation="Check it.",
        source="semgrep",
        rule_id="devsecbots.django.open-redirect",
        snippet="    return redirect(template)",
        confidence="medium",
    )


def test_csrf_middleware_on_lowers_the_post_only_redirect():
    files = {"site/views.py": VIEW, "site/settings.py": f'MIDDLEWARE = ["{CSRF}"]\n'}
    (finding,) = reassess([_finding()], files)
    assert finding["confidence"] == "low"
    assert "require_POST" in finding["recommendation"]


@pytest.mark.parametrize(
    "target",
    [
        'request.POST["next"]',  # a hidden field a site page filled from a visitor's link
        'str(request.POST.get("next", "/"))',
        "next_url",  # a piece of the URL
        'template + request.POST["path"]',
    ],
)
def test_a_target_read_from_the_request_keeps_it(target):
    view = VIEW.replace("def remote_follow(request):", "def remote_follow(request, next_url):")
    view = view.replace("return redirect(template)", f"return redirect({target})")
    files = {"site/views.py": view, "site/settings.py": f'MIDDLEWARE = ["{CSRF}"]\n'}
    (finding,) = reassess([_finding()], files)
    assert finding["confidence"] == "medium"


@pytest.mark.parametrize(
    "settings",
    [
        "",  # no settings seen: protection unknown
        'MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]\n',
        f'MIDDLEWARE = ["{CSRF}"]\nMIDDLEWARE.remove("{CSRF}")\n',
        f'MIDDLEWARE = ["{CSRF}"]\nMIDDLEWARE = [m for m in MIDDLEWARE if "csrf" not in m]\n',
        f'BASE = ["{CSRF}"]\nMIDDLEWARE = BASE + EXTRA\n',
    ],
)
def test_csrf_middleware_off_or_unknown_keeps_it(settings):
    files = {"site/views.py": VIEW, "site/settings.py": settings}
    (finding,) = reassess([_finding()], files)
    assert finding["confidence"] == "medium"
