"""Open redirects seen as false positives on real projects, each as twins: the safe code is still
reported but at low confidence with the reason (it does not block); every unsafe sibling blocks.
All files are analysed together, as one project (helpers are read across files)."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

FLASK = """\
from urllib.parse import urlencode, urlparse, urlsplit
from flask import Flask, current_app, redirect, request, session, url_for
app = Flask(__name__)
"""
DJANGO = """\
from urllib.parse import urlencode, urlparse
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
"""
FASTAPI = """\
from urllib.parse import urlencode
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
app = FastAPI()
"""

# A project's own checks, in a module of their own (recognised by what they do, not their name).
CHECKS = {
    "app/url_rules.py": FLASK
    + """
def _allow_next(url):
    if not url:
        return False
    parsed = urlparse(url)
    if parsed.netloc or parsed.scheme:
        return False
    return parsed.path in {"/", "/account"}

def _defers_check(url):
    return url_has_allowed_host_and_scheme(url, allowed_hosts={"example.org"})

def _short_next(url):
    return len(url) < 200

def _hostless(url):
    if urlsplit(url).netloc:
        return False
    return True

def normalised_same_site(target):
    if not target:
        return False
    target = target.strip()
    target = target.replace("\\\\", "/")
    if target.startswith("//"):
        return False
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc:
        return False
    return True

def unstripped_same_site(target):
    target = target.replace("\\\\", "/")
    if target.startswith("//"):
        return False
    if urlparse(target).netloc:
        return False
    return True
""",
    "site/url_rules.py": DJANGO
    + """
def _allow_redirect(redirect_url):
    if not redirect_url:
        return False
    parsed = urlparse(redirect_url)
    if parsed.netloc:
        return False
    try:
        match = resolve(parsed.path)
    except Resolver404:
        return False
    return match.url_name in {"hc-index", "hc-projects"}

def _ascii_redirect(redirect_url):
    return redirect_url.isascii() and len(redirect_url) < 500
""",
}

# A vendored Flask-Login's URL helpers: the view name or URL, with the current URL only in `next=`.
CHECKS["app/login_urls.py"] = FLASK + textwrap.dedent(
    """
    from urllib.parse import urlunsplit

    def expand_view(view):
        if view.startswith(("https://", "http://", "/")):
            return view
        return url_for(view)

    def url_of_login(view, next_url=None):
        base = expand_view(view)
        if next_url is None:
            return base
        parts = urlsplit(base)
        query = urlencode({"next": next_url})
        netloc = current_app.config.get("FORCE_HOST_FOR_REDIRECTS") or parts.netloc
        parts = parts._replace(netloc=netloc, query=query)
        return urlunsplit(parts)

    def url_with_host(view, host, next_url):
        parts = urlsplit(expand_view(view))
        parts = parts._replace(netloc=host, query=urlencode({"next": next_url}))
        return urlunsplit(parts)

    def url_with_path(view, next_url):
        parts = urlsplit(expand_view(view))
        parts = parts._replace(path=next_url)
        return urlunsplit(parts)
    """
)
LOGIN_URLS = FLASK + (
    "from app.login_urls import url_of_login as make_login_url, url_with_host, url_with_path\n"
)

# name -> (preamble, safe body, unsafe siblings)
TWINS: dict[str, tuple[str, str, list[str]]] = {
    "flask-login-url-of-a-configured-view": (
        LOGIN_URLS,
        """
        class LoginManager:
            def __init__(self):
                self.login_view = None
                self.blueprint_login_views = {}

            def unauthorized(self):
                if request.blueprint in self.blueprint_login_views:
                    view = self.blueprint_login_views[request.blueprint]
                else:
                    view = self.login_view
                url_of_login = view  # a local of the helper's name is not the helper
                return redirect(make_login_url(url_of_login, next_url=request.url))

        def set_view(view, blueprint):  # nothing calls it
            manager.blueprint_login_views[blueprint.name] = view

        manager = LoginManager()
        manager.login_view = "web.login"
        manager.blueprint_login_views["kobo"] = None
        """,
        [
            """
            class Manager:
                def __init__(self):
                    self.start_view = "web.login"

                def unauthorized(self):
                    return redirect(make_login_url(self.start_view, next_url=request.url))

            manager = Manager()

            @app.route("/view")
            def choose_view():
                manager.start_view = request.args["view"]
                return ""
            """,
            """
            class Manager:
                def __init__(self):
                    self.entry_view = "web.login"

                def unauthorized(self):
                    return redirect(make_login_url(self.entry_view, next_url=request.url))

            def use_view(view):
                manager.entry_view = view

            manager = Manager()
            use_view(request.args.get("view"))
            """,
            """
            @app.route("/login-first")
            def login_first():
                return redirect(make_login_url(request.args["view"], next_url=request.url))
            """,
            """
            @app.route("/login-elsewhere")
            def login_elsewhere():
                return redirect(url_with_host("web.login", request.args["host"], request.url))
            """,
            """
            @app.route("/login-path")
            def login_path():
                return redirect(url_with_path("web.login", request.args["next"]))
            """,
            """
            @app.route("/login-local")
            def login_local():
                make_login_url = lambda view, next_url: next_url  # not the helper
                return redirect(make_login_url("web.login", next_url=request.args["next"]))
            """,
        ],
    ),
    "flask-replaced-unless-single-slash-path": (
        FLASK + "import re\n",
        r"""
        @app.route("/login", methods=["POST"])
        def login():
            next_page = request.form.get("next")
            if next_page:
                next_page = re.sub(r"[\t\n\r]", "", next_page)
            if (
                not next_page
                or not next_page.startswith("/")
                or next_page[1:2] in ("/", "\\")
            ):
                next_page = url_for("index")
            return redirect(next_page)

        @app.route("/back")
        def back():
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith(("//", "/\\", "/\t", "/\n", "/\r")):
                target = "/"
            return redirect(target)
        """,
        [
            r"""
            @app.route("/login", methods=["POST"])
            def login():
                next_page = request.form.get("next")  # "/\t/evil.example": browsers drop the tab
                if not next_page or not next_page.startswith("/") or next_page[1:2] in ("/", "\\"):
                    next_page = url_for("index")
                return redirect(next_page)
            """,
            r"""
            @app.route("/login", methods=["POST"])
            def login():
                next_page = re.sub(r"[\t\n\r]", "", request.form.get("next", ""))
                if not next_page.startswith("/") or next_page[1:2] == "/":  # "/\\evil.example"
                    next_page = url_for("index")
                return redirect(next_page)
            """,
            r"""
            @app.route("/login", methods=["POST"])
            def login():
                next_page = re.sub(r"[\t\n\r]", "", request.form.get("next", ""))
                if next_page[1:2] in ("/", "\\"):  # "https://evil.example"
                    next_page = url_for("index")
                return redirect(next_page)
            """,
            r"""
            @app.route("/login", methods=["POST"])
            def login():
                next_page = re.sub(r"[\t\n\r]", "", request.form.get("next", ""))
                if not next_page.startswith("/") and next_page[1:2] in ("/", "\\"):
                    next_page = url_for("index")
                return redirect(next_page)
            """,
        ],
    ),
    "flask-guard-by-behaviour": (
        FLASK + "from app.url_rules import _allow_next, _defers_check\n",
        """
        @app.route("/login")
        def login():
            target = request.args.get("next")
            if target and _allow_next(target):
                return redirect(target)
            return redirect(url_for("index"))

        @app.route("/back")
        def back():
            target = request.args.get("next")
            if _defers_check(target):
                return redirect(target)
            return redirect("/")
        """,
        [
            """
            from app.url_rules import _short_next

            @app.route("/login")
            def login():
                target = request.args.get("next")
                if target and _short_next(target):
                    return redirect(target)
                return redirect(url_for("index"))
            """,
            """
            from app.url_rules import _hostless

            @app.route("/login")
            def login():
                target = request.args.get("next")  # "///evil.example" has no netloc
                if target and _hostless(target):
                    return redirect(target)
                return redirect(url_for("index"))
            """,
            """
            from app.url_rules import _allow_next

            @app.route("/login")
            def login():
                target = request.args.get("next")
                if target or _allow_next(target):
                    return redirect(target)
                return redirect(url_for("index"))
            """,
        ],
    ),
    "flask-own-request-path": (
        FLASK,
        """
        def init_request_processors(app):
            root = app.config.get("APPLICATION_ROOT")
            if root != "/":
                @app.before_request
                def force_subdirectory_redirect():
                    if request.path.startswith(root) is False:
                        return redirect(root + request.script_root + request.full_path)

        @app.before_request
        def require_login():
            if not session.get("user"):
                return redirect(request.script_root + request.full_path + "#login")
        """,
        [
            """
            @app.route("/go")
            def go():
                return redirect(request.args["next"])
            """,
            """
            def init_request_processors(app):
                root = app.config.get("APPLICATION_ROOT")  # "/" + "/evil.example" is off-site

                @app.before_request
                def force_subdirectory_redirect():
                    if request.path.startswith(root) is False:
                        return redirect(root + request.full_path)
            """,
            """
            @app.before_request
            def require_login():
                if not session.get("user"):
                    return redirect("/" + request.full_path)
            """,
        ],
    ),
    "flask-configured-url-then-query": (
        FLASK,
        """
        @app.route("/subscribe")
        def subscribe():
            query = urlencode({"back": request.args["back"]})
            url = current_app.config["SUBSCRIBE_URL"] + "?" + query
            return redirect(url)

        @app.route("/help")
        def help_page():
            return redirect(f"https://docs.example.org/search?q={request.args['q']}")
        """,
        [
            """
            @app.route("/subscribe")
            def subscribe():
                return redirect(request.args["u"] + "?x=1")
            """,
            """
            @app.route("/page")
            def page():
                return redirect(current_app.config["BASE_URL"] + request.args["p"])
            """,
            """
            @app.route("/page")
            def page():
                return redirect("https://docs.example.org" + request.args["p"])  # "@evil.example"
            """,
        ],
    ),
    "flask-helper-every-branch-own-url": (
        FLASK,
        """
        def get_login_url(external=False, next="/"):
            if session.get("org") is None:
                login_url = "/"
            else:
                login_url = url_for("login", next=next, _external=external)
            return login_url

        @app.route("/private")
        def private():
            login_url = get_login_url(next=request.url, external=False)
            return redirect(login_url)
        """,
        [
            """
            def get_sso_url(next="/"):
                if request.args.get("sso"):
                    login_url = request.args["sso"]
                else:
                    login_url = url_for("login", next=next)
                return login_url

            @app.route("/private")
            def private():
                login_url = get_sso_url(next=request.url)
                return redirect(login_url)
            """,
        ],
    ),
    "django-guard-by-behaviour": (
        DJANGO + "from site.url_rules import _allow_redirect, _ascii_redirect\n",
        """
        def after_login(request):
            redirect_url = request.GET.get("next")
            if redirect_url and _allow_redirect(redirect_url):
                return redirect(redirect_url)
            return redirect("hc-index")
        """,
        [
            """
            def after_login(request):
                redirect_url = request.GET.get("next")
                if redirect_url and _ascii_redirect(redirect_url):
                    return redirect(redirect_url)
                return redirect("hc-index")
            """,
        ],
    ),
    "django-own-request-path": (
        DJANGO,
        """
        def require_sudo_mode(f):
            def wrapper(request, *args, **kwds):
                if "sudo_code" in request.POST:
                    return redirect(request.path)
                return HttpResponseRedirect(request.get_full_path())
            return wrapper
        """,
        [
            """
            def go(request):
                return redirect(request.GET["next"])
            """,
            """
            class LoginRequiredMiddleware:
                def __call__(self, request):  # before routing: the path may be "//evil.example"
                    if not request.user.is_authenticated:
                        return redirect(request.path)
                    return self.get_response(request)
            """,
        ],
    ),
    "django-own-path-segment-swapped": (
        DJANGO,
        """
        def snapshot(request, username, path=""):
            if username == "system":
                return redirect(request.path.replace("/system/", "/web/", 1))
            return HttpResponseRedirect("/")
        """,
        [
            """
            def snapshot(request, username):
                if username == "system":  # "/system//evil.example" becomes "//evil.example"
                    return redirect(request.path.replace("/system/", "/", 1))
                return HttpResponseRedirect("/")
            """,
            """
            def snapshot(request, username):
                if username == "system":  # "/system" becomes "//web"
                    return redirect(request.path.replace("system", "/web"))
                return HttpResponseRedirect("/")
            """,
        ],
    ),
    "django-setting-then-query": (
        DJANGO,
        """
        def add_pushover(request):
            subscription_url = (
                settings.PUSHOVER_SUBSCRIPTION_URL
                + "?"
                + urlencode({"success": request.POST.get("po_priority", "0")})
            )
            return redirect(subscription_url)
        """,
        [
            """
            def page(request):
                return redirect(settings.SITE_ROOT + request.GET["p"])
            """,
        ],
    ),
    "fastapi-setting-then-query": (
        FASTAPI + "import os\n",
        """
        @app.get("/auth")
        def auth(state: str):
            return RedirectResponse(os.environ["AUTH_URL"] + "?" + urlencode({"state": state}))
        """,
        [
            """
            @app.get("/auth")
            def auth(to: str):
                return RedirectResponse(os.environ["AUTH_URL"] + to)
            """,
        ],
    ),
    "django-framework-check": (
        DJANGO
        + "import logging\nfrom django.urls import reverse\n"
        + "from django.utils.http import url_has_allowed_host_and_scheme\n"
        + "logger = logging.getLogger(__name__)\n",
        """
        def after_login(request):
            next_url = request.GET.get("next")
            if next_url and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return HttpResponseRedirect(next_url)
            return redirect("/")

        def set_language(request):
            next_url = request.GET.get("next", "/")
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = reverse("index")
            return HttpResponseRedirect(next_url)
        """,
        [
            """
            def set_language(request):
                next_url = request.GET.get("next", "/")
                if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={"a.org"}):
                    logger.warning("unexpected next: %s", next_url)
                return HttpResponseRedirect(next_url)
            """,
            """
            def set_language(request):
                next_url = request.GET.get("next", "/")
                if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={"a.org"}):
                    next_url = request.GET.get("fallback")
                return HttpResponseRedirect(next_url)
            """,
            """
            def after_login(request):
                next_url = request.GET.get("next")
                if next_url or url_has_allowed_host_and_scheme(next_url, allowed_hosts={"a.org"}):
                    return HttpResponseRedirect(next_url)
                return redirect("/")
            """,
        ],
    ),
    "flask-back-to-referer": (
        FLASK,
        """
        @app.route("/lang/<lang>")
        def set_lang(lang):
            session["lang"] = lang
            return redirect(request.headers.get("Referer") or url_for("index"))

        @app.route("/dismiss", methods=["POST"])
        def dismiss():
            return redirect(request.referrer or "/")
        """,
        [
            """
            @app.route("/back")
            def back():
                return redirect(request.args.get("back") or request.referrer)
            """,
            """
            @app.route("/back")
            def back():
                return redirect(request.referrer + request.args["then"])
            """,
            """
            @app.route("/back")
            def back():
                return redirect(request.headers.get("X-Return-To") or url_for("index"))
            """,
        ],
    ),
    "flask-back-to-referer-environ": (
        FLASK,
        """
        @app.route("/shelf/<int:shelf_id>/add", methods=["POST"])
        def add_to_shelf(shelf_id):
            if "HTTP_REFERER" in request.environ:
                return redirect(request.environ["HTTP_REFERER"])
            return redirect(url_for("index"))
        """,
        [
            """
            @app.route("/shelf/<int:shelf_id>/add", methods=["POST"])
            def add_to_shelf(shelf_id):
                return redirect(request.environ["HTTP_X_RETURN_TO"])
            """,
            """
            @app.route("/shelf/<int:shelf_id>/add", methods=["POST"])
            def add_to_shelf(shelf_id):
                return redirect(request.environ.get("HTTP_REFERER", "") + request.args["then"])
            """,
        ],
    ),
    "django-same-site-path-helper": (
        DJANGO + "import re\nfrom django.urls import reverse\n",
        """
        def safe_return_target(return_url, fallback_url):
            if not return_url or not re.match(r"^/[a-z]+", return_url):
                return fallback_url
            return return_url

        def checked_return_target(url, fallback):
            if re.fullmatch(r"/\\w[\\w/-]*", url, re.I):
                return url
            return fallback

        def acknowledge(request):
            return_url = safe_return_target(request.GET.get("return_url"), reverse("index"))
            return HttpResponseRedirect(return_url)

        def edit(request):
            return_url = safe_return_target(request.GET.get("return_url"), reverse("index"))
            if request.method == "POST":
                return HttpResponseRedirect(return_url)
            return redirect("/")

        def close(request):
            return redirect(checked_return_target(request.POST["next"], "/"))
        """,
        [
            """
            def loose_return_target(return_url, fallback_url):
                if not return_url or not re.match(r"^/", return_url):  # "//evil.example"
                    return fallback_url
                return return_url

            def acknowledge(request):
                return HttpResponseRedirect(loose_return_target(request.GET["r"], reverse("index")))
            """,
            """
            def slash_return_target(return_url, fallback_url):
                if not return_url.startswith("/"):  # "//evil.example"
                    return fallback_url
                return return_url

            def acknowledge(request):
                return HttpResponseRedirect(slash_return_target(request.GET["r"], reverse("index")))
            """,
            """
            def hostless_return_target(return_url, fallback_url):
                if urlparse(return_url).netloc:  # "/\\evil.example" has none
                    return fallback_url
                return return_url

            def acknowledge(request):
                return HttpResponseRedirect(hostless_return_target(request.GET["r"], "/"))
            """,
            """
            def lined_return_target(return_url, fallback_url):
                if not re.search(r"^/[a-z]+", return_url, re.M):  # "https://evil.example\\n/a"
                    return fallback_url
                return return_url

            def acknowledge(request):
                return HttpResponseRedirect(lined_return_target(request.GET["r"], "/"))
            """,
            """
            def class_return_target(return_url, fallback_url):
                if not re.match(r"^/[\\w/.]+", return_url):  # "//evil.example"
                    return fallback_url
                return return_url

            def acknowledge(request):
                return HttpResponseRedirect(class_return_target(request.GET["r"], "/"))
            """,
            """
            from site.django_same_site_path_helper_safe import safe_return_target

            def acknowledge(request):  # the fallback is the visitor's
                target = safe_return_target(request.GET["r"], request.GET["back"])
                return HttpResponseRedirect(target)
            """,
        ],
    ),
    "django-own-url-plus-query": (
        DJANGO + "from django.urls import reverse\n",
        """
        def redirect_with_query(request, redirect_url):
            query_string = urlencode(request.GET)
            if query_string:
                redirect_url += "?" + query_string
            return HttpResponseRedirect(redirect_url)

        def root(request):
            return redirect_with_query(request, reverse("bookmarks"))

        def tags(request):
            return redirect_with_query(request, redirect_url=reverse("tags"))
        """,
        [
            """
            def redirect_keeping_query(request, redirect_url):
                redirect_url += "?" + urlencode(request.GET)
                return HttpResponseRedirect(redirect_url)

            def root(request):
                return redirect_keeping_query(request, reverse("bookmarks"))

            def back(request):
                return redirect_keeping_query(request, request.GET["to"])
            """,
            """
            def redirect_under(request, redirect_url):
                redirect_url += request.GET.get("sub", "")  # "/" + "/evil.example"
                return HttpResponseRedirect(redirect_url)

            def root(request):
                return redirect_under(request, reverse("bookmarks"))
            """,
            """
            def redirect_under_root(request, redirect_url):
                if request.GET.get("deep"):
                    redirect_url += "/"
                redirect_url += request.path  # "/" + "/" + "/evil.example"
                return HttpResponseRedirect(redirect_url)

            def root(request):
                return redirect_under_root(request, settings.ROOT.rstrip("/"))
            """,
            """
            def redirect_with_path(request, redirect_url):
                return HttpResponseRedirect(redirect_url + "?" + urlencode(request.GET))

            view = redirect_with_path  # handed on: any caller may pass anything
            """,
        ],
    ),
    "flask-check-through-a-renamed-wrapper": (
        FLASK,
        """
        def create_app():
            from app.url_rules import normalised_same_site as _same_site

            def same_site(target):
                return _same_site(target)

            @app.route("/login")
            def login():
                target = request.args.get("next")
                if target and same_site(target):
                    return redirect(target)
                return redirect(url_for("index"))
            return app
        """,
        [
            """
            def create_app():
                from app.url_rules import unstripped_same_site as _loosely_same_site

                def loosely_same_site(target):
                    return _loosely_same_site(target)

                @app.route("/login")
                def login():
                    target = request.args.get("next")
                    if target and loosely_same_site(target):
                        return redirect(target)
                    return redirect(url_for("index"))
                return app
            """,
        ],
    ),
    "django-own-absolute-url": (
        DJANGO + "from django.urls import reverse\nfrom allauth.utils import build_absolute_uri\n",
        """
        def recipe(request, pk):
            home = build_absolute_uri(request, reverse("index"))
            return HttpResponseRedirect(home + f"recipe/{pk}")

        def shared(request, pk):
            share = request.GET.get("share", "")
            page = request.build_absolute_uri("/recipe/")
            return HttpResponseRedirect(page + f"{pk}?share={share}")
        """,
        [
            """
            def recipe(request, pk):
                return HttpResponseRedirect(request.build_absolute_uri(request.GET["next"]))
            """,
            """
            def recipe(request, pk):
                return HttpResponseRedirect(request.build_absolute_uri("") + request.GET["to"])
            """,
        ],
    ),
    "django-back-to-referer": (
        DJANGO,
        """
        def set_language(request):
            return HttpResponseRedirect(request.META.get("HTTP_REFERER", "/"))
        """,
        [
            """
            def set_language(request):
                return HttpResponseRedirect(request.GET.get("next") or request.META["HTTP_REFERER"])
            """,
        ],
    ),
    "django-model-method-reverse": (
        DJANGO
        + "import copy\nfrom django.db import models\nfrom django.urls import reverse\n"
        + "from django.shortcuts import get_object_or_404\n",
        """
        class Report(models.Model):
            def get_absolute_url(self):
                return reverse("report", kwargs={"pk": self.pk})

            def get_edit_url(self):
                url = reverse("report-edit", kwargs={"pk": self.pk})
                return url

        class Upload(models.Model):  # the same method name, another class: not this object's
            def get_absolute_url(self):
                return self.file.url

        def copy_report(request, pk):
            report = get_object_or_404(Report, pk=pk)
            report_copy: Report = copy.copy(report)
            report_copy.pk = None
            report_copy.title = request.POST["title"]
            report_copy.save()
            return HttpResponseRedirect(report_copy.get_absolute_url())

        def rename_report(request, pk):
            report = Report.objects.filter(owner=request.user).get(pk=pk)
            report.title = request.POST["title"]
            return redirect(report.get_edit_url())
        """,
        [
            """
            class Bookmark(models.Model):  # the name says a URL of this site; the body does not
                def get_absolute_url(self):
                    return self.target

            def add_bookmark(request):
                mark = Bookmark.objects.create(owner=request.user)
                mark.target = request.POST["target"]
                return HttpResponseRedirect(mark.get_absolute_url())
            """,
            """
            def follow(request):
                thing = request.session.get("thing")  # of no known class: Report's or not
                thing.title = request.POST["title"]
                return HttpResponseRedirect(thing.get_absolute_url())
            """,
        ],
    ),
    "django-model-property-own-path": (
        DJANGO
        + "from django.db import models\nfrom django.shortcuts import get_object_or_404\n"
        + "from django.urls import reverse\nfrom shop import records\n"
        + "from shop.settings import BASE_URL\n",
        """
        class Entry(models.Model):
            def get_remote_id(self):
                return f"{BASE_URL}/entry/{self.id}"

            @property
            def local_path(self):  # a subclass's get_remote_id() runs here for its objects
                local = self.get_remote_id().replace(BASE_URL, "")
                if self.name:
                    local = f"{local}/s/{self.name}"
                return local

        class Shelf(Entry):
            def get_remote_id(self):
                return f"{BASE_URL}/shelf/{self.id}"

        class Member(models.Model):
            @property
            def local_path(self):
                return "/member/{:s}".format(self.localname or self.username)

        def rename_shelf(request):
            shelf = get_object_or_404(records.Shelf, id=request.POST["shelf"])
            shelf.name = request.POST["name"]
            return redirect(shelf.local_path)

        def join(request):
            member = records.Member.objects.get(localname=request.POST["user"])
            return redirect(member.local_path)

        def resend(request):
            return redirect("{:s}?{:s}".format(reverse("invites"), urlencode(request.GET.dict())))
        """,
        [
            """
            class Shelf:  # a view sharing the model's name: the ORM never makes one of these
                local_path = None

            class Mirror(Entry):  # the same base property, but this class's id is a stored URL
                def get_remote_id(self):
                    return self.remote_id

            def open_mirror(request):
                mirror = get_object_or_404(records.Mirror, id=request.POST["id"])
                return redirect(mirror.local_path)
            """,
            """
            class Page(models.Model):
                @property
                def local_path(self):
                    return "/" + self.slug  # slug "/evil.example" makes "//evil.example"

            def open_page(request):
                page = records.Page.objects.get(pk=request.POST["pk"])
                return redirect(page.local_path)
            """,
            """
            def resend(request):
                return redirect("{:s}?sent=1".format(request.GET["next"]))
            """,
            """
            def resend(request):
                return redirect("{:s}/{:s}".format(BASE_URL, request.GET["next"]))  # BASE_URL ""
            """,
        ],
    ),
    "django-reversed-then-appended-query": (
        DJANGO + "from django.urls import reverse\n",
        """
        def login(request, provider):
            redirect_url = reverse("oidc_initiate", args=(provider,))
            if next_param := request.GET.get("next"):
                redirect_url += f"?next={next_param}"
            return redirect(redirect_url)
        """,
        [
            """
            def login(request):
                redirect_url = request.GET.get("base", "/")
                redirect_url += "?next=/"
                return redirect(redirect_url)
            """,
            """
            def login(request):
                redirect_url = settings.LOGIN_ROOT  # may be "" or "/"
                redirect_url += request.GET["next"]
                return redirect(redirect_url)
            """,
        ],
    ),
    "django-configured-site-joined-after-routing": (
        DJANGO + "from urllib.parse import urljoin\nfrom site.dynamic import dynamic_settings\n",
        """
        class MediaDomainMiddleware:
            def __call__(self, request):
                response = self.get_response(request)
                if request.get_host() == "media.example" and request.resolver_match:
                    return redirect(urljoin(dynamic_settings.SITE_URL, request.path))
                return response
        """,
        [
            """
            class MediaDomainMiddleware:
                def __call__(self, request):  # before routing: "//evil.example" replaces the host
                    if request.get_host() == "media.example":
                        return redirect(urljoin(dynamic_settings.SITE_URL, request.path))
                    return self.get_response(request)
            """,
            """
            class MediaDomainMiddleware:
                def __call__(self, request):
                    response = self.get_response(request)
                    if request.resolver_match:
                        return redirect(urljoin(dynamic_settings.SITE_URL, request.GET["to"]))
                    return response
            """,
            """
            class MediaDomainMiddleware:
                def __call__(self, request):
                    response = self.get_response(request)
                    if request.resolver_match:
                        return redirect(urljoin(request.GET["site"], request.path))
                    return response
            """,
        ],
    ),
    "django-current-route-reversed-again": (
        DJANGO,
        """
        class CanonicalSlugDetailMixin:
            def dispatch(self, request, *args, **kwargs):
                obj = self.get_object()
                match = resolve(request.path_info)
                url_parts = match.namespaces
                url_parts.append(match.url_name)
                current_urlpattern = ":".join(url_parts)
                if obj.slug != self.kwargs.get("slug"):
                    return redirect(current_urlpattern, pk=obj.pk, slug=obj.slug)
                return redirect(request.resolver_match.view_name, pk=obj.pk)
        """,
        [
            """
            class CanonicalSlugDetailMixin:
                def dispatch(self, request, *args, **kwargs):
                    match = resolve(request.path_info)
                    url_parts = match.namespaces
                    url_parts.append(request.GET["name"])  # "//evil.example" does not reverse
                    return redirect(":".join(url_parts), pk=1)
            """,
            """
            class CanonicalSlugDetailMixin:
                def dispatch(self, request, *args, **kwargs):
                    match = resolve(request.GET["to"])  # a Resolver404 on no match
                    parts = [match.url_name]
                    parts[0] = request.GET["name"]
                    return redirect(":".join(parts), pk=1)
            """,
        ],
    ),
    "django-post-only-csrf-checked": (
        DJANGO + "from django.views.decorators.csrf import csrf_exempt\n"
        "from django.views.decorators.http import require_http_methods, require_POST\n",
        """
        @require_POST
        def remote_follow(request):  # the target is what the typed home instance answers
            template = webfinger_template(request.POST["account"])
            return redirect(template.replace("{uri}", "acct"))

        @require_http_methods(["POST"])
        def subscribe(request):
            feed = find_feed(request.POST["feed"])
            return HttpResponseRedirect(feed.public_path)
        """,
        [
            """
            @csrf_exempt
            @require_POST
            def remote_follow(request):
                return redirect(request.POST["instance"] + "/authorize_interaction")
            """,
            """
            @require_http_methods(["GET", "POST"])
            def subscribe(request):
                return HttpResponseRedirect(request.POST.get("next", "/"))
            """,
            """
            @require_POST
            def follow_back(request):
                return redirect(find_feed(request.POST["feed"]).public_path)

            hook = csrf_exempt(follow_back)
            """,
            """
            @require_POST
            def signed_in(request):  # a site page's hidden field may carry a visitor's link
                return redirect(request.POST.get("next", "/"))
            """,
            """
            @require_POST
            def signed_in(request):
                target = str(request.POST["next"])
                return HttpResponseRedirect(target)
            """,
        ],
    ),
    "django-configured-base-url-helpers": (
        DJANGO + "from types import SimpleNamespace\nfrom urllib.parse import quote\n"
        "from site.common import get_config\n",
        """
        def cfgb_normalised(value):
            if not value:
                return ""
            base = value.strip()
            if "://" not in base:
                base = f"http://{base}"
            parsed = urlparse(base)
            return f"{parsed.scheme}://{parsed.netloc}"

        def cfgb_split(host):
            parsed = urlparse(f"//{host}")
            port = str(parsed.port) if parsed.port else None
            return (parsed.hostname or host or "").lower(), port

        def cfgb_listen(config=None):
            config = config or get_config()
            return cfgb_split((config.LISTEN_HOST or "").strip())

        def cfgb_host(config=None):
            config = config or get_config()
            host, port = cfgb_listen(config=config)
            if not host:
                return ""
            full = f"web.{host}"
            return f"{full}:{port}" if port else full

        def cfgb_base(request=None, config=None):
            config = config or get_config()
            override = cfgb_normalised(config.SITE_BASE_URL)
            if override:
                return override
            host = cfgb_host(config=config)
            if not host:
                return ""
            return f"{request.scheme}://{host}"

        def cfgb_joined(base, path):
            if not base:
                return path if path.startswith("/") else f"/{path}"
            return f"{base}{path if path.startswith('/') else f'/{path}'}"

        def archive_view(request, url):  # the configured host, or a same-site path, then /web/
            return redirect(cfgb_joined(cfgb_base(request), f"/web/{quote(url)}"))

        def admin_host_middleware(get_response):
            def middleware(request):  # before routing, but the test saw the path start /admin/
                if request.path == "/admin" or request.path.startswith("/admin/"):
                    return redirect(cfgb_joined(cfgb_base(request), request.path))
                return get_response(request)
            return middleware
        """,
        [
            """
            def web_host_middleware(get_response):
                def middleware(request):  # an empty base hands back a raw //evil.example path
                    return redirect(cfgb_joined(cfgb_base(request), request.path))
                return middleware
            """,
            """
            def slash_only_middleware(get_response):
                def middleware(request):
                    if request.path.startswith("/"):
                        return redirect(cfgb_joined(cfgb_base(request), request.path))
                    return get_response(request)
                return middleware
            """,
            """
            def chosen_host(request):
                return redirect(f"{request.scheme}://{request.GET['host']}/web/")
            """,
            """
            def jump(request):
                config = SimpleNamespace(**request.GET.dict())
                return redirect(config.target)
            """,
            """
            def visit(request):
                netloc = urlparse(request.GET["url"]).netloc
                return redirect(f"https://{netloc}/home")
            """,
            """
            def cfgb_pair(value):
                return value, "80"

            def hop(request):
                host, port = cfgb_pair(request.GET["host"])
                return redirect(f"https://{host}:{port}/home")
            """,
        ],
    ),
    # Only the assignments that reach the redirect are read (reaching_assignments.py): a request
    # value assigned on a path that returns, or is overwritten on every path, does not count.
    "django-reaching-assignments": (
        DJANGO
        + "import logging\nfrom contextlib import suppress\nfrom django.urls import reverse\n"
        + "logger = logging.getLogger(__name__)\n",
        """
        def reaching_admin_middleware(get_response):
            def middleware(request):
                if request.path.startswith("/admin/"):
                    target = settings.ADMIN_BASE_URL + request.path
                    if request.META.get("QUERY_STRING"):
                        target = f"{target}?{request.META['QUERY_STRING']}"
                    return redirect(target)
                if request.path.startswith("/go"):
                    target = request.GET.get("next", "")
                    logger.info("ignored next %s", target)
                    return get_response(request)
                target = request.path
                logger.info("passing %s", target)
                return get_response(request)
            return middleware
        """,
        [
            """
            def reaching_fallthrough_middleware(get_response):
                def middleware(request):
                    target = settings.ADMIN_BASE_URL + "/admin/"
                    if request.GET.get("next"):
                        target = request.GET["next"]
                    return redirect(target)
                return middleware
            """,
            """
            def reaching_loop(request):
                target = "/home/"
                for key in ("next", "back"):
                    if key in request.GET:
                        target = request.GET[key]
                return redirect(target)
            """,
            """
            def reaching_try(request):
                target = reverse("home")
                try:
                    target = reverse(request.GET["name"])
                except Exception:
                    target = request.GET.get("next", "/")
                return redirect(target)
            """,
            """
            def reaching_with(request):
                target = reverse("home")
                with suppress(KeyError):
                    target = request.GET["next"]
                return redirect(target)
            """,
            """
            def reaching_break(request):
                target = "/home/"
                while request.GET:
                    target = request.GET.get("next", "/")
                    if target:
                        break
                    target = "/home/"
                return redirect(target)
            """,
            """
            def reaching_else_branch_middleware(get_response):
                def middleware(request):
                    if request.path.startswith("/admin/"):
                        target = settings.ADMIN_BASE_URL + request.path
                    else:
                        target = request.path
                    return redirect(target)
                return middleware
            """,
        ],
    ),
    # A Django class-based view's dispatch runs once a route matched: the request's own path
    # there is a same-site path; `f"/{path}"` in the else of `path.startswith("/")` is not it.
    "django-view-dispatch-own-path": (
        DJANGO + "from django.views import View\n",
        """
        def vdp_slashed(path):
            return path if path.startswith("/") else f"/{path}"

        class LoginFirstView(View):
            def dispatch(self, request, *args, **kwargs):
                if not request.user.is_authenticated:
                    return redirect(vdp_slashed(request.get_full_path()))
                return super().dispatch(request, *args, **kwargs)
        """,
        [
            """
            def vdp_next(path):
                return path if path.startswith("/") else f"/{path}"

            class NextView(View):
                def dispatch(self, request, *args, **kwargs):
                    return redirect(vdp_next(request.GET["next"]))
            """,
            """
            def vdp_before_routing(path):
                return path if path.startswith("/") else f"/{path}"

            class LoginFirstMiddleware:
                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):  # before routing: the path may be //evil.example
                    return redirect(vdp_before_routing(request.get_full_path()))
            """,
        ],
    ),
    # `await service.m(...)` is what m returns, the service's class read from the parameter's
    # annotation (parameter_classes.py): the class or any project subclass.
    "fastapi-annotated-service-url": (
        FASTAPI
        + "import os\nfrom typing import Annotated\nfrom fastapi import Depends\n"
        + """
class AsuSettings:
    api_url = "https://api.example.org"

class AsuLinks:
    def __init__(self, settings: AsuSettings):
        self.settings = settings

    async def link(self, name: str) -> str:
        return f"{self.settings.api_url}/files/{os.path.basename(name)}"

def asu_links():
    return AsuLinks(AsuSettings())
""",
        """
        @app.get("/files/{name}")
        async def open_file(name: str, links: Annotated[AsuLinks, Depends(asu_links)]):
            return RedirectResponse(await links.link(name))
        """,
        [
            """
            class AsuLoose:
                async def link(self, name: str) -> str:
                    return name

            @app.get("/loose/{name}")
            async def open_loose(name: str, links: Annotated[AsuLoose, Depends(asu_links)]):
                return RedirectResponse(await links.link(name))
            """,
            """
            class AsuBase:
                async def link(self, name: str) -> str:
                    return f"/files/{os.path.basename(name)}"

            class AsuOverride(AsuBase):
                async def link(self, name: str) -> str:
                    return name

            @app.get("/base/{name}")
            async def open_base(name: str, links: AsuBase):
                return RedirectResponse(await links.link(name))
            """,
        ],
    ),
}


def _path(name: str, kind: str) -> str:
    package = "site" if name.startswith("django") else "app"
    return f"{package}/{name.replace('-', '_')}_{kind}.py"


@pytest.fixture(scope="module")
def redirects_by_file():
    files = dict(CHECKS)
    files["site/settings.py"] = 'MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]\n'
    for name, (preamble, safe, unsafe) in TWINS.items():
        files[_path(name, "safe")] = preamble + textwrap.dedent(safe)
        for i, body in enumerate(unsafe):
            files[_path(name, f"unsafe{i}")] = preamble + textwrap.dedent(body)
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list[tuple[bool, dict]]] = {path: [] for path in files}
    for finding in findings:
        if finding["rule_id"].endswith(".open-redirect"):
            found[finding["file"]].append((is_blocking(finding, ctx.blocking_severity), finding))
    return found


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_is_reported_low_with_the_reason(redirects_by_file, name):
    found = redirects_by_file[_path(name, "safe")]
    assert found, "the redirect is no longer reported at all"
    for blocks, finding in found:
        assert not blocks, finding
        assert finding["confidence"] == "low", finding
        assert "Low confidence: " in finding["recommendation"], finding


@pytest.mark.parametrize(
    ("name", "index"), [(n, i) for n, (_, _, unsafe) in TWINS.items() for i in range(len(unsafe))]
)
def test_every_unsafe_sibling_blocks(redirects_by_file, name, index):
    found = redirects_by_file[_path(name, f"unsafe{index}")]
    assert any(blocks for blocks, _ in found), found
