# Tests for django_settings.yaml (semgrep --test): a Django settings module. Not meant to run.
import os

# ruleid: devsecbots.django.hardcoded-secret-key
SECRET_KEY = "django-insecure-abc"
# ruleid: devsecbots.django.hardcoded-secret-key
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-abc")
# ok: devsecbots.django.hardcoded-secret-key
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

# ruleid: devsecbots.django.debug-enabled
DEBUG = True
# ok: devsecbots.django.debug-enabled
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"

# ruleid: devsecbots.django.allowed-hosts-wildcard
ALLOWED_HOSTS = ["*"]
# ok: devsecbots.django.allowed-hosts-wildcard
ALLOWED_HOSTS = ["shop.example.com", "localhost"]

# ruleid: devsecbots.django.session-cookie-not-secure, devsecbots.django.csrf-cookie-not-secure, devsecbots.django.https-not-enforced, devsecbots.django.missing-hsts
INSTALLED_APPS = ["django.contrib.sessions", "shop"]

# ruleid: devsecbots.django.missing-security-middleware, devsecbots.django.missing-csrf-middleware, devsecbots.django.missing-frame-protection
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
]
# ok: devsecbots.django.missing-frame-protection
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# ok: devsecbots.django.missing-frame-protection
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "csp.middleware.CSPMiddleware",
]
# ruleid: devsecbots.django.missing-frame-protection
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

# ok: devsecbots.django.missing-security-middleware, devsecbots.django.missing-csrf-middleware, devsecbots.django.missing-frame-protection
MIDDLEWARE = [*MIDDLEWARE, "debug_toolbar.middleware.DebugToolbarMiddleware"]
# ruleid: devsecbots.django.missing-security-middleware, devsecbots.django.missing-csrf-middleware, devsecbots.django.missing-frame-protection
MIDDLEWARE = [*COMMON_MIDDLEWARE, "debug_toolbar.middleware.DebugToolbarMiddleware"]

# ok: devsecbots.django.session-cookie-not-secure, devsecbots.django.csrf-cookie-not-secure, devsecbots.django.https-not-enforced, devsecbots.django.missing-hsts
INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]
# ruleid: devsecbots.django.session-cookie-not-secure, devsecbots.django.csrf-cookie-not-secure, devsecbots.django.https-not-enforced, devsecbots.django.missing-hsts
INSTALLED_APPS = [*BASE_APPS, "debug_toolbar"]

ROOT_URLCONF = "shop_site.urls"
