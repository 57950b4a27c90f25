"""Which redirect targets have their host fixed before request data (redirect_targets.py), and
which project functions are safe-URL checks by what they do (url_checks.py)."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.redirect_targets import fixed_host, routed_paths
from devsecbots.nodes.analyzers.same_site_paths import proves_path
from devsecbots.nodes.analyzers.url_checks import checked_param


def _verdict(body: str, framework: str = "flask", routed: bool = True) -> bool:
    """Whether the target of the last redirect(...) in `body` has a fixed host."""
    tree = ast.parse(textwrap.dedent(body))
    parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "redirect"
    ]
    return bool(fixed_host(calls[-1].args[0], parents, framework, routed))


FIXED = [
    'redirect("/account?next=" + request.args["next"])',
    'redirect("https://docs.example.org/" + request.args["page"])',
    'redirect("https://docs.example.org?q=" + request.args["q"])',
    "redirect(f\"https://docs.example.org/search?q={request.args['q']}\")",
    'redirect("%s?%s" % (settings.AUTH_URL, urlencode({"s": request.args["s"]})))',
    'redirect("{}#{}".format(app.config["HOME"], request.args["tab"]))',
    'redirect(settings.BASE_URL + "/login?next=" + request.url)',
    'redirect(url_for("login") + "?next=" + request.full_path)',
    "redirect(request.script_root + request.full_path)",
    'redirect(app.config["ROOT"].rstrip("/") + request.path)',
    'redirect(request.path + "?" + request.query_string.decode())',
]
OPEN = [
    'redirect(request.args["next"])',
    'redirect(request.args["u"] + "?x=1")',
    'redirect("https://docs.example.org" + request.args["p"])',  # "@evil.example"
    'redirect("/" + request.args["p"])',  # "/evil.example"
    'redirect(settings.BASE + request.args["p"])',
    'redirect(settings.BASE + "/" + request.args["p"])',  # BASE may be ""
    'redirect(url_for("index") + request.args["p"])',  # "/" + "/evil.example"
    'redirect("/" + request.path)',  # "//evil.example"
    'redirect(app.config["ROOT"] + request.path)',  # ROOT "/" + "/evil.example"
    "redirect(request.script_root + request.args['p'])",  # SCRIPT_NAME may be ""
    "redirect(f\"{request.args['h']}/login\")",
    'redirect("/%s" % request.args["p"])',
    'redirect(request.environ.get("HTTP_REFERER"))',
    'redirect(request.headers["Referer"] + "?x=1")',
]


@pytest.mark.parametrize("target", FIXED)
def test_the_host_is_fixed(target):
    assert _verdict(target)


@pytest.mark.parametrize("target", OPEN)
def test_request_data_may_choose_the_host(target):
    assert not _verdict(target)


def test_names_are_followed_to_every_assignment_and_closure():
    assert _verdict(
        """
        def init(app):
            root = app.config.get("APPLICATION_ROOT")
            if root != "/":
                @app.before_request
                def force():
                    return redirect(root + request.script_root + request.full_path)
        """
    )
    assert not _verdict(
        """
        def view():
            target = "/"
            if request.args.get("next"):
                target = request.args["next"]
            return redirect(target)
        """
    )


def test_a_name_extended_by_its_own_assignment_reads_its_other_values():
    assert _verdict(
        """
        def view():
            target = f"/api{request.path}"
            if request.META.get("QUERY_STRING"):
                target = f"{target}?{request.META['QUERY_STRING']}"
            return redirect(target)
        """,
        framework="django",
    )
    assert not _verdict(
        """
        def view():
            target = request.GET["next"]
            if request.META.get("QUERY_STRING"):
                target = f"{target}?{request.META['QUERY_STRING']}"
            return redirect(target)
        """,
        framework="django",
    )
    assert not _verdict(
        """
        def view():
            target = "https://docs.example.org"
            for part in request.GET.getlist("p"):
                target = target + part
            return redirect(target)
        """,
        framework="django",
    )


def test_a_local_called_config_is_not_configuration():
    assert _verdict('redirect(config["url"] + "?x=1")')
    assert not _verdict(
        """
        def view():
            config = request.get_json()
            return redirect(config["url"] + "?x=1")
        """
    )
    assert not _verdict("def view(settings):\n    return redirect(settings.next)\n")


def test_django_paths_are_the_sites_own_only_when_routed_and_outside_middleware():
    view = "def view(request):\n    return redirect(request.get_full_path())\n"
    assert _verdict(view, "django")
    assert not _verdict(view, "django", routed=False)
    middleware = """
        class AuthMiddleware:
            def __call__(self, request):
                return redirect(request.path)
        """
    assert not _verdict(middleware, "django")


def test_a_route_that_can_match_a_leading_slash_makes_paths_untrusted():
    assert routed_paths({"urls.py": 'urlpatterns = [path("accounts/login/", login)]'})
    assert not routed_paths({"urls.py": 'urlpatterns = [path("<path:rest>", page)]'})
    assert not routed_paths({"urls.py": 'urlpatterns = [re_path(r"^(?P<rest>.*)$", page)]'})
    assert not routed_paths({"main.py": '@app.get("/{rest:path}")\ndef page(rest): ...'})
    assert not routed_paths({"urls.py": 'urlpatterns = [re_path(r"^(?P<a>[^/]*)/(.*)$", v)]'})


def test_routes_that_cannot_start_with_a_slash_keep_paths_the_sites_own():
    user_first = 'urlpatterns = [re_path(r"^(?P<user>[^/]+)/(?P<rest>.*)$", page)]'
    assert routed_paths({"urls.py": user_first})
    assert routed_paths({"views.py": '"""Add path(\'<path:path>\', serve) to your URLconf."""'})
    admin = """
        class PageAdmin(admin.ModelAdmin):
            def get_urls(self):
                return [path("<path:object_id>/preview/", self.preview)] + super().get_urls()
        """
    assert routed_paths({"admin.py": textwrap.dedent(admin)})


def test_the_own_path_with_a_slash_piece_swapped_for_a_segment_stays_on_site():
    assert _verdict(
        "def v(request):\n    return redirect(request.path.replace('/a/', '/b/', 1))\n", "django"
    )
    for old, new in (("'/a/'", "'/'"), ("'a'", "'/b'"), ("'/a/'", "'//b'"), ("'/a/'", "x")):
        body = f"def v(request, x):\n    return redirect(request.path.replace({old}, {new}))\n"
        assert not _verdict(body, "django"), (old, new)


CHECKS = {
    "resolves-the-path": (
        """
        def allow(url):
            parsed = urlparse(url)
            if parsed.netloc:
                return False
            try:
                match = resolve(parsed.path)
            except Resolver404:
                return False
            return match.url_name in ROUTES
        """,
        ("url", 0),
    ),
    "method-defers-to-django": (
        """
        def ok(self, target, strict=True):
            return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts=HOSTS)
        """,
        ("target", 0),
    ),
    "raises-then-tests-the-path": (
        """
        def check(url):
            if urlsplit(url).scheme or urlsplit(url).netloc:
                raise ValueError(url)
            return url.split("?")[0] in PATHS
        """,
        ("url", 0),
    ),
    "netloc-only": (  # "///evil.example" has no netloc
        """
        def allow(url):
            if urlparse(url).netloc:
                return False
            return True
        """,
        None,
    ),
    "netloc-only-negated": (
        """
        def allow(url):
            parsed = urlparse(url)
            if parsed.scheme:
                return False
            return not parsed.netloc
        """,
        None,
    ),
    "never-looks-at-the-host": (
        """
        def allow(url):
            return len(url) < 200
        """,
        None,
    ),
    "accepts-before-the-test": (
        """
        def allow(url):
            if url.startswith("/static/"):
                return True
            if urlparse(url).netloc:
                return False
            return url in PATHS
        """,
        None,
    ),
    "returns-the-url": (
        """
        def allow(url):
            if urlparse(url).netloc:
                return None
            return url
        """,
        None,
    ),
}


@pytest.mark.parametrize("name", CHECKS)
def test_safe_url_checks_are_recognised_by_what_they_do(name):
    source, expected = CHECKS[name]
    function = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(function, ast.FunctionDef)
    assert checked_param(function) == expected


SAME_SITE = [
    're.match(r"^/[a-z]+", url)',
    're.match(r"/\\w", url)',
    're.fullmatch(r"/[\\w.-]+(/[\\w.-]+)*", url, re.I)',
    're.search(r"^/[a-z0-9_]", url)',
    're.search(r"\\A/[a-z]", url, flags=re.IGNORECASE)',
]
NOT_SAME_SITE = [
    're.match(r"^/", url)',  # "//evil.example"
    're.match(r"^/.*", url)',
    're.match(r"^/[a-z]*", url)',  # zero characters: "//evil.example"
    're.match(r"^/[\\w/]+", url)',  # "//evil.example"
    're.match(r"^/[^/]", url)',  # "/\\evil.example"
    're.match(r"^/\\S", url)',  # "/\\evil.example"
    're.match(r"^/[ -z]", url)',  # a range holding "/"
    're.match(r"^/\\s", url)',  # "/\\t/evil.example"
    're.search(r"/[a-z]", url)',  # unanchored: "https://evil.example/a"
    're.search(r"^/[a-z]", url, re.M)',  # "https://evil.example\\n/a"
    're.match(r"^/[a-z]", url, re.X)',
    're.match(r"^/[a-z]", other)',
    "pattern.match(url)",
]


@pytest.mark.parametrize("test", SAME_SITE)
def test_a_regex_proves_a_same_site_path(test):
    assert proves_path(ast.parse(test, mode="eval").body, "url")


@pytest.mark.parametrize("test", NOT_SAME_SITE)
def test_a_regex_that_lets_another_host_through_proves_nothing(test):
    assert not proves_path(ast.parse(test, mode="eval").body, "url")
