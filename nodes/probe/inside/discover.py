"""Find the Flask app, its routes and its HTML forms (inside the sandbox: stdlib + Flask only)."""

from __future__ import annotations

import importlib
import sys
from html.parser import HTMLParser
from typing import Any


def load_app(module_name: str, attribute: str) -> Any:
    """Import `module_name` from the project and return its Flask app (attribute or factory)."""
    from flask import Flask

    module = importlib.import_module(module_name)
    if attribute:
        found = getattr(module, attribute)
        return found() if callable(found) and not isinstance(found, Flask) else found
    for value in vars(module).values():
        if isinstance(value, Flask):
            return value
    factory = getattr(module, "create_app", None) or getattr(module, "make_app", None)
    if callable(factory):
        return factory()
    raise LookupError(f"no Flask app object or create_app() factory in {module_name}")


class FormParser(HTMLParser):
    """Collect <form> elements: action, method, and their input fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "form":
            self._current = {
                "action": values.get("action", ""),
                "method": (values.get("method") or "get").upper(),
                "fields": {},
                "files": [],
            }
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select") and self._current is not None:
            name = values.get("name")
            if not name:
                return
            if values.get("type", "").lower() == "file":
                self._current["files"].append(name)
            else:
                self._current["fields"][name] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_in(html: str) -> list[dict[str, Any]]:
    """The forms of an HTML page."""
    parser = FormParser()
    try:
        parser.feed(html)
    except Exception:  # noqa: BLE001 - a page we cannot parse has no forms we can use
        return []
    return parser.forms


def plain_get_routes(app: Any) -> list[str]:
    """URLs of GET routes that take no argument (the pages a visitor can open directly)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static":
            urls.append(rule.rule)
    return sorted(set(urls))


def post_routes(app: Any) -> list[str]:
    """Rules that accept POST (or another state-changing method)."""
    changing = {"POST", "PUT", "PATCH", "DELETE"}
    return sorted({r.rule for r in app.url_map.iter_rules() if changing & set(r.methods or ())})


def serving_routes(app: Any) -> list[Any]:
    """GET rules with exactly one argument: candidates for serving a stored file by name."""
    return [
        r
        for r in app.url_map.iter_rules()
        if "GET" in (r.methods or ()) and len(r.arguments) == 1 and r.endpoint != "static"
    ]


def upload_forms(client: Any, app: Any, base_url: str) -> list[dict[str, Any]]:
    """Forms with a file input, found on the app's plain GET pages, with their page URL."""
    found = []
    for url in plain_get_routes(app):
        response = client.get(url, base_url=base_url)
        if response.status_code != 200 or "html" not in (response.mimetype or ""):
            continue
        for form in forms_in(response.get_data(as_text=True)):
            if form["files"] and form["method"] == "POST":
                form["page"] = url
                form["url"] = form["action"] or url
                found.append(form)
    return found


def stderr(message: str) -> None:
    """A line for the probe log (never shown unescaped: the node treats it as data)."""
    print(message[:500], file=sys.stderr)
