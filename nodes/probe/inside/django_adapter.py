"""The Django adapter: set up the project's settings, a throwaway database, and its test Client."""

from __future__ import annotations

import os
import re
from typing import Any

from forms import discover_forms, hidden_fields_of
from web import Facts, Form, Reply, next_address

HOST = "testserver"
_REGEX_NOISE = re.compile(r"[\^$]")
_CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")
STATE_CHANGING = re.compile(
    r"\b(add|create|new|upload|login|signin|register|signup|delete|remove|update|edit|checkout|"
    r"comment|submit|order|transfer|reset)\b",
    re.I,
)


def load(settings_module: str, database: str) -> Any:
    """Configure Django from the project's settings; tables go to a fresh SQLite file."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    # The tables go to a fresh SQLite file: no database server is reachable from the sandbox.
    settings.DATABASES["default"].update(ENGINE="django.db.backends.sqlite3", NAME=database)
    django.setup()
    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    return settings


class Visitor:
    """One visitor: its own address and cookies; CSRF checks enforced as in production."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True, REMOTE_ADDR=next_address())

    def get(self, url: str, *, https: bool = True) -> Reply:
        """GET a URL over https (or plain http)."""
        return self._call(lambda: self.client.get(url, secure=https))

    def hidden_fields(self, page: str, action: str) -> dict[str, str]:
        """The fields of the form posting to `action`, as `page` serves them now."""
        return hidden_fields_of(self.get(page).body.decode("utf-8", "replace"), action)

    def post_files(
        self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]], page: str
    ) -> Reply:
        """A multipart POST, sent from `page` as a browser would (Referer included)."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        data: dict[str, Any] = dict(fields)
        data.update({k: SimpleUploadedFile(name, content) for k, (name, content) in files.items()})
        referer = f"https://{HOST}{page or url}"
        return self._call(
            lambda: self.client.post(url, data=data, secure=True, HTTP_REFERER=referer)
        )

    def post(self, url: str, data: dict[str, str]) -> Reply:
        """A plain form POST over https."""
        referer = f"https://{HOST}{url}"
        return self._call(lambda: self.client.post(url, data, secure=True, HTTP_REFERER=referer))

    @staticmethod
    def _call(send) -> Reply:
        try:
            response = send()
        except Exception as failure:  # noqa: BLE001 - the test client re-raises the view's error
            return Reply(status=500, error=f"{type(failure).__name__}: {failure}"[:300])
        headers = {k.lower(): v for k, v in response.items()}
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return Reply(status=response.status_code, headers=headers, body=body)


class DjangoAdapter:
    """The probes' view of a Django project."""

    framework = "django"

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    def visitor(self) -> Visitor:
        """A new visitor with its own address and no cookies."""
        return Visitor()

    def find_forms(self) -> list[Form]:
        """Every POST form on the project's parameterless HTML pages, file forms first."""
        return discover_forms(self.visitor(), [p for p, params in self._routes() if not params])

    def serving_prefixes(self) -> list[str]:
        """URL prefixes of routes with exactly one parameter at the end."""
        return [
            path.split("<", 1)[0]
            for path, params in self._routes()
            if params == 1 and path.rstrip("/").endswith(">")
        ]

    def post_routes(self) -> list[str]:
        """Routes whose names say they change state, parameters filled in (Django routes do not
        declare their methods, so a read-only view is never taken for a state-changing one)."""
        routes = []
        for path, _ in self._routes():
            if STATE_CHANGING.search(path):
                routes.append(
                    _CONVERTER.sub(lambda m: "1" if m.group(1) == "int" else "probe", path)
                )
        return routes

    def facts(self) -> Facts:
        """Debug, secret key and session cookie flags from the settings."""
        s = self.settings
        sessions = "django.contrib.sessions" in s.INSTALLED_APPS
        return Facts(
            debug=bool(s.DEBUG),
            secret=s.SECRET_KEY,
            session_cookie={
                "secure": s.SESSION_COOKIE_SECURE is True,
                "httponly": s.SESSION_COOKIE_HTTPONLY is True,
                "samesite": s.SESSION_COOKIE_SAMESITE,
            }
            if sessions
            else None,
            cookie_sessions=sessions,
        )

    def _routes(self) -> list[tuple[str, int]]:
        """(path, number of parameters) of every URL pattern, includes flattened."""
        from django.urls import URLResolver, get_resolver

        found: list[tuple[str, int]] = []

        def walk(patterns: list[Any], prefix: str) -> None:
            for pattern in patterns:
                text = prefix + _REGEX_NOISE.sub("", str(pattern.pattern))
                if isinstance(pattern, URLResolver):
                    walk(pattern.url_patterns, text)
                else:
                    params = getattr(pattern.pattern, "converters", None)
                    count = len(params) if params is not None else pattern.pattern.regex.groups
                    found.append(("/" + text, count))

        walk(get_resolver().url_patterns, "")
        return found
