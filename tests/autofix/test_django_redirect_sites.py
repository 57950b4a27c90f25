"""Twins for the Django redirect fix: a target from the request is checked, a configured one not."""

from __future__ import annotations

import pytest
from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import finding_at

SOURCE = """from django.conf import settings
from django.shortcuts import redirect


def back(request):
    target = request.GET.get("next")
    return redirect(target)


def subscribe(request):
    target = settings.PROVIDER_URL + "?" + request.GET.urlencode()
    return redirect(target)
"""
RULE = "devsecbots.django.open-redirect"


def test_request_target_is_checked_and_configured_target_is_not():
    back = finding_at(SOURCE, RULE, "return redirect(target)", path="views.py")
    lines = SOURCE.splitlines()
    second = len(lines) - 1 - lines[::-1].index("    return redirect(target)") + 1
    subscribe = {**back, "line": second}
    outcome = apply_fixes({"views.py": SOURCE}, [back, subscribe])
    assert outcome.fixed == [back]
    assert outcome.files["views.py"].count("url_has_allowed_host_and_scheme(target") == 1
    assert "built on a configured URL" in outcome.reason(subscribe)


def test_target_already_checked_is_left_alone():
    source = SOURCE.replace(
        "    return redirect(target)\n\n\ndef subscribe",
        "    if target and allowed(target):\n        return redirect(target)\n    return None\n\n\n"
        "def subscribe",
    )
    finding = finding_at(source, RULE, "return redirect(target)", path="views.py")
    outcome = apply_fixes({"views.py": source}, [finding])
    assert outcome.changed == []
    assert "already checked by allowed(...)" in outcome.reason(finding)


def test_a_class_based_view_checks_against_its_own_request():
    source = """from django.shortcuts import redirect
from django.views import View


class Back(View):
    def get(self, *args, **kwargs):
        target = self.request.GET.get("next")
        return redirect(target)
"""
    finding = finding_at(source, RULE, "return redirect(target)", path="views.py")
    outcome = apply_fixes({"views.py": source}, [finding])
    assert outcome.fixed == [finding]
    fixed = outcome.files["views.py"]
    assert "{self.request.get_host()}, self.request.is_secure()" in fixed
    compile(fixed, "views.py", "exec")


def test_a_pattern_name_reversed_with_arguments_is_not_guarded():
    source = """from django.shortcuts import redirect


def canonical(request, pk):
    name = request.resolver_match.view_name
    return redirect(name, pk=pk, slug="x")
"""
    finding = finding_at(source, RULE, "return redirect(name", path="views.py")
    outcome = apply_fixes({"views.py": source}, [finding])
    assert outcome.changed == []
    assert "URL pattern name" in outcome.reason(finding)
    permanent = SOURCE.replace(
        "return redirect(target)", "return redirect(target, permanent=True)", 1
    )
    back = finding_at(permanent, RULE, "return redirect(target, permanent", path="views.py")
    assert apply_fixes({"views.py": permanent}, [back]).fixed == [back]


BUILT = """from django.shortcuts import redirect

from .hosts import build_admin_url


def to_admin(request):
    target = build_admin_url(request.path, request=request)
    if request.META.get("QUERY_STRING"):
        target = f"{target}?{request.META['QUERY_STRING']}"
    return redirect(target)


def canonical(request, model):
    new_path = model.local_path
    if request.GET:
        new_path = f"{model.local_path}?{request.GET.urlencode()}"
    return redirect(new_path)


def to_api(request):
    target_path = f"/api{request.path}"
    return redirect(target_path)


def canonical_joined(request, model):
    canonical = model.local_path
    canonical = "?".join([canonical, request.META["QUERY_STRING"]])
    return redirect(canonical)
"""
HOSTS = 'def build_admin_url(path, request=None):\n    return "https://admin.example" + path\n'


@pytest.mark.parametrize(
    "line",
    [
        "    return redirect(target)",
        "    return redirect(new_path)",
        "    return redirect(canonical)",  # "?".join([path, query])
    ],
)
def test_request_data_after_an_application_built_url_is_not_guarded(line):
    """A configured host is cross-host by design and a query cannot move the host: no check."""
    files = {"app/views.py": BUILT, "app/hosts.py": HOSTS}
    finding = finding_at(BUILT, RULE, line, path="app/views.py")
    outcome = apply_fixes(files, [finding])
    assert outcome.changed == []
    assert "request data only after it" in outcome.reason(finding)


def test_a_same_site_literal_start_is_not_guarded():
    files = {"app/views.py": BUILT, "app/hosts.py": HOSTS}
    finding = finding_at(BUILT, RULE, "    return redirect(target_path)", path="app/views.py")
    outcome = apply_fixes(files, [finding])
    assert outcome.changed == []
    assert "a same-site path" in outcome.reason(finding)


@pytest.mark.parametrize(
    "assigned",
    [
        'str(request.GET["next"])',  # not the project's function
        'request.session.get("next")',  # a project `get` method, but called on the request
        'build_admin_url("/") + request.GET["next"]',  # request data before any "?"
        "f\"{request.GET['base']}?x=1\"",
        '"?".join([request.GET["next"], "x=1"])',  # joined, request data first
    ],
)
def test_request_data_that_may_choose_the_host_is_still_guarded(assigned):
    source = f"""from django.shortcuts import redirect

from .hosts import build_admin_url


def back(request):
    target = {assigned}
    return redirect(target)
"""
    hosts = HOSTS + "\n\nclass Store:\n    def get(self, key):\n        return key\n"
    files = {"app/views.py": source, "app/hosts.py": hosts}
    finding = finding_at(source, RULE, "    return redirect(target)", path="app/views.py")
    outcome = apply_fixes(files, [finding])
    assert "url_has_allowed_host_and_scheme(target" in outcome.files["app/views.py"], (
        outcome.reason(finding)
    )
