"""The Flask adapter: load the app, visit it with Flask's test client, read its configuration."""

from __future__ import annotations

import importlib
import io
from typing import Any

from forms import discover_forms, hidden_fields_of
from web import Facts, Form, Reply, next_address

HTTPS, HTTP = "https://localhost", "http://localhost"


def load(module_name: str, attribute: str) -> Any:
    """Import the project's module and return its Flask app (the attribute, or the factory's)."""
    from flask import Flask

    module = importlib.import_module(module_name)
    if attribute:
        found = getattr(module, attribute)
        return found if isinstance(found, Flask) else found()
    for value in vars(module).values():
        if isinstance(value, Flask):
            return value
    raise LookupError(f"no Flask app object in {module_name}")


class Visitor:
    """One visitor: its own address and cookie jar."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = next_address()

    def get(self, url: str, *, https: bool = True) -> Reply:
        """GET a URL over https (or plain http)."""
        return self._call(lambda: self.client.get(url, base_url=HTTPS if https else HTTP))

    def hidden_fields(self, page: str, action: str) -> dict[str, str]:
        """The fields of the form posting to `action`, as `page` serves them now."""
        return hidden_fields_of(self.get(page).body.decode("utf-8", "replace"), action)

    def post_files(
        self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]], page: str
    ) -> Reply:
        """A multipart POST, sent from `page` as a browser would (Referer included)."""
        data: dict[str, Any] = dict(fields)
        data.update({k: (io.BytesIO(content), name) for k, (name, content) in files.items()})
        headers = {"Referer": HTTPS + (page or url)}
        return self._call(
            lambda: self.client.post(
                url, data=data, content_type="multipart/form-data", base_url=HTTPS, headers=headers
            )
        )

    def post(self, url: str, data: dict[str, str]) -> Reply:
        """A plain form POST over https."""
        return self._call(lambda: self.client.post(url, data=data, base_url=HTTPS))

    @staticmethod
    def _call(send) -> Reply:
        try:
            response = send()
        except Exception as failure:  # noqa: BLE001 - in debug mode the app's errors propagate
            return Reply(status=500, error=f"{type(failure).__name__}: {failure}"[:300])
        headers = {k.lower(): v for k, v in response.headers.items()}
        return Reply(status=response.status_code, headers=headers, body=response.get_data())


class FlaskAdapter:
    """The probes' view of a Flask app."""

    framework = "flask"

    def __init__(self, app: Any) -> None:
        self.app = app

    def visitor(self) -> Visitor:
        """A new visitor with its own address and no cookies."""
        return Visitor(self.app)

    def find_forms(self) -> list[Form]:
        """Every POST form on the app's parameterless HTML pages, file forms first."""
        return discover_forms(self.visitor(), self._plain_get_routes())

    def serving_prefixes(self) -> list[str]:
        """URL prefixes of GET routes that take one argument (candidates for serving files)."""
        return [
            r.rule.split("<", 1)[0]
            for r in self.app.url_map.iter_rules()
            if "GET" in (r.methods or ()) and len(r.arguments) == 1 and r.endpoint != "static"
        ]

    def post_routes(self) -> list[str]:
        """State-changing routes that take no argument."""
        changing = {"POST", "PUT", "PATCH", "DELETE"}
        return sorted(
            {
                r.rule
                for r in self.app.url_map.iter_rules()
                if changing & set(r.methods or ()) and not r.arguments
            }
        )

    def facts(self) -> Facts:
        """Debug, secret, session cookie flags and upload limit from the app's config."""
        config = self.app.config
        return Facts(
            debug=bool(self.app.debug),
            debugger=type(self.app.wsgi_app).__name__ == "DebuggedApplication",
            secret=self.app.secret_key or config.get("SECRET_KEY"),
            session_cookie={
                "secure": config.get("SESSION_COOKIE_SECURE") is True,
                "httponly": config.get("SESSION_COOKIE_HTTPONLY", True) is True,
                "samesite": config.get("SESSION_COOKIE_SAMESITE"),
            },
            upload_limit=config.get("MAX_CONTENT_LENGTH"),
            cookie_sessions=True,
        )

    def _plain_get_routes(self) -> list[str]:
        return sorted(
            {
                r.rule
                for r in self.app.url_map.iter_rules()
                if "GET" in (r.methods or ()) and not r.arguments and r.endpoint != "static"
            }
        )
