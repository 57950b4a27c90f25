"""Unescaped request data in a template -> escaped again (CWE-79, devsecbots.templates.*).

A text edit, not a libcst one: on the finding's line, the output of the named variable loses its
`|safe` filter, or, inside `{% autoescape off %}`, gains `|escape` (Django and Jinja2 both have
it). The view keeps passing the same value; the template now escapes it.
"""

from __future__ import annotations

import re

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.templates import REQUEST_DATA_RULE
from devsecbots.nodes.autofix.base import Codemod, FileResult, Project

_OUTPUT = re.compile(r"\{\{-?\s*(?P<expr>.*?)\s*-?\}\}")
_SAFE = re.compile(r"\s*\|\s*safe\b(?!\s*\()")
_VARIABLE = re.compile(r"\(([A-Za-z_]\w*)")


class TemplateEscape(Codemod):
    name = "template-escape"
    rule_ids = frozenset({REQUEST_DATA_RULE})
    pattern = "unescaped template output"
    edits_text = True  # templates are not Python: the engine hands over the raw text

    def apply(
        self, path: str, source: str, findings: list[Finding], project: Project
    ) -> FileResult:
        """Escape the named variable's output on each finding's line."""
        lines = source.splitlines(keepends=True)
        result = FileResult(source=source)
        for finding in findings:
            variable = _VARIABLE.search(finding["title"])
            index = finding["line"] - 1
            if variable is None or not 0 <= index < len(lines):
                result.declined.append((finding, self.not_found(finding)))
                continue
            edited = _escape(lines[index], variable.group(1))
            if edited == lines[index]:
                result.declined.append((finding, self.not_found(finding)))
                continue
            lines[index] = edited
            result.fixed.append(finding)
            result.notes.append(f"{path}:{finding['line']}: {variable.group(1)} escaped again")
        result.source = "".join(lines)
        return result


def _escape(line: str, variable: str) -> str:
    """The line with every unescaped output of `variable` escaped."""

    def fix(match: re.Match[str]) -> str:
        expr = match.group("expr")
        if re.match(rf"{re.escape(variable)}\b", expr) is None:
            return match.group(0)
        if _SAFE.search(expr):
            return match.group(0).replace(expr, _SAFE.sub("", expr), 1)
        if "escape" in expr:
            return match.group(0)
        return match.group(0).replace(expr, f"{expr}|escape", 1)

    return _OUTPUT.sub(fix, line)
