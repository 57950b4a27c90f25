"""Test ids are the attacker's words: what we keep of them and what we show.

A test chooses its own id (a parametrised id can hold any text, a test can be named at run time),
so an id that came back from the sandbox is data from the code under test. We keep only what
comparing two runs needs: control characters stripped, the name part shortened, and the
parameter part replaced by a short digest of it. A human-readable reason names a test only
when its module is one of the input's files and its function is defined in that file's text;
parameters are never shown.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_NAME_CHARS = 160
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ID = re.compile(r"^(?P<module>[A-Za-z0-9_.]+)::(?P<names>[A-Za-z0-9_:]+)$")


def strip_controls(text: str) -> str:
    """`text` without control, format (bidi overrides, zero-width) or unassigned characters."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cn", "Cs"))


def clean_id(raw: str) -> str:
    """The stored form of a test id from JUnit: 'module::name' shortened, '[#digest]' for
    parameters (stable across runs, so runs still compare)."""
    base, bracket, param = raw.partition("[")
    base = strip_controls(base)
    if len(base) > MAX_NAME_CHARS:
        base = base[: MAX_NAME_CHARS - 11] + "~" + _digest(base)
    if not bracket:
        return base
    return f"{base}[#{_digest(param)}]"


def shown_id(test_id: str, sources: dict[str, str] | None) -> str | None:
    """How a reason may name a stored test id: 'module::function' (+ '[…]' when parametrised)
    when the input's own text defines it; None otherwise."""
    base, bracket, _ = test_id.partition("[")
    match = _ID.match(base)
    if not match or sources is None:
        return None
    dotted = match["module"].split(".")
    for cut in range(len(dotted), 0, -1):  # JUnit puts a test class into the module part
        module = "/".join(dotted[:cut])
        text = sources.get(f"{module}.py")
        names = [*dotted[cut:], *match["names"].split("::")]
        if text is not None and all(_NAME.fullmatch(n) and _defines(text, n) for n in names):
            return base + ("[…]" if bracket else "")
    return None


def _defines(text: str, name: str) -> bool:
    return (
        re.search(rf"^\s*(?:async\s+def|def|class)\s+{re.escape(name)}\b", text, re.M) is not None
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:10]
