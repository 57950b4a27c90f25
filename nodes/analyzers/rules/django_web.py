# Tests for django_web.yaml (semgrep --test). Not meant to run.
import os
import shlex
import subprocess
from os import environ
from pathlib import Path
from urllib.parse import urlparse

import requests
from django.conf import settings

from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from shop.models import Product

ORDER_COLUMNS = {"name", "price"}
OPERATIONS = {"1+1", "2*3"}
TEXT = "text/plain"
ALLOWED_HOSTS = {"api.example.com"}


def listing(request):
    order = request.GET.get("order", "name")
    # ruleid: devsecbots.django.sql-injection
    return Product.objects.raw("SELECT * FROM shop_product ORDER BY " + order)


def listing_checked(request):
    order = request.GET.get("order", "name")
    if order not in ORDER_COLUMNS:
        raise ValueError("order")
    # ok: devsecbots.django.sql-injection
    return Product.objects.raw("SELECT * FROM shop_product ORDER BY " + order)


def listing_chosen(request):
    query = {
        "name": "SELECT * FROM shop_product ORDER BY name",
        "price": "SELECT * FROM shop_product ORDER BY price",
    }.get(request.GET.get("order", "name"))
    # ok: devsecbots.django.sql-injection
    return Product.objects.raw(query)


def search(request):
    term = request.GET["q"]
    with connection.cursor() as cursor:
        # ruleid: devsecbots.django.sql-injection
        cursor.execute(f"SELECT name FROM shop_product WHERE name = '{term}'")
        # ok: devsecbots.django.sql-injection
        cursor.execute("SELECT name FROM shop_product WHERE name = %s", [term])
    # ruleid: devsecbots.django.sql-injection
    Product.objects.annotate(x=RawSQL("SELECT %s || " + term, ()))
    # ruleid: devsecbots.django.sql-injection
    return Product.objects.extra(where=["name = '%s'" % term])


def by_id(request, product_id):
    # ruleid: devsecbots.django.sql-injection
    return Product.objects.raw("SELECT * FROM shop_product WHERE id = " + product_id)


def greet(request):
    name = request.GET.get("name", "")
    if request.GET.get("plain"):
        # ok: devsecbots.django.xss
        return HttpResponse("Hello " + name, content_type="text/plain")
    if request.GET.get("escaped"):
        # ok: devsecbots.django.xss
        return HttpResponse("Hello " + escape(name))
    if request.GET.get("template"):
        # ok: devsecbots.django.xss
        return render(request, "greet.html", {"name": name})
    # ruleid: devsecbots.django.xss
    return HttpResponse("<h1>Hello " + name + "</h1>")


def turbo_frame(request, template_name, context):
    page = loader.render_to_string("shared/top_frame.html", context, request)
    content = loader.render_to_string(template_name, context, request)
    # ok: devsecbots.django.xss
    return HttpResponse(page.replace("<!--content-->", content))


def preview(request):
    # ruleid: devsecbots.django.xss
    return HttpResponse(loader.render_to_string("a.html", {}, request) + request.GET["note"])


def banner(request):
    # ruleid: devsecbots.django.xss
    return render(request, "page.html", {"banner": mark_safe(request.COOKIES["banner"])})


def go(request):
    # ruleid: devsecbots.django.open-redirect
    return redirect(request.GET.get("next", "/"))


def go_checked(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
        return HttpResponseRedirect("/")
    # ok: devsecbots.django.open-redirect
    return HttpResponseRedirect(target)


def go_reset(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=True):
        target = "/"
    # ok: devsecbots.django.open-redirect
    return redirect(target)


def go_named(request):
    # ok: devsecbots.django.open-redirect
    return redirect("shop:home")


# ruleid: devsecbots.django.csrf-exempt
@csrf_exempt
def add_to_cart(request):
    request.session["cart"] = request.POST.getlist("items")
    return JsonResponse({"ok": True})


# ok: devsecbots.django.csrf-exempt
def remove_from_cart(request):
    request.session["cart"] = []
    return JsonResponse({"ok": True})


def remember(request):
    response = JsonResponse({"ok": True})
    # ruleid: devsecbots.django.insecure-cookie
    response.set_cookie("theme", request.GET.get("theme", "light"))
    # ok: devsecbots.django.insecure-cookie
    response.set_cookie("sid", "x", secure=True, httponly=True, samesite="Lax")
    # ruleid: devsecbots.django.insecure-cookie
    response.set_cookie("sid", "x", secure=environ.get("COOKIE_SECURE") == "1", httponly=True)
    # ok: devsecbots.django.insecure-cookie
    response.set_cookie("sid", "x", secure=request.is_secure(), httponly=True, samesite="Lax")
    # ok: devsecbots.django.insecure-cookie
    response.set_cookie("sid", "x", secure=environ.get("DJANGO_SESSION_COOKIE_SECURE", "1") != "0")
    return response


# --- command, code, URL and file-path injection -------------------------------------------------


def ping(request):
    host = request.GET["host"]
    # ruleid: devsecbots.django.command-injection
    return HttpResponse(subprocess.check_output("ping -c1 " + host, shell=True), content_type=TEXT)


def ping_quoted(request):
    host = shlex.quote(request.GET["host"])
    # ok: devsecbots.django.command-injection
    return HttpResponse(subprocess.check_output("ping -c1 " + host, shell=True), content_type=TEXT)


def ping_fixed(request):
    # ok: devsecbots.django.command-injection
    return HttpResponse(subprocess.check_output("uptime", shell=True), content_type=TEXT)


def calc(request):
    # ruleid: devsecbots.django.code-injection
    return HttpResponse(str(eval(request.POST["expr"])), content_type=TEXT)


def calc_literal(request):
    op = request.POST["op"]
    if op not in OPERATIONS:
        raise Http404
    # ok: devsecbots.django.code-injection
    return HttpResponse(str(eval(op)), content_type=TEXT)


def preview(request):
    url = request.GET.get("url", "")
    # ruleid: devsecbots.django.ssrf
    return HttpResponse(requests.get(url, timeout=5).text, content_type=TEXT)


def preview_checked(request):
    url = request.GET.get("url", "")
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        return HttpResponse(status=400, content_type=TEXT)
    # ok: devsecbots.django.ssrf
    return HttpResponse(requests.get(url, timeout=5).text, content_type=TEXT)


def profile(request, username):
    # ok: devsecbots.django.ssrf
    return HttpResponse(requests.get(f"https://api.example.com/users/{username}", timeout=5).text, content_type=TEXT)


def profile_any_host(request, host):
    # ruleid: devsecbots.django.ssrf
    return HttpResponse(requests.get(f"https://{host}/users", timeout=5).text, content_type=TEXT)


def download(request):
    name = request.GET.get("name", "")
    # ruleid: devsecbots.django.path-traversal
    return FileResponse(open(os.path.join(settings.MEDIA_ROOT, name), "rb"))


def download_base_name(request):
    name = os.path.basename(request.GET.get("name", ""))
    # ok: devsecbots.django.path-traversal
    return FileResponse(open(os.path.join(settings.MEDIA_ROOT, name), "rb"))


def download_contained(request):
    path = os.path.realpath(os.path.join(settings.MEDIA_ROOT, request.GET.get("name", "")))
    if not path.startswith(str(settings.MEDIA_ROOT)):
        raise Http404
    # ok: devsecbots.django.path-traversal
    return FileResponse(open(path, "rb"))


def download_helper(request):
    # ok: devsecbots.django.path-traversal
    return FileResponse(open(_contained_path(settings.MEDIA_ROOT, request.GET["name"]), "rb"))


def upload(request):
    upload = request.FILES["doc"]
    # ok: devsecbots.django.path-traversal
    with open(os.path.join(settings.MEDIA_ROOT, upload.name), "wb") as out:
        out.write(upload.read())
    folder = request.POST["folder"]
    # ruleid: devsecbots.django.path-traversal
    with open(os.path.join(settings.MEDIA_ROOT, folder, "index.txt"), "w") as out:
        out.write("")
    # ruleid: devsecbots.django.path-traversal
    (Path(settings.MEDIA_ROOT) / folder).mkdir()
    # ok: devsecbots.django.path-traversal
    upload.open()
    return HttpResponse("ok")


def show(request, filename):
    # ok: devsecbots.django.path-traversal
    with open(os.path.join("/srv/docs", filename)) as fh:
        return HttpResponse(fh.read(), content_type="text/plain")


def disk(request):
    folder = request.GET.get("folder", ".")
    # ok: devsecbots.django.command-injection
    subprocess.check_output(["du", "-sh", folder])
    # ruleid: devsecbots.django.command-injection
    subprocess.check_output(["/bin/bash", "-c", "du -sh " + folder])
    return HttpResponse("ok")
