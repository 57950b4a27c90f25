"""The FastAPI/Starlette adapter: load the app, visit it with TestClient, read its middleware."""

from __future__ import annotations

import importlib
import inspect
import re
import typing
from typing import Any

from forms import discover_forms, hidden_fields_of
from web import Facts, Form, Reply, next_address

HTTPS, HTTP = "https://testserver", "http://testserver"
_PATH_PARAM = re.compile(r"\{[^}]+\}")


def load(module_name: str, attribute: str) -> Any:
    """Import the project's module and return its ASGI app (the attribute, or the factory's)."""
    from starlette.applications import Starlette

    module = importlib.import_module(module_name)
    if attribute:
        found = getattr(module, attribute)
        return found if isinstance(found, Starlette) else found()
    for value in vars(module).values():
        if isinstance(value, Starlette):
            return value
    raise LookupError(f"no FastAPI app object in {module_name}")


class Visitor:
    """One visitor: its own address and cookie jar; the app's lifespan is not run."""

    def __init__(self, app: Any) -> None:
        from fastapi.testclient import TestClient

        self.client = TestClient(
            app, base_url=HTTPS, client=(next_address(), 50000), follow_redirects=False
        )

    def get(self, url: str, *, https: bool = True) -> Reply:
        """GET a URL over https (or plain http)."""
        return self._call(lambda: self.client.get((HTTPS if https else HTTP) + url))

    def hidden_fields(self, page: str, action: str) -> dict[str, str]:
        """The fields of the form posting to `action`, as `page` serves them now."""
        return hidden_fields_of(self.get(page).body.decode("utf-8", "replace"), action)

    def post_files(
        self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]], page: str
    ) -> Reply:
        """A multipart POST (with a Referer when it comes from a page)."""
        headers = {"Referer": HTTPS + page} if page else {}
        return self._call(
            lambda: self.client.post(HTTPS + url, data=fields, files=files, headers=headers)
        )

    def post(self, url: str, data: dict[str, str]) -> Reply:
        """A plain form POST over https."""
        return self._call(lambda: self.client.post(HTTPS + url, data=data))

    @staticmethod
    def _call(send) -> Reply:
        try:
            response = send()
        except Exception as failure:  # noqa: BLE001 - the app's error reaches the test client
            return Reply(status=500, error=f"{type(failure).__name__}: {failure}"[:300])
        headers = {k.lower(): v for k, v in response.headers.items()}
        return Reply(status=response.status_code, headers=headers, body=response.content)


class FastAPIAdapter:
    """The probes' view of a FastAPI (or Starlette) app."""

    framework = "fastapi"

    def __init__(self, app: Any) -> None:
        self.app = app

    def visitor(self) -> Visitor:
        """A new visitor with its own address and no cookies."""
        return Visitor(self.app)

    def find_forms(self) -> list[Form]:
        """POST forms on the app's HTML pages, then endpoints that take a file (API uploads)."""
        forms = discover_forms(self.visitor(), self._routes("GET", with_params=False))
        for route in self._api_routes("POST"):
            if _PATH_PARAM.search(route.path):
                continue
            file_field, fields = _upload_params(route.endpoint)
            if file_field:
                forms.append(Form(url=route.path, field=file_field, fields=fields))
        return forms

    def serving_prefixes(self) -> list[str]:
        """URL prefixes of GET routes with exactly one path parameter."""
        return [
            route.path.split("{", 1)[0]
            for route in self._api_routes("GET")
            if len(_PATH_PARAM.findall(route.path)) == 1 and route.path.endswith("}")
        ]

    def post_routes(self) -> list[str]:
        """State-changing routes without path parameters."""
        return [r.path for r in self._api_routes("POST") if not _PATH_PARAM.search(r.path)]

    def facts(self) -> Facts:
        """Debug flag and, when SessionMiddleware is installed, its secret and cookie flags."""
        facts = Facts(debug=bool(getattr(self.app, "debug", False)))
        for middleware in getattr(self.app, "user_middleware", []):
            if getattr(middleware.cls, "__name__", "") == "SessionMiddleware":
                options = dict(middleware.kwargs)
                facts.secret = options.get("secret_key")
                facts.cookie_sessions = True
                facts.session_cookie = {
                    "secure": options.get("https_only", False) is True,
                    "httponly": True,
                    "samesite": str(options.get("same_site", "lax")).capitalize(),
                }
        return facts

    def _api_routes(self, method: str) -> list[Any]:
        return [
            r
            for r in getattr(self.app, "routes", [])
            if method in (getattr(r, "methods", None) or ()) and hasattr(r, "endpoint")
        ]

    def _routes(self, method: str, *, with_params: bool) -> list[str]:
        return sorted(
            {
                r.path
                for r in self._api_routes(method)
                if with_params or not _PATH_PARAM.search(r.path)
            }
        )


def _upload_params(endpoint: Any) -> tuple[str, dict[str, str]]:
    """(the UploadFile parameter's field name, other form fields) of an endpoint."""
    from fastapi import UploadFile

    file_field, fields = "", {}
    try:
        hints = typing.get_type_hints(endpoint, include_extras=True)
    except Exception:  # noqa: BLE001 - unresolvable annotations: judge by the signature only
        hints = {}
    for name, parameter in inspect.signature(endpoint).parameters.items():
        annotation = hints.get(name, parameter.annotation)
        alias = getattr(parameter.default, "alias", None) or name
        if UploadFile in _flatten(annotation):
            file_field = file_field or alias
        elif type(parameter.default).__name__ == "Form":
            fields[alias] = "probe"
    return file_field, fields


def _flatten(annotation: Any) -> set[Any]:
    """The annotation and every type nested in it (Annotated, Optional, list, ...)."""
    found = {annotation}
    for inner in typing.get_args(annotation):
        found |= _flatten(inner)
    return found
