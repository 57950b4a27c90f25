"""Twins for django-csrf: @csrf_exempt goes from a session view, stays on a ping or a webhook."""

from __future__ import annotations

from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import finding_at

SOURCE = """from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def settings_view(request):
    request.user.profile.update(name=request.POST["name"])
    return HttpResponse("saved")


@csrf_exempt
def ping(request, code):
    record_ping(code, request.body)
    return HttpResponse("OK")
"""
RULE = "devsecbots.django.csrf-exempt"


def test_session_view_loses_the_exemption_and_the_ping_keeps_it():
    session = finding_at(SOURCE, RULE, "def settings_view", path="views.py")
    ping = finding_at(SOURCE, RULE, "def ping", path="views.py")
    outcome = apply_fixes({"views.py": SOURCE}, [session, ping])
    assert outcome.fixed == [session]
    after = outcome.files["views.py"]
    assert after.count("@csrf_exempt") == 1 and after.index("@csrf_exempt") > after.index("saved")
    assert "never uses the session or the logged-in user" in outcome.reason(ping)
