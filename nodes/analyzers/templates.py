"""Template check: output with autoescaping turned off (`|safe`, `{% autoescape off %}`).

Django and Jinja2 escape every `{{ value }}` unless the template says not to. Where it does, the
value's origin decides: a variable the view fills from request data is cross-site scripting
(blocks, high confidence); any other value is reported for review with low confidence — the
template alone cannot tell whether an editor's rich text or a client's comment ends up there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from devsecbots.graphs.state import Finding, make_finding
from devsecbots.nodes.analyzers.template_sources import RequestValue, request_values

SOURCE = "templates"
REQUEST_DATA_RULE = "devsecbots.templates.unescaped-request-data"
SAFE_FILTER_RULE = "devsecbots.templates.autoescape-off"
RULES = (REQUEST_DATA_RULE, SAFE_FILTER_RULE)
TEMPLATE_SUFFIXES = (
    ".html",
    ".htm",
    ".jinja",
    ".jinja2",
    ".j2",
    ".djhtml",
    ".xml",
)  # not .txt: no markup
_OUTPUT = re.compile(r"\{\{-?\s*(?P<expr>.*?)\s*-?\}\}", re.DOTALL)
_AUTOESCAPE_OFF = re.compile(r"\{%-?\s*autoescape\s+(off|false)\s*-?%\}", re.IGNORECASE)
_AUTOESCAPE_END = re.compile(r"\{%-?\s*endautoescape\s*-?%\}")
_ESCAPING_FILTERS = {"escape", "e", "force_escape", "escapejs", "urlencode", "striptags"}
_VARIABLE = re.compile(r"^[A-Za-z_]\w*")


def is_template(path: str) -> bool:
    """Whether `path` is a template this check reads: under a templates folder, markup suffix."""
    parts = PurePosixPath(path).parts
    return "templates" in parts[:-1] and path.lower().endswith(TEMPLATE_SUFFIXES)


def template_findings(files: dict[str, str]) -> list[Finding]:
    """Findings for unescaped output in the templates among `files`."""
    templates = {p: s for p, s in files.items() if is_template(p)}
    if not templates:
        return []
    from_request = [
        value
        for path, source in files.items()
        if path.endswith(".py")
        for value in request_values(path, source)
    ]
    found = []
    for path, source in sorted(templates.items()):
        lines = source.splitlines()
        for line, variable, how in unescaped_outputs(source):
            origin = _request_origin(path, variable, from_request)
            found.append(_finding(path, line, variable, how, origin, lines))
    return found


def unescaped_outputs(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, variable, how) for each output the template leaves unescaped."""
    off = [(m.end(), _end_of_block(source, m.end())) for m in _AUTOESCAPE_OFF.finditer(source)]
    for match in _OUTPUT.finditer(source):
        expr = match.group("expr")
        filters = [f.strip().split(":")[0].split("(")[0].strip() for f in expr.split("|")[1:]]
        if _ESCAPING_FILTERS & set(filters):
            continue
        in_off_block = any(start <= match.start() < end for start, end in off)
        if "safe" not in filters and not in_off_block:
            continue
        variable = _VARIABLE.match(expr.split("|")[0].strip())
        if variable is None:
            continue
        how = "|safe" if "safe" in filters else "{% autoescape off %}"
        yield source.count("\n", 0, match.start()) + 1, variable.group(0), how


def _end_of_block(source: str, start: int) -> int:
    end = _AUTOESCAPE_END.search(source, start)
    return end.start() if end else len(source)


def _request_origin(path: str, variable: str, values: list[RequestValue]) -> RequestValue | None:
    """The view that fills `variable` of the template at `path` from request data, if any."""
    for value in values:
        if value.variable == variable and _names_template(path, value.template):
            return value
    return None


def _names_template(path: str, name: str) -> bool:
    """Whether a view's template name resolves to the file at `path` (below a templates dir)."""
    folders = PurePosixPath(path).parts
    last = max(i for i, part in enumerate(folders[:-1]) if part == "templates")
    return "/".join(folders[last + 1 :]) == name.lstrip("/")


def _finding(
    path: str, line: int, variable: str, how: str, origin: RequestValue | None, lines: list[str]
) -> Finding:
    snippet = lines[line - 1] if 0 < line <= len(lines) else ""
    if origin is not None:
        return make_finding(
            severity="high",
            confidence="high",
            cwe="CWE-79",
            file=path,
            line=line,
            source=SOURCE,
            rule_id=REQUEST_DATA_RULE,
            snippet=snippet,
            title=f"Request data rendered without escaping ({variable}{_how_suffix(how)})",
            recommendation=(
                f"{origin.view_file}:{origin.view_line} fills {variable!r} from the request; "
                f"remove {how} so the template escapes it, or clean it with an HTML sanitiser "
                "(e.g. nh3/bleach) in the view before marking it safe."
            ),
        )
    return make_finding(
        severity="medium",
        confidence="low",
        cwe="CWE-79",
        file=path,
        line=line,
        source=SOURCE,
        rule_id=SAFE_FILTER_RULE,
        snippet=snippet,
        title=f"Autoescaping turned off for {variable!r} ({how})",
        recommendation=(
            f"Make sure {variable!r} never holds markup a user wrote, or sanitise it (nh3/bleach) "
            f"before rendering it with {how}."
        ),
    )


def _how_suffix(how: str) -> str:
    """How the template turns escaping off, as written after the variable in a title."""
    return how if how.startswith("|") else f" in {how}"
