"""mark_safe (B703): a dict literal's item read back by its key is what was stored under it
(keyed_items.py), a Django row's `.pk` is stored data, and a Django widget render's extra
defaulted parameters are the application's own; the twin inserting the user's text blocks."""

from __future__ import annotations

import pytest

from .helpers import assert_blocks, assert_low_with_why, twin_findings, twin_path

RULE = "B703"
HEADER = """\
from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe


class TagWidget(forms.Widget):
    pass
"""

# name -> (safe body, unsafe body)
TWINS: dict[str, tuple[str, str]] = {
    "item-read-back-by-key-from-a-list-of-dicts": (
        """
        class Pills(TagWidget):
            def render(self, name, value, attrs=None, renderer=None):
                rows = []
                for tag in value:
                    rows.append({"id": tag.pk, "name": tag.name})
                html = ""
                for row in rows:
                    html += f'<a data-id="{row["id"]}">{escape(row["name"])}</a>'
                return mark_safe(html)
        """,
        """
        class RawPills(TagWidget):
            def render(self, name, value, attrs=None, renderer=None):
                rows = []
                for tag in value:
                    rows.append({"id": tag.pk, "name": tag.name})
                html = ""
                for row in rows:
                    html += f'<a data-id="{row["id"]}">{row["name"]}</a>'
                return mark_safe(html)
        """,
    ),
    "item-overwritten-after-the-literal": (
        """
        def badge(label):
            shown = {"label": "new", "count": 3}
            return mark_safe(f'<b>{shown["label"]}</b> {shown["count"]}')
        """,
        """
        def badge_labelled(label):
            shown = {"label": "new", "count": 3}
            shown["label"] = label
            return mark_safe(f'<b>{shown["label"]}</b> {shown["count"]}')
        """,
    ),
    "render-with-an-extra-defaulted-parameter": (
        """
        class Inline(TagWidget):
            def render(self, name, value, attrs=None, renderer=None, snapshot_id=None):
                snapshot_id = snapshot_id or self.snapshot_id
                return mark_safe(f'<span data-id="{snapshot_id}">{escape(value)}</span>')
        """,
        """
        class RawInline(TagWidget):
            def render(self, name, value, attrs=None, renderer=None, snapshot_id=None):
                snapshot_id = snapshot_id or self.snapshot_id
                return mark_safe(f'<span data-id="{snapshot_id}">{value}</span>')
        """,
    ),
    "primary-key-of-a-row-a-helper-is-handed": (
        """
        def row_link(obj):
            return mark_safe(f'<a href="/rows/{obj.pk}/">open</a>')
        """,
        """
        def row_title_link(obj):
            return mark_safe(f'<a href="/rows/{obj.pk}/">{obj.title}</a>')
        """,
    ),
}


@pytest.fixture(scope="module")
def found() -> dict[str, list]:
    return twin_findings(TWINS, HEADER, RULE)


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_is_low_with_the_reason(found, name):
    assert_low_with_why(found[twin_path(name, "safe")])


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_twin_still_blocks(found, name):
    assert_blocks(found[twin_path(name, "unsafe")])
