"""Inline waivers: a person accepts one finding, in the code, with a reason.

Syntax (a comment on the finding's line, or alone on the line just above it):

    app.run(debug=True)  # nosec devsecbots.flask.debug-enabled -- local demo script, never deployed
    # nosemgrep: CWE-89 -- the table name comes from the TABLES allow-list above
    cursor.execute(f"SELECT * FROM {table}")

- `nosec` and `nosemgrep` are the same marker; an optional `:` may follow it.
- Between the marker and `--` an optional list of rule ids (B201, devsecbots.flask.sql-injection) or
  CWEs (CWE-89), separated by commas or spaces, limits the waiver to those findings; a CWE also
  covers its equivalents (see dedup.CWE_FAMILIES). With no ids the waiver covers the whole line.
- The reason after `--` is required. A waiver without one is ignored: the finding keeps blocking and
  its title says why.
- With `trusted` (the user's original files), a waiver comment that is not in those files was
  written by the bot and is ignored: DevBot cannot waive its own findings.

Ruff's `# noqa: S324` (flake8-bandit's name for Bandit's B324) on the finding's own line is
honoured too and recorded as the waiver `ruff noqa S324` (see noqa.py): it names the same check,
though it gives no reason.

Bandit and Semgrep are run with their own inline suppressions off, so this policy alone decides.
"""

from __future__ import annotations

import io
import re
import tokenize

from devsecbots.graphs.state import Finding, normalise_cwe
from devsecbots.nodes.analyzers.dedup import weakness_key
from devsecbots.nodes.analyzers.noqa import merged_noqa_waiver, noqa_codes, noqa_waiver

_HINT = re.compile(r"nosec|nosemgrep|noqa", re.IGNORECASE)
_MARKER = re.compile(r"#\s*(?:nosec|nosemgrep)\b:?(?P<rest>.*)$", re.IGNORECASE)
_RULE_ID = re.compile(r"^(B\d{3}|CWE-?\d+|[A-Za-z][\w-]*(?:\.[\w-]+)+)$", re.IGNORECASE)
NO_REASON = "waiver ignored: give a reason after '--'"
MALFORMED = "waiver ignored: write '# nosec [rule ids] -- reason'"
UNTRUSTED = "waiver ignored: the comment is not in the original code"
_Comment = tuple[str, str | None, bool, list[str]]


def apply_waivers(
    findings: list[Finding], files: dict[str, str], trusted: dict[str, str] | None = None
) -> list[Finding]:
    """Copies of findings; a valid waiver sets `waiver` to its reason, an invalid one notes why."""
    flagged = {f["file"] for f in findings}
    comments = {  # tokenising is the cost: only files that have findings and mention a marker
        path: _comments(source)
        for path, source in files.items()
        if path in flagged and _HINT.search(source)
    }
    trusted_lines = {
        p: {ln.strip() for ln in s.splitlines()}
        for p, s in (trusted or {}).items()
        if p in comments
    }
    result = []
    bandit_cache: dict[str, list[Finding]] = {}
    for finding in findings:
        finding = Finding(**finding)
        here = comments.get(finding["file"], {})
        waiver = _waiver_for(finding, here)
        ruff = _ruff_waiver(finding, here, files, bandit_cache)
        if waiver is None and ruff:
            line_text = here[finding["line"]][0]
            if trusted is not None and line_text not in trusted_lines.get(finding["file"], set()):
                _note(finding, UNTRUSTED)
            else:
                finding["waiver"] = ruff
        elif waiver is not None:
            line_text, ids, reason = waiver
            if trusted is not None and line_text not in trusted_lines.get(finding["file"], set()):
                _note(finding, UNTRUSTED)
            elif ids is None:
                _note(finding, MALFORMED)
            elif not reason:
                _note(finding, NO_REASON)
            else:
                finding["waiver"] = reason
        result.append(finding)
    return result


def _waiver_for(finding: Finding, comments: dict[int, _Comment]):
    """(line text, ids or None if malformed, reason) of the waiver covering the finding, if any."""
    line = finding["line"]
    for candidate in (line, line - 1):
        entry = comments.get(candidate)
        if entry is None:
            continue
        line_text, rest, alone, _codes = entry
        if rest is None or (candidate != line and not alone):
            continue  # the line above counts only when it holds nothing but the comment
        ids, reason = _parse(rest)
        if ids is None or _covers(ids, finding):
            return line_text, ids, reason
    return None


def _ruff_waiver(
    finding: Finding,
    comments: dict[int, _Comment],
    files: dict[str, str],
    cache: dict[str, list[Finding]],
) -> str:
    """The `ruff noqa S...` waiver of a noqa comment on the finding's own line, or ''."""
    entry = comments.get(finding["line"])
    if entry is None or not entry[3]:
        return ""
    direct = noqa_waiver(entry[3], finding)
    if direct:
        return direct
    return merged_noqa_waiver(entry[3], finding, files.get(finding["file"], ""), cache)


def _parse(rest: str) -> tuple[list[str] | None, str]:
    """Split what follows the marker into rule ids (None when not ids) and the reason."""
    head, _, reason = rest.partition("--")
    tokens = [t for t in re.split(r"[,\s]+", head.strip()) if t]
    if any(not _RULE_ID.match(t) for t in tokens):
        return None, reason.strip()
    return tokens, reason.strip()


def _covers(ids: list[str], finding: Finding) -> bool:
    """An empty id list covers every finding on the line; otherwise one id must name this one."""
    if not ids:
        return True
    for token in ids:
        if token.lower() == (finding.get("rule_id") or "").lower():
            return True
        if token.upper().startswith("CWE") and finding.get("cwe"):
            probe = Finding(**{**finding, "cwe": normalise_cwe(token), "source": "waiver"})
            probe_key = weakness_key(probe)
            if probe_key in (weakness_key(finding), normalise_cwe(finding["cwe"])):
                return True
    return False


def _comments(source: str) -> dict[int, _Comment]:
    """line -> (stripped line text, text after the nosec marker or None, comment alone on its
    line, Ruff noqa codes)."""
    found: dict[int, _Comment] = {}
    lines = source.splitlines()
    try:
        tokens = [
            (t.start[0], t.string)
            for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        tokens = [(n, ln[ln.index("#") :]) for n, ln in enumerate(lines, 1) if "#" in ln]
    for number, comment in tokens:
        match = _MARKER.search(comment)
        codes = noqa_codes(comment)
        if (match or codes) and 0 < number <= len(lines):
            text = lines[number - 1].strip()
            rest = match.group("rest") if match else None
            found[number] = (text, rest, text.startswith("#"), codes)
    return found


def _note(finding: Finding, note: str) -> None:
    """Append why a waiver was ignored to the title, once."""
    if note not in finding["title"]:
        finding["title"] = f"{finding['title']} ({note})"
