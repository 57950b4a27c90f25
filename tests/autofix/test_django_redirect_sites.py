"""Twins for the Django redirect fix: a target from the request is checked, a configured one not."""

from __future__ import annotations

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
