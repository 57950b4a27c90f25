"""Django codemods: settings from the environment, parametrised SQL, ORDER BY allow-lists,
@csrf_exempt removed unless the view is a token-authenticated API."""

from __future__ import annotations

from devsecbots.nodes.analyzers.semgrep_runner import run_semgrep
from devsecbots.nodes.autofix import apply_fixes
from devsecbots.nodes.autofix.codemods.django_settings import SECURE_SETTINGS

from tests.autofix.helpers import assert_fixed, declined, finding_at

SETTINGS = "shop_site/settings.py"
SETTINGS_BEFORE = """from pathlib import Path

SECRET_KEY = "django-insecure-abc"
DEBUG = True
ALLOWED_HOSTS = ["*", "shop.example.com"]
INSTALLED_APPS = ["shop"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "shop_site.urls"
"""
SETTINGS_AFTER = """import os
from pathlib import Path

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "shop.example.com").split(",")
INSTALLED_APPS = ["shop"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "shop_site.urls"

# HTTPS only; behind a TLS proxy also set SECURE_PROXY_SSL_HEADER. Plain-http installs:
# DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SESSION_COOKIE_SECURE=0 (session and CSRF cookies)
SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SESSION_COOKIE_SECURE", "1") != "0"
CSRF_COOKIE_SECURE = os.environ.get("DJANGO_SESSION_COOKIE_SECURE", "1") != "0"
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "3600"))
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
"""


def settings_findings(source: str) -> list:
    rules = {
        "devsecbots.django.hardcoded-secret-key": "SECRET_KEY",
        "devsecbots.django.debug-enabled": "DEBUG",
        "devsecbots.django.allowed-hosts-wildcard": "ALLOWED_HOSTS",
        "devsecbots.django.session-cookie-not-secure": "INSTALLED_APPS",
        "devsecbots.django.https-not-enforced": "INSTALLED_APPS",
        "devsecbots.django.missing-csrf-middleware": "MIDDLEWARE",
        "devsecbots.django.missing-security-middleware": "MIDDLEWARE",
    }
    return [finding_at(source, rule, needle, path=SETTINGS) for rule, needle in rules.items()]


def test_settings_come_from_the_environment_with_safe_defaults():
    outcome = assert_fixed(
        SETTINGS_BEFORE, SETTINGS_AFTER, settings_findings(SETTINGS_BEFORE), path=SETTINGS
    )
    assert any("one stable key shared by every worker" in n for n in outcome.notes)


def test_secure_cookies_have_one_off_switch_and_still_pass_review():
    cookies = (
        "devsecbots.django.session-cookie-not-secure",
        "devsecbots.django.csrf-cookie-not-secure",
    )
    unsafe = SETTINGS_AFTER.replace(
        'os.environ.get("DJANGO_SESSION_COOKIE_SECURE", "1") != "0"', "False"
    )
    found = run_semgrep({SETTINGS: SETTINGS_AFTER, "unsafe/settings.py": unsafe})
    assert not [f for f in found if f["file"] == SETTINGS and f["rule_id"] in cookies]
    assert {f["rule_id"] for f in found if f["file"] == "unsafe/settings.py"} >= set(cookies)
    switched = {
        n: eval(v, {"os": _Env({"DJANGO_SESSION_COOKIE_SECURE": "0"})})
        for n, v in SECURE_SETTINGS.items()
        if "COOKIE" in n
    }
    assert switched == {"SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False}
    on = {n: eval(v, {"os": _Env({})}) for n, v in SECURE_SETTINGS.items() if "COOKIE" in n}
    assert on == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}


class _Env:
    """A stand-in for the os module with the given environment."""

    def __init__(self, environ: dict[str, str]):
        self.environ = environ


def test_the_secret_is_never_a_per_process_random_key():
    finding = finding_at(SETTINGS_BEFORE, "B105", "SECRET_KEY", path=SETTINGS, source_name="bandit")
    outcome = assert_fixed(
        SETTINGS_BEFORE,
        SETTINGS_BEFORE.replace('"django-insecure-abc"', 'os.environ["DJANGO_SECRET_KEY"]').replace(
            "from pathlib", "import os\nfrom pathlib"
        ),
        [finding],
        path=SETTINGS,
    )
    assert "secrets" not in outcome.files[SETTINGS]


def test_a_fallback_keeps_the_variable_deployments_already_set():
    before = SETTINGS_BEFORE.replace(
        '"django-insecure-abc"', 'os.getenv("SECRET_KEY", "django-insecure-abc")'
    ).replace("from pathlib", "import os\nfrom pathlib")
    finding = finding_at(before, "B105", "SECRET_KEY", path=SETTINGS, source_name="bandit")
    after = before.replace(
        'os.getenv("SECRET_KEY", "django-insecure-abc")', 'os.environ["SECRET_KEY"]'
    )
    outcome = assert_fixed(before, after, [finding], path=SETTINGS)
    assert any("env SECRET_KEY, required at start-up" in n for n in outcome.notes)


def test_a_default_the_settings_refuse_outside_debug_is_left_alone():
    refusing = SETTINGS_BEFORE.replace(
        "DEBUG = True", 'DEBUG = os.environ.get("DJANGO_DEBUG") == "1"'
    ).replace("from pathlib", "import os\nfrom pathlib") + (
        'if SECRET_KEY == "django-insecure-abc" and not DEBUG:\n'
        '    raise ImproperlyConfigured("set SECRET_KEY")\n'
    )
    finding = finding_at(refusing, "B105", "SECRET_KEY", path=SETTINGS, source_name="bandit")
    [reason] = declined(refusing, [finding], path=SETTINGS)
    assert "already refuses to start with this value (shop_site/settings.py:13)" in reason
    # DEBUG on unless configured: the normal run never refuses the key, so it is replaced.
    debug_on = refusing.replace('os.environ.get("DJANGO_DEBUG") == "1"', "True")
    finding = finding_at(debug_on, "B105", "SECRET_KEY", path=SETTINGS, source_name="bandit")
    outcome = apply_fixes({SETTINGS: debug_on}, [finding])
    assert 'os.environ["DJANGO_SECRET_KEY"]' in outcome.files[SETTINGS]


def test_settings_rules_outside_a_settings_module_are_declined():
    source = "DEBUG = True\n"
    reasons = declined(
        source,
        [finding_at(source, "devsecbots.django.debug-enabled", "DEBUG", path="config.py")],
        path="config.py",
    )
    assert reasons and "no Django setting found" in reasons[0]


VIEWS_BEFORE = """from django.db import connection
from django.http import JsonResponse

from shop.models import Product


def product_list(request):
    order = request.GET.get("order", "name")
    products = Product.objects.raw("SELECT id, name, price FROM shop_product ORDER BY " + order)
    return JsonResponse({"products": [p.name for p in products]})


def search(request):
    term = request.GET.get("q", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM shop_product WHERE name LIKE '%" + term + "%'")
        return JsonResponse({"results": [row[0] for row in cursor.fetchall()]})
"""
VIEWS_AFTER = """from django.db import connection
from django.http import JsonResponse

from django.core.exceptions import SuspiciousOperation
from shop.models import Product


def product_list(request):
    order = request.GET.get("order", "name")
    query = {
        "id": "SELECT id, name, price FROM shop_product ORDER BY id",
        "name": "SELECT id, name, price FROM shop_product ORDER BY name",
        "price": "SELECT id, name, price FROM shop_product ORDER BY price",
    }.get(order)
    if query is None:
        raise SuspiciousOperation("order: not one of the allowed columns")
    products = Product.objects.raw(query)
    return JsonResponse({"products": [p.name for p in products]})


def search(request):
    term = request.GET.get("q", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM shop_product WHERE name LIKE %s", (f"%{term}%",))
        return JsonResponse({"results": [row[0] for row in cursor.fetchall()]})
"""
RULE = "devsecbots.django.sql-injection"


def test_values_become_parameters_and_order_by_an_allow_list():
    findings = [
        finding_at(VIEWS_BEFORE, RULE, "objects.raw", path="shop/views.py"),
        finding_at(VIEWS_BEFORE, RULE, "cursor.execute", path="shop/views.py"),
    ]
    assert_fixed(VIEWS_BEFORE, VIEWS_AFTER, findings, path="shop/views.py")


def test_order_by_of_select_star_takes_the_models_fields():
    models = (
        "from django.db import models\n\n\nclass Product(models.Model):\n"
        "    name = models.CharField(max_length=9)\n    price = models.IntegerField()\n"
    )
    views = (
        "from django.http import JsonResponse\n\nfrom shop.models import Product\n\n\n"
        "def listing(request):\n"
        "    rows = Product.objects.raw(\n"
        "        f\"SELECT * FROM shop_product ORDER BY {request.GET['o']}\"\n"
        "    )\n"
        "    return JsonResponse({'n': len(list(rows))})\n"
    )
    from devsecbots.nodes.autofix import apply_fixes

    finding = finding_at(views, RULE, "objects.raw", path="shop/views.py")
    outcome = apply_fixes({"shop/views.py": views, "shop/models.py": models}, [finding])
    fixed = outcome.files["shop/views.py"]
    assert outcome.fixed == [finding]
    assert '"price": "SELECT * FROM shop_product ORDER BY price"' in fixed
    assert ".get(request.GET['o'])" in fixed and "ORDER BY {" not in fixed


def test_an_identifier_without_known_columns_is_unfixable_with_a_reason():
    source = (
        "from django.db import connection\n\n\ndef listing(request, table):\n"
        "    with connection.cursor() as cursor:\n"
        '        cursor.execute("SELECT * FROM t ORDER BY " + request.GET["o"])\n'
    )
    reasons = declined(source, [finding_at(source, RULE, "cursor.execute")])
    assert reasons and "allow-list" in reasons[0]


EXEMPT_BEFORE = """from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def add_to_cart(request):
    request.session["cart"] = request.POST.getlist("items")
    return JsonResponse({"ok": True})
"""
EXEMPT_AFTER = """from django.http import JsonResponse


def add_to_cart(request):
    request.session["cart"] = request.POST.getlist("items")
    return JsonResponse({"ok": True})
"""


def test_csrf_exempt_is_removed_from_a_session_view():
    finding = finding_at(EXEMPT_BEFORE, "devsecbots.django.csrf-exempt", "@csrf_exempt")
    assert_fixed(EXEMPT_BEFORE, EXEMPT_AFTER, [finding])


def test_csrf_exempt_on_a_token_api_is_unfixable_with_the_reason():
    source = EXEMPT_BEFORE.replace(
        '    request.session["cart"]',
        '    if request.headers.get("Authorization") != f"Bearer {TOKEN}":\n'
        '        return JsonResponse({}, status=401)\n    request.session["cart"]',
    )
    reasons = declined(
        source, [finding_at(source, "devsecbots.django.csrf-exempt", "@csrf_exempt")]
    )
    assert reasons and "token" in reasons[0] and "API" in reasons[0]


REDIRECT = "devsecbots.django.open-redirect"
WEB_BEFORE = """from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.safestring import mark_safe


def page(request):
    note = request.GET.get("note", "")
    return HttpResponse(mark_safe(f"<h1>{note}</h1><p>{{braces}}</p>"))


def hello(request):
    return HttpResponse("<b>" + request.GET["name"] + "</b>")


def done(request):
    return redirect(request.GET.get("next", "/home/"))
"""
WEB_AFTER = """from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme


def page(request):
    note = request.GET.get("note", "")
    return HttpResponse(format_html("<h1>{}</h1><p>{{braces}}</p>", note))


def hello(request):
    return HttpResponse(format_html("<b>{}</b>", request.GET["name"]))


def done(request):
    next_url = request.GET.get("next", "/home/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/home/"
    return redirect(next_url)
"""


def test_html_of_request_data_is_escaped_and_redirects_stay_on_site():
    findings = [
        finding_at(WEB_BEFORE, "devsecbots.django.xss", "mark_safe(f", path="shop/views.py"),
        finding_at(WEB_BEFORE, "devsecbots.django.xss", '"<b>"', path="shop/views.py"),
        finding_at(WEB_BEFORE, REDIRECT, "redirect(request", path="shop/views.py"),
    ]
    assert_fixed(WEB_BEFORE, WEB_AFTER, findings, path="shop/views.py")


def test_markup_built_elsewhere_is_not_escaped_whole():
    source = """from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def card(request):
    html = format_html("<b>{}</b>", request.GET["q"])
    return HttpResponse(mark_safe(html))
"""
    finding = finding_at(source, "devsecbots.django.xss", "mark_safe(html)", path="shop/views.py")
    reasons = declined(source, [finding], path="shop/views.py")
    assert "is built elsewhere" in reasons[0]


def test_escaping_keeps_the_markup_and_escapes_the_values():
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure()
        django.setup()
    from django.utils.html import format_html

    html = format_html("<h1>{}</h1><p>{{braces}}</p>", "<script>x</script>")
    assert html == "<h1>&lt;script&gt;x&lt;/script&gt;</h1><p>{braces}</p>"


COMMENTED_MIDDLEWARE = """MIDDLEWARE = [
    # Metrics
    'metrics.middleware.BeforeMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',  # sessions

    # Auth
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'axes.middleware.AxesMiddleware',  # should be the last one in the list
]
INSTALLED_APPS = ["shop"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 3600
"""


def test_middleware_entries_are_inserted_keeping_comments_and_quotes():
    after = (
        COMMENTED_MIDDLEWARE.replace(
            "    # Metrics\n",
            "    'django.middleware.security.SecurityMiddleware',\n    # Metrics\n",
        ).replace(
            "  # sessions\n",
            "  # sessions\n    'django.middleware.csrf.CsrfViewMiddleware',\n",
        )
        + 'SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"\n'
    )
    findings = [
        finding_at(COMMENTED_MIDDLEWARE, rule, "MIDDLEWARE", path=SETTINGS)
        for rule in (
            "devsecbots.django.missing-security-middleware",
            "devsecbots.django.missing-csrf-middleware",
        )
    ]
    assert_fixed(COMMENTED_MIDDLEWARE, after, findings, path=SETTINGS)


FRAMELESS_MIDDLEWARE = """MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
INSTALLED_APPS = ["shop"]
"""
FRAME_RULE = "devsecbots.django.missing-frame-protection"


def test_frame_protection_appends_the_clickjacking_middleware():
    after = FRAMELESS_MIDDLEWARE.replace(
        '    "django.middleware.csrf.CsrfViewMiddleware",\n',
        '    "django.middleware.csrf.CsrfViewMiddleware",\n'
        '    "django.middleware.clickjacking.XFrameOptionsMiddleware",\n',
    )
    finding = finding_at(FRAMELESS_MIDDLEWARE, FRAME_RULE, "MIDDLEWARE", path=SETTINGS)
    assert_fixed(FRAMELESS_MIDDLEWARE, after, [finding], path=SETTINGS)


def test_security_middleware_fix_does_not_add_what_no_finding_asked_for():
    source = FRAMELESS_MIDDLEWARE.replace(
        '    "django.middleware.security.SecurityMiddleware",\n', ""
    )
    after = (
        source.replace(
            "MIDDLEWARE = [\n",
            'MIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n',
        )
        + 'SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"\n'
    )
    finding = finding_at(
        source, "devsecbots.django.missing-security-middleware", "MIDDLEWARE", path=SETTINGS
    )
    assert_fixed(source, after, [finding], path=SETTINGS)


def test_frame_protection_is_left_to_the_author_when_the_app_frames_its_own_pages():
    template = "<iframe src=\"{% url 'shop:preview' item.pk %}\"></iframe>\n"
    files = {SETTINGS: FRAMELESS_MIDDLEWARE, "shop/templates/shop/item.html": template}
    finding = finding_at(FRAMELESS_MIDDLEWARE, FRAME_RULE, "MIDDLEWARE", path=SETTINGS)
    outcome = apply_fixes(files, [finding])
    assert outcome.changed == [] and outcome.fixed == []
    assert "frames pages of its own" in outcome.reason(outcome.unfixable[0])
    assert "shop/templates/shop/item.html" in outcome.reason(outcome.unfixable[0])
    video = '<iframe src="https://www.youtube.com/embed/x"></iframe>\n'
    files["shop/templates/shop/item.html"] = video  # a fixed third-party URL is not the app
    assert apply_fixes(files, [finding]).changed == [SETTINGS]


def test_a_referrer_policy_the_project_chose_is_kept():
    source = (
        FRAMELESS_MIDDLEWARE.replace('    "django.middleware.security.SecurityMiddleware",\n', "")
        + 'SECURE_REFERRER_POLICY = "no-referrer"\n'
    )
    finding = finding_at(
        source, "devsecbots.django.missing-security-middleware", "MIDDLEWARE", path=SETTINGS
    )
    outcome = apply_fixes({SETTINGS: source}, [finding])
    assert outcome.files[SETTINGS].count("SECURE_REFERRER_POLICY") == 1
    assert "SecurityMiddleware" in outcome.files[SETTINGS]
