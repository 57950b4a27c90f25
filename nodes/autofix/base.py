"""What a codemod is, and the shared flow: find sites, match findings to them, edit once."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from devsecbots.graphs.state import Finding
from devsecbots.nodes.autofix.decline import Decline
from devsecbots.nodes.autofix.edits import Edits
from devsecbots.nodes.autofix.imports import ensure_import, remove_unused_import
from devsecbots.nodes.autofix.locate import locate
from devsecbots.nodes.autofix.tree import Tree, parse_tree


@dataclass
class FileResult:
    """What one codemod did to one file."""

    source: str
    fixed: list[Finding] = field(default_factory=list)
    declined: list[tuple[Finding, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    other_files: dict[str, str] = field(default_factory=dict)  # complete new non-Python files


@dataclass(eq=False)  # identity: two sites on one line are still two sites
class Site:
    """One place in the code a codemod recognises, and how to fix it (or why it will not)."""

    spans: list[tuple[int, int]]
    plan: Callable[[Edits], str] | None = None  # registers edits, returns a note
    reason: str = ""  # why it cannot be fixed, when plan is None
    imports: Sequence[tuple[str, str | None]] = field(default_factory=list)  # (name, from-module)
    kind: str = ""  # codemods that fix several kinds of finding tell them apart
    unused: list[str] = field(default_factory=list)  # names whose import may become unused


@dataclass
class Project:
    """The file map a codemod may read (and, through FileResult.other_files, edit)."""

    files: Mapping[str, str]


class Codemod:
    """Base class: subclasses set the claimed rules and implement `sites`."""

    name = "codemod"
    rule_ids: frozenset[str] = frozenset()
    cwes: frozenset[str] = frozenset()
    pattern = "the pattern"  # for "no <pattern> found" messages
    topic = ""  # regex an LLM finding's title must match when routed here by a broad CWE

    def claims(self, finding: Finding) -> bool:
        """Whether this codemod is the one for the finding's rule (CWE only as a fallback)."""
        return finding["rule_id"] in self.rule_ids

    def claims_cwe(self, finding: Finding) -> bool:
        """Whether the finding's CWE is one this codemod fixes (for the LLM: and its words fit)."""
        if not finding["cwe"] or finding["cwe"] not in self.cwes:
            return False
        if finding["source"] != "llm" or not self.topic:
            return True
        return (
            re.search(self.topic, f"{finding['title']} {finding['recommendation']}", re.IGNORECASE)
            is not None
        )

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        """Every occurrence of the pattern in the file."""
        raise NotImplementedError

    def extra(self, tree: Tree, path: str, project: Project, result: FileResult) -> None:
        """Hook for edits outside the Python file (templates, requirements) after a fix."""

    def site_kind(self, finding: Finding) -> str | None:
        """Which kind of site a finding is about; None: any."""
        return None

    def not_found(self, finding: Finding) -> str:
        """Reason given when no site matches the finding."""
        where = f" near line {finding['line']}" if finding["line"] else ""
        return (
            f"{self.name}: no {self.pattern} found{where} "
            "(already fixed, or a form it does not handle)"
        )

    def apply(
        self, path: str, source: str, findings: list[Finding], project: Project
    ) -> FileResult:
        """Fix the findings' sites in one file; decline the rest with a reason."""
        result = FileResult(source=source)
        tree = parse_tree(source)
        sites = self.sites(tree, path, project)
        chosen: list[Site] = []
        claimed: list[Site] = []
        for finding in findings:
            kind = self.site_kind(finding)
            matched = locate(
                [s for s in sites if kind is None or s.kind == kind], finding, tree.lines
            )
            if not matched:
                result.declined.append((finding, self.not_found(finding)))
                continue
            whole_file = not finding["line"] and not finding["snippet"]
            # Several findings on one line (md5(...) and sha1(...)) each take their own site.
            pick = (
                matched
                if whole_file
                else [next((s for s in matched if s not in claimed), matched[0])]
            )
            claimed.extend(pick)
            fixable = [s for s in pick if s.plan is not None]
            if not fixable:
                result.declined.append((finding, pick[0].reason))
                continue
            result.fixed.append(finding)
            chosen.extend(s for s in fixable if s not in chosen)
        if not chosen:
            return result
        edits = Edits()
        try:
            notes = [site.plan(edits) for site in chosen]  # type: ignore[misc]
            module: cst.Module = edits.apply(tree.module)
            for name, origin in dict.fromkeys(i for s in chosen for i in s.imports):
                module = ensure_import(module, name, origin)
            for name in dict.fromkeys(n for s in chosen for n in s.unused):
                module = remove_unused_import(module, name)
        except Decline as why:
            result.declined.extend((f, str(why)) for f in result.fixed)
            result.fixed = []
            return result
        result.source = module.code
        result.notes = [f"{path}: {n}" for n in dict.fromkeys(notes) if n]
        self.extra(parse_tree(result.source), path, project, result)
        return result
