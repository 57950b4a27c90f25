"""A CSRF-exempt Django view blocks only when the visitor's session authenticates it."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.policy import is_blocking
from devsecbots.nodes.review import review_files

VIEWS = """\
import hmac

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, JsonResponse
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from shop import services
from shop.models import Cart, Hook


@csrf_exempt
def add_to_cart(request):
    request.session["cart"] = request.POST.getlist("items")
    return JsonResponse({"ok": True})


@csrf_exempt
@login_required
def delete_account(request):
    return _delete(request)


def _delete(request):
    return HttpResponse("deleted")


@csrf_exempt
def change_email(request):
    return _save_email(request)


def _save_email(request):
    request.user.email = request.POST["email"]
    request.user.save()
    return HttpResponse("ok")


@csrf_exempt
def save_profile(request):
    return services.save_profile(request)


@csrf_exempt
def webhook(request, code):
    hook = Hook.objects.get(code=code)
    signature = request.headers.get("X-Signature", "")
    expected = hmac.new(hook.secret, request.body, "sha256").hexdigest()
    if not hmac.compare_digest(signature, expected):
        return HttpResponse(status=403)
    hook.record(request.body)
    return HttpResponse("ok")


@csrf_exempt
def ping(req, code):
    Cart.objects.filter(code=code).update(seen=True)
    return HttpResponse("OK")


@csrf_exempt
def bot_hook(request, token):
    bot = Hook.objects.get(token=token)
    if bot.active:
        request.user = bot.owner
        services.add_item(request, request.POST["text"])
        Cart.objects.create(owner=request.user)
    return JsonResponse({"ok": True})


@csrf_exempt
def bot_hook_late(request, token):
    bot = Hook.objects.get(token=token)
    Cart.objects.create(owner=request.user)
    request.user = bot.owner
    return JsonResponse({"ok": True})


class Profile(LoginRequiredMixin, View):
    def post(self, request):
        return HttpResponse("saved")


class Status(View):
    def post(self, request):
        return HttpResponse("noted")


profile = csrf_exempt(Profile.as_view())
status = csrf_exempt(Status.as_view())
"""
RULE = "devsecbots.django.csrf-exempt"


@pytest.fixture(scope="module")
def by_line():
    ctx = Context(offline=True, analyzers=("semgrep",))
    findings = review_files({"shop/views.py": VIEWS}, ctx).verdict["findings"]
    return {f["line"]: f for f in findings if f["rule_id"] == RULE}


@pytest.mark.parametrize(
    "where",
    [
        "@csrf_exempt\ndef add_to_cart(request):",  # writes the session
        "@csrf_exempt\n@login_required",  # logged in by the session cookie
        "@csrf_exempt\ndef change_email(request):",  # a helper of the module reads request.user
        "profile = csrf_exempt(Profile.as_view())",  # LoginRequiredMixin
        "@csrf_exempt\ndef save_profile(request):",  # the request goes to code elsewhere
        "@csrf_exempt\ndef bot_hook_late(request, token):",  # the session's user, then its own
    ],
)
def test_an_exempt_view_that_uses_the_session_blocks(by_line, where):
    finding = by_line[_where(where)]
    assert finding["confidence"] == "medium" and is_blocking(finding, "medium")


@pytest.mark.parametrize(
    "where",
    [
        "@csrf_exempt\ndef webhook(request, code):",  # a signature identifies the caller
        "@csrf_exempt\ndef ping(req, code):",  # the URL carries its own secret
        "status = csrf_exempt(Status.as_view())",  # no login at all
        "@csrf_exempt\ndef bot_hook(request, token):",  # the view sets the user: the token's owner
    ],
)
def test_an_exempt_view_without_the_session_is_reported_not_blocking(by_line, where):
    finding = by_line[_where(where)]
    assert finding["confidence"] == "low" and "reads no session" in finding["title"]
    assert finding["exempt"] == "low confidence" and not is_blocking(finding, "medium")


def _where(where: str) -> int:
    """The line where the lines of `where` start in VIEWS (where Semgrep reports the view)."""
    lines, wanted = VIEWS.splitlines(), where.splitlines()
    return next(i + 1 for i in range(len(lines)) if lines[i : i + len(wanted)] == wanted)
