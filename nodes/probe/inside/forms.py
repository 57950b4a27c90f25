"""HTML forms on a page: action, method and fields (standard library only)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class FormParser(HTMLParser):
    """Collect <form> elements: action, method, their plain fields and their file inputs."""

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
            kind = values.get("type", "").lower()
            if not name or kind in ("submit", "button", "reset"):
                return
            if kind == "file":
                self._current["files"].append(name)
            else:
                self._current["fields"][name] = values.get("value", "") or "probe"

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_in(html: str) -> list[dict[str, Any]]:
    """The forms of an HTML page ([] when it cannot be parsed)."""
    parser = FormParser()
    try:
        parser.feed(html)
    except Exception:  # noqa: BLE001 - a page we cannot parse has no forms we can use
        return []
    return parser.forms


def post_forms_on(pages: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """(page URL, form) of every POST form on the given pages, forms with a file input first."""
    found = [
        (url, form)
        for url, html in pages.items()
        for form in forms_in(html)
        if form["method"] == "POST"
    ]
    return sorted(found, key=lambda item: not item[1]["files"])


def hidden_fields_of(html: str, action: str) -> dict[str, str]:
    """The fields of the POST form posting to `action` (or the first POST form)."""
    forms = [f for f in forms_in(html) if f["method"] == "POST"]
    for form in forms:
        if form["action"] == action:
            return dict(form["fields"])
    return dict(forms[0]["fields"]) if forms else {}


def discover_forms(visitor: Any, paths: list[str]) -> list[Any]:
    """Every POST form on the app's parameterless HTML pages, as web.Form, file forms first."""
    from web import Form

    pages = {}
    for path in paths:
        reply = visitor.get(path)
        if reply.status == 200 and "html" in reply.header("content-type"):
            pages[path] = reply.body.decode("utf-8", "replace")
    return [
        Form(
            url=form["action"] or page,
            field=form["files"][0] if form["files"] else "",
            fields=form["fields"],
            page=page,
            action=form["action"],
        )
        for page, form in post_forms_on(pages)
    ]
