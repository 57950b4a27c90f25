"""Non-Python edits that go with CSRF protection: token fields in POST forms, the dependency."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2")
TOKEN_FIELD = '<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">'
REQUIREMENT = "flask-wtf>=1.2"
_POST_FORM = re.compile(
    r"<form\b[^>]*\bmethod\s*=\s*(?:\"post\"|'post'|post\b)[^>]*>", re.IGNORECASE
)
_FORM_END = re.compile(r"</form\s*>", re.IGNORECASE)
# A form whose method the template engine decides (`method="{{ method }}"`): it may post.
_TEMPLATED_METHOD = re.compile(
    r"<form\b[^>]*\bmethod\s*=\s*[\"']?[^\"'>]*(\{\{|\{%)", re.IGNORECASE
)


def forms_with_templated_method(files: Mapping[str, str], templates: list[str]) -> list[str]:
    """The templates holding a form whose method is chosen at render time."""
    return [t for t in templates if _TEMPLATED_METHOD.search(files[t])]


def add_token_fields(html: str, attribute_quote: str = '"') -> tuple[str, int]:
    """Add the hidden csrf_token field to each POST form lacking one; (new html, forms changed)."""
    field = TOKEN_FIELD.replace('"', attribute_quote)
    out, position, changed = [], 0, 0
    for match in _POST_FORM.finditer(html):
        end = _FORM_END.search(html, match.end())
        body = html[match.end() : end.start() if end else len(html)]
        out.append(html[position : match.end()])
        position = match.end()
        if "csrf_token" in body:
            continue
        out.append(_field_after(html, match.start(), match.end(), field))
        changed += 1
    out.append(html[position:])
    return "".join(out), changed


def _field_after(html: str, tag_start: int, tag_end: int, field: str) -> str:
    """The field, laid out like the form's first child (or indented one step inside the form)."""
    line_start = html.rfind("\n", 0, tag_start) + 1
    form_indent = re.match(r"[ \t]*", html[line_start:tag_start]).group(0)  # type: ignore[union-attr]
    following = html[tag_end:]
    child = re.match(r"\r?\n([ \t]*)\S", following)
    if child:
        return "\n" + child.group(1) + field
    if following.startswith(("\n", "\r\n")) or following == "":
        return "\n" + form_indent + "  " + field
    return field  # form written on one line


def templates_near(files: Mapping[str, str], python_path: str) -> list[str]:
    """Template files in the Python file's directory tree."""
    root = posixpath.dirname(python_path)
    prefix = f"{root}/" if root else ""
    return sorted(
        p for p in files if p.startswith(prefix) and p.lower().endswith(TEMPLATE_SUFFIXES)
    )


def requirements_for(files: Mapping[str, str], python_path: str) -> str | None:
    """The nearest requirements.txt at or above the Python file's directory."""
    directory = posixpath.dirname(python_path)
    while True:
        candidate = (
            posixpath.join(directory, "requirements.txt") if directory else "requirements.txt"
        )
        if candidate in files:
            return candidate
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def with_requirement(text: str) -> str | None:
    """requirements.txt text with flask-wtf added; None when it is already there."""
    for line in text.splitlines():
        name = re.split(r"[\s<>=!~;\[]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")
        if name == "flask-wtf":
            return None
    separator = "" if not text or text.endswith("\n") else "\n"
    return f"{text}{separator}{REQUIREMENT}\n"
