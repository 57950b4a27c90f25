"""Twins that need a whole project to decide: the safe project's finding is reported without
blocking and says why; the unsafe sibling project, one fact different, still blocks."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

DEV_SETTINGS = """\
from .base import *

DEBUG = True
SECRET_KEY = "local-development-secret-key-1234567890"
"""
DJANGO = {
    "settings/__init__.py": "",
    "settings/base.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
    "settings/main.py": "from .base import *\n\nDEBUG = False\n",
    "manage.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.main")\n',
    "settings/local_dev.py": DEV_SETTINGS,
    "settings/README.md": "Develop with `export DJANGO_SETTINGS_MODULE=settings.local_dev`.\n",
}
RUNNER = """\
from flask import Flask


def create_app():
    return Flask(__name__)


def main():
    app = create_app()
    app.run(host="0.0.0.0")


if __name__ == "__main__":
    main()
"""
FLASK_DEPLOYED = {
    "shop/__init__.py": "",
    "shop/run.py": RUNNER,
    "shop/wsgi.py": "from shop.run import create_app\n\napplication = create_app()\n",
    "conf/entrypoint.sh": "#!/bin/sh\nexec gunicorn shop.wsgi:application \\\n  -b 0.0.0.0:8000\n",
}
UVICORN = """\
import uvicorn


def main():
    uvicorn.run("app:app", host="0.0.0.0", port=8000{})
"""
FASTAPI_RUNNER = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
"""
FASTAPI_DEPLOYED = {
    "api/__init__.py": "",
    "api/main.py": FASTAPI_RUNNER,
    "entrypoint.sh": "#!/bin/sh\nexec uvicorn api.main:app --host $HOST --port $PORT\n",
}
DEBUG_LAUNCHED = {
    "bin/run.py": (
        'import uvicorn\n\nif __name__ == "__main__":\n'
        '    uvicorn.run("api.main:app", host="0.0.0.0")\n'
    ),
    "api/__init__.py": "",
    "api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    ".vscode/launch.json": '{"configurations": [{"program": "${workspaceFolder}/bin/run.py"}]}\n',
}
JINJA_FACTORY = """\
import jinja2


def create_jinja_env(folder, strict_rendering=False):
    loader = jinja2.PackageLoader("shop", folder)
    kwargs = {"loader": loader}
    if strict_rendering:
        kwargs["undefined"] = jinja2.StrictUndefined
    return jinja2.Environment(**kwargs)
"""
JINJA_CALLER = """\
from shop.utils import create_jinja_env


def generate_config(name):
    env = create_jinja_env("conf-templates", strict_rendering=True)
    return env.get_template(f"{name}.j2").render()
"""
JINJA = {
    "shop/utils.py": JINJA_FACTORY,
    "shop/manage.py": JINJA_CALLER,
    "shop/conf-templates/nginx.conf.j2": "server { listen 80; }\n",
    "shop/conf-templates/shop.cfg.j2": "SECRET_KEY = '{{ secret_key }}'\n",
}
LOCAL_HOST_SETTINGS = """\
import os

DOMAIN = os.environ["DOMAIN"]
INSTALLED_APPS = ["django.contrib.sessions", "site_app"]
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000

if DOMAIN == "localhost":
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
else:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
"""
PROXIED_SETTINGS = """\
import os

INSTALLED_APPS = ["django.contrib.sessions", "site_app"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
"""
NGINX_REDIRECT = """\
server {
    listen 80;
    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl;
    location / {
        proxy_pass http://web:8000;
    }
}
"""
PROXIED = {"site_app/settings.py": PROXIED_SETTINGS, "nginx/site.conf": NGINX_REDIRECT}

# name -> (safe project, unsafe project, the flagged file, the rule, words of the reason)
TWINS: dict[str, tuple[dict[str, str], dict[str, str], str, str, str]] = {
    "development-settings-module": (
        DJANGO,
        # the same module is what manage.py runs with: production settings
        {
            **DJANGO,
            "manage.py": DJANGO["manage.py"].replace("settings.main", "settings.local_dev"),
        },
        "settings/local_dev.py",
        "devsecbots.python.hardcoded-secret-key",
        "development code (settings for local development",
    ),
    "development-settings-imported-by-production": (
        DJANGO,
        {**DJANGO, "settings/main.py": "from .base import *\nfrom .local_dev import *\n"},
        "settings/local_dev.py",
        "devsecbots.python.hardcoded-secret-key",
        "no DJANGO_SETTINGS_MODULE and no application module loads it",
    ),
    "flask-runner-beside-a-production-server": (
        FLASK_DEPLOYED,
        {"shop/__init__.py": "", "shop/run.py": RUNNER},  # the runner is the only way to serve it
        "shop/run.py",
        "devsecbots.flask.bind-all-interfaces",
        "the deployment serves shop/wsgi.py with gunicorn (conf/entrypoint.sh)",
    ),
    "flask-runner-deployment-only-described": (
        FLASK_DEPLOYED,
        # a README describing gunicorn starts nothing: the runner may be how the app is served
        {
            **{p: t for p, t in FLASK_DEPLOYED.items() if p != "conf/entrypoint.sh"},
            "README.md": "Serve it with `gunicorn shop.wsgi:application`.\n",
        },
        "shop/run.py",
        "devsecbots.flask.bind-all-interfaces",
        "a contributor's runner",
    ),
    "flask-runner-installed-as-a-command": (
        FLASK_DEPLOYED,
        {**FLASK_DEPLOYED, "pyproject.toml": '[project.scripts]\nshop = "shop.run:main"\n'},
        "shop/run.py",
        "devsecbots.flask.bind-all-interfaces",
        "a contributor's runner",
    ),
    "uvicorn-runner-beside-a-production-server": (
        FASTAPI_DEPLOYED,
        {"api/__init__.py": "", "api/main.py": FASTAPI_RUNNER},  # the runner is how it is served
        "api/main.py",
        "devsecbots.fastapi.bind-all-interfaces",
        "the deployment serves api/main.py with uvicorn (entrypoint.sh)",
    ),
    "uvicorn-runner-only-an-editor-launches": (
        DEBUG_LAUNCHED,
        # the container runs the same script: it is how the app is served
        {**DEBUG_LAUNCHED, "Dockerfile": 'FROM python:3.12\nCMD ["python", "bin/run.py"]\n'},
        "bin/run.py",
        "devsecbots.fastapi.bind-all-interfaces",
        "only the editor's launch configuration (.vscode/launch.json) starts this script",
    ),
    "uvicorn-runner-nothing-launches": (
        DEBUG_LAUNCHED,
        # no launch configuration at all: nothing says it is only a debug target
        {p: t for p, t in DEBUG_LAUNCHED.items() if not p.startswith(".vscode")},
        "bin/run.py",
        "devsecbots.fastapi.bind-all-interfaces",
        "only the editor's launch configuration",
    ),
    "uvicorn-auto-reload": (
        {"api/app.py": UVICORN.format(", reload=True")},
        {"api/app.py": UVICORN.format("")},
        "api/app.py",
        "devsecbots.fastapi.bind-all-interfaces",
        "reload=True starts uvicorn's auto-reloading development server",
    ),
    "jinja-loader-over-configuration-templates": (
        JINJA,
        {**JINJA, "shop/conf-templates/welcome.html": "<p>{{ name }}</p>\n"},
        "shop/utils.py",
        "B701",
        "its loader reads only shop/conf-templates/, whose templates are not HTML",
    ),
    "jinja-loader-folder-from-a-caller": (
        JINJA,
        {**JINJA, "shop/manage.py": JINJA_CALLER.replace('"conf-templates"', "name")},
        "shop/utils.py",
        "B701",
        "nginx.conf.j2, shop.cfg.j2",
    ),
    "session-cookie-insecure-only-on-localhost": (
        {"site_app/settings.py": LOCAL_HOST_SETTINGS},
        # a real host name: that deployment runs with insecure cookies
        {"site_app/settings.py": LOCAL_HOST_SETTINGS.replace('"localhost"', '"example.org"')},
        "site_app/settings.py",
        "devsecbots.django.session-cookie-not-secure",
        "insecure only when the site is served on this machine",
    ),
    "csrf-cookie-insecure-on-localhost-without-else": (
        {"site_app/settings.py": LOCAL_HOST_SETTINGS},
        # no else: nothing says other hosts get the Secure flag
        {"site_app/settings.py": LOCAL_HOST_SETTINGS.split("else:")[0]},
        "site_app/settings.py",
        "devsecbots.django.csrf-cookie-not-secure",
        "the else branch sets it for every other host",
    ),
    "https-redirect-left-to-the-shipped-proxy": (
        PROXIED,
        # the port-80 server proxies plain HTTP to Django instead of redirecting it
        {
            **PROXIED,
            "nginx/site.conf": NGINX_REDIRECT.replace("return 301 https", "proxy_pass http"),
        },
        "site_app/settings.py",
        "devsecbots.django.https-not-enforced",
        "nginx/site.conf answers plain HTTP on port 80 with a redirect to https",
    ),
    "https-redirect-proxy-the-settings-do-not-name": (
        PROXIED,
        # no SECURE_PROXY_SSL_HEADER: nothing says Django sits behind that proxy
        {
            **PROXIED,
            "site_app/settings.py": PROXIED_SETTINGS.replace("SECURE_PROXY_SSL_HEADER", "X_PROXY"),
        },
        "site_app/settings.py",
        "devsecbots.django.https-not-enforced",
        "SECURE_PROXY_SSL_HEADER for that proxy",
    ),
}


def _findings(files: dict[str, str], path: str, rule: str) -> list:
    ctx = Context()
    found = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    return [f for f in found if f["file"] == path and f["rule_id"] == rule]


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_project_reports_without_blocking_and_says_why(name):
    safe, _, path, rule, why = TWINS[name]
    found = _findings(safe, path, rule)
    assert found, f"{rule} not reported in {path}"
    assert not any(is_blocking(f, Context().blocking_severity) for f in found)
    assert all(why in f["recommendation"] + f["exempt"] for f in found), found


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_project_blocks(name):
    _, unsafe, path, rule, _ = TWINS[name]
    assert any(is_blocking(f, Context().blocking_severity) for f in _findings(unsafe, path, rule))
