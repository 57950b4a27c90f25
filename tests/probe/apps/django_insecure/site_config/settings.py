"""Settings of the notes twin: none of the protections the probes look for."""

SECRET_KEY = "django-insecure-notes-twin-key"
DEBUG = True
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.sessions", "notes"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
ROOT_URLCONF = "site_config.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "notes.sqlite3"}}
USE_TZ = True
