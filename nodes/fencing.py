"""Present untrusted material (code, findings) to a model inside clearly fenced blocks."""

from __future__ import annotations

import json
import re

from devsecbots.graphs.state import Finding

_CLOSING_TAG = re.compile(r"</\s*untrusted", re.IGNORECASE)


def _defang(text: str) -> str:
    """Stop content from closing its own fence early."""
    return _CLOSING_TAG.sub("<\\/untrusted", text)


def fence_files(files: dict[str, str]) -> str:
    """Every file in its own <untrusted kind="file"> block, in path order."""
    blocks = []
    for path in sorted(files):
        blocks.append(
            f'<untrusted kind="file" path={json.dumps(path)}>\n{_defang(files[path])}\n</untrusted>'
        )
    return "\n".join(blocks) if blocks else "(no files yet)"


def findings_as_text(findings: list[Finding]) -> str:
    """One line per finding, fenced-safe, compact enough to keep prompts flat across rounds."""
    if not findings:
        return "(none)"
    lines = []
    for f in findings:
        where = f"{f['file']}:{f['line']}" if f["line"] else f["file"] or "(project)"
        ids = " ".join(x for x in (f["cwe"], f["rule_id"]) if x)
        tail = f" — fix: {f['recommendation']}" if f["recommendation"] else ""
        lines.append(
            f"- [{f['severity']}] {where} ({'+'.join(f['sources'])} {ids}) {f['title']}{tail}"
        )
    return _defang("\n".join(lines))


def defang(text: str) -> str:
    """Public form of the fence guard, for single values such as the request."""
    return _defang(text)
