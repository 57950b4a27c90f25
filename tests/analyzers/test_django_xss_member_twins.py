"""Django XSS: a URL value in HTML only inside the branch that found it in a fixed container
(`if key in KNOWN:`) is reported at low confidence with the reason (member_branches.py); the
`else` side, and HTML holding another value there, still block."""

from __future__ import annotations

import pytest

from .helpers import assert_blocks, assert_low_with_why, twin_findings, twin_path

RULE = "devsecbots.django.xss"
HEADER = """\
from django.shortcuts import render
from django.utils.safestring import mark_safe

KNOWN = {"TIMEOUT": 60, "ONLY_NEW": True}
SECTIONS = {"TIMEOUT": "General", "ONLY_NEW": "Archive"}


def find_section(key):
    return SECTIONS.get(key, "")
"""

# name -> (safe body, unsafe body)
TWINS: dict[str, tuple[str, str]] = {
    "in-the-branch-or-its-else": (
        """
        def config_header(request, key):
            if key in KNOWN:
                header = mark_safe(f'[CONSTANTS] <code>{key}</code> <small>read-only</small>')
            else:
                header = "unknown"
            return render(request, "config.html", {"header": header})
        """,
        """
        def config_header_else(request, key):
            if key in KNOWN:
                header = "known"
            else:
                header = mark_safe(f'[DYNAMIC] <code>{key}</code> <small>read-only</small>')
            return render(request, "config.html", {"header": header})
        """,
    ),
    "elif-with-a-function-of-the-name-or-another-value": (
        """
        def config_section(request, key):
            if key == "":
                header = "none"
            elif key in KNOWN:
                header = mark_safe(f'[{find_section(key)}] <code>{key.lower()}</code>')
            else:
                header = "unknown"
            return render(request, "config.html", {"header": header})
        """,
        """
        def config_section_note(request, key):
            note = request.GET.get("note", "")
            if key in KNOWN:
                header = mark_safe(f'[{find_section(key)}] <code>{key}</code> {note}')
            else:
                header = "unknown"
            return render(request, "config.html", {"header": header})
        """,
    ),
    "joined-with-plus": (
        """
        def config_key(request, key):
            if key in KNOWN and key != "":
                header = mark_safe("<b><code>" + key + "</code></b> (" + find_section(key) + ")")
            else:
                header = "unknown"
            return render(request, "config.html", {"header": header})
        """,
        """
        def config_key_title(request, key):
            title = request.GET.get("title", "")
            if key in KNOWN and key != "":
                header = mark_safe("<b><code>" + key + "</code></b> " + title)
            else:
                header = "unknown"
            return render(request, "config.html", {"header": header})
        """,
    ),
    "fixed-container-or-one-from-the-request": (
        """
        def config_flag(request, key):
            known = set(KNOWN)
            if key in known:
                header = mark_safe(f"<code>{key}</code>")
            else:
                header = "unknown"
            return render(request, "config.html", {"header": header})
        """,
        """
        def config_flag_wanted(request, key):
            wanted = request.GET.getlist("k")
            if key in wanted:
                header = mark_safe(f"<code>{key}</code>")
            else:
                header = "unknown"
            return render(request, "config.html", {"header": header})
        """,
    ),
}


@pytest.fixture(scope="module")
def xss_findings():
    return twin_findings(TWINS, HEADER, RULE)


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_is_reported_at_low_confidence_with_why(xss_findings, name):
    assert_low_with_why(xss_findings[twin_path(name, "safe")])


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_twin_blocks(xss_findings, name):
    assert_blocks(xss_findings[twin_path(name, "unsafe")])
