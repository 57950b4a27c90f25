"""Inventory settings. Deliberately insecure: part of the hardening corpus."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "inventory-fallback-key")
DEBUG = True
ALLOWED_HOSTS = ["localhost", "*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "stock"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "inventory_site.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
CSRF_COOKIE_SECURE = True
