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


def hidden_fields(html: str) -> dict[str, str]:
    """The fields of the first form with a file input (a CSRF token among them, if any)."""
    for form in forms_in(html):
        if form["files"]:
            return dict(form["fields"])
    return {}


def upload_form_on(pages: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    """(page URL, form) of the first POST form with a file input on the given pages."""
    for url, html in pages.items():
        for form in forms_in(html):
            if form["files"] and form["method"] == "POST":
                return url, form
    return None
