"""Test ids are the attacker's words: what we keep of them and what we show.

A test chooses its own id (a parametrised id can hold any text, a test can be named at run time),
so an id that came back from the sandbox is data from the code under test. We keep only what
comparing two runs needs: the name only when its module is one of the input's files and that
file's text defines the function (and class), the parameter part as a short digest, and any
other id as a digest alone. Reasons show the names we kept, never parameters.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_NAME_CHARS = 160
UNNAMED = "unnamed#"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ID = re.compile(r"^(?P<module>[A-Za-z0-9_.]+)::(?P<names>[A-Za-z0-9_:]+)$")


def strip_controls(text: str) -> str:
    """`text` without control, format (bidi overrides, zero-width) or unassigned characters."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cn", "Cs"))


def clean_id(raw: str, sources: dict[str, str]) -> str:
    """The stored form of a test id from JUnit: 'module::name' when the input's text (`sources`:
    path -> content) defines it, with '[#digest]' for parameters; 'unnamed#digest' otherwise.
    Digests are stable across runs, so runs still compare."""
    base, bracket, param = strip_controls(raw).partition("[")
    if len(base) > MAX_NAME_CHARS or not _defined(base, sources):
        return f"{UNNAMED}{_digest(raw)}"
    return f"{base}[#{_digest(param)}]" if bracket else base


def shown_id(test_id: str) -> str | None:
    """How a reason may name a stored test id: 'module::function' (+ '[…]' when parametrised);
    None for a test the input does not define by name."""
    if test_id.startswith(UNNAMED):
        return None
    base, bracket, _ = test_id.partition("[")
    return strip_controls(base)[:MAX_NAME_CHARS] + ("[…]" if bracket else "")


def _defined(base: str, sources: dict[str, str]) -> bool:
    match = _ID.match(base)
    if not match:
        return False
    dotted = match["module"].split(".")
    for cut in range(len(dotted), 0, -1):  # JUnit puts a test class into the module part
        text = sources.get("/".join(dotted[:cut]) + ".py")
        names = [*dotted[cut:], *match["names"].split("::")]
        if text is not None and all(_NAME.fullmatch(n) and _defines(text, n) for n in names):
            return True
    return False


def _defines(text: str, name: str) -> bool:
    return (
        re.search(rf"^\s*(?:async\s+def|def|class)\s+{re.escape(name)}\b", text, re.M) is not None
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:10]
