"""The offline DevBot: apply every codemod that fits the open findings, file by file."""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import libcst as cst
from devsecbots.graphs.state import Finding
from devsecbots.nodes.autofix.base import Codemod, FileResult, Project
from devsecbots.nodes.autofix.layout import reflow
from devsecbots.nodes.autofix.locate import follow_edits
from devsecbots.nodes.autofix.registry import CODEMODS, codemod_for, refusal
from devsecbots.nodes.roles import APP, code_role


@dataclass
class FixOutcome:
    """What one autofix pass did."""

    files: dict[str, str]  # the complete new file map (unchanged files included)
    changed: list[str] = field(default_factory=list)  # paths whose content changed
    fixed: list[Finding] = field(default_factory=list)  # findings a codemod addressed
    unfixable: list[Finding] = field(default_factory=list)  # no codemod, or it declined
    notes: list[str] = field(default_factory=list)  # one line per change, human readable
    reasons: list[str] = field(default_factory=list)  # why, one per unfixable finding, same order

    def reason(self, finding: Finding) -> str:
        """Why an unfixable finding was not fixed ('' if it is not among them)."""
        for index, candidate in enumerate(self.unfixable):
            if candidate is finding:
                return self.reasons[index]
        return next(
            (r for f, r in zip(self.unfixable, self.reasons, strict=True) if f == finding), ""
        )


def can_fix(finding: Finding) -> bool:
    """Whether some codemod is meant for this finding (it may still decline on the code itself)."""
    return codemod_for(finding) is not None


def apply_fixes(
    files: dict[str, str],
    findings: list[Finding],
    *,
    codemods: Sequence[Codemod] = CODEMODS,
    edit_roles: Collection[str] = (APP,),
) -> FixOutcome:
    """Fix what the codemods can; every other finding comes back in `unfixable` with a reason.

    Only files whose role (nodes/roles.py) is in `edit_roles` are edited: by default the
    application's code, never its tests, examples or migrations.
    """
    outcome = FixOutcome(files=dict(files))
    by_file: dict[str, list[tuple[Codemod, Finding]]] = {}
    roles: dict[str, str] = {}
    for finding in findings:
        codemod = codemod_for(finding, codemods)
        path = finding["file"]
        if codemod is None:
            _refuse(outcome, finding, refusal(finding) or _no_codemod(finding))
        elif path not in files:
            _refuse(outcome, finding, f"{path} is not among the files")
        elif not path.endswith(".py") and not getattr(codemod, "edits_text", False):
            _refuse(outcome, finding, "automatic fixes only edit Python files")
        elif (role := roles.setdefault(path, code_role(path, files[path]))) not in edit_roles:
            _refuse(outcome, finding, f"{path} is {role} code: not edited (--block-tests edits it)")
        else:
            by_file.setdefault(finding["file"], []).append((codemod, finding))
    for path, work in by_file.items():
        _fix_file(outcome, path, work, codemods)
    outcome.changed = sorted(p for p in outcome.files if outcome.files[p] != files.get(p))
    return outcome


def _no_codemod(finding: Finding) -> str:
    rule = finding["rule_id"] or finding["cwe"] or "this finding"
    return f"no automatic fix for {rule} ({finding['title']})"


def _refuse(outcome: FixOutcome, finding: Finding, reason: str) -> None:
    outcome.unfixable.append(finding)
    outcome.reasons.append(reason)


def _fix_file(
    outcome: FixOutcome, path: str, work: list[tuple[Codemod, Finding]], codemods: Sequence[Codemod]
) -> None:
    original = outcome.files[path]
    if not path.endswith(".py"):  # a template: the codemods that edit text work on it as is
        _fix_text_file(outcome, path, work)
        return
    try:
        ast.parse(original, filename=path)
    except SyntaxError as err:
        for _, finding in work:
            _refuse(outcome, finding, f"{path} does not parse (line {err.lineno}: {err.msg})")
        return
    source, others = original, dict(outcome.files)
    fixed: list[Finding] = []
    notes: list[str] = []
    current = {id(f): Finding(**f) for _, f in work}  # line and snippet follow earlier edits
    for codemod in codemods:  # registry order, so results do not depend on finding order
        mine = [f for c, f in work if c is codemod]
        if not mine:
            continue
        back = {id(current[id(f)]): f for f in mine}
        result = _run(codemod, path, source, [current[id(f)] for f in mine], others)
        if result.source != source:
            follow_edits(list(current.values()), source, result.source)
        source = result.source
        others.update(result.other_files)
        fixed.extend(back[id(f)] for f in result.fixed)
        notes.extend(result.notes)
        for finding, why in result.declined:
            _refuse(outcome, back[id(finding)], why)
    try:
        if source != original:
            source = reflow(source, original)
        ast.parse(source, filename=path)
    except (SyntaxError, cst.ParserSyntaxError) as err:
        err = (
            err
            if isinstance(err, SyntaxError)
            else SyntaxError(err.message, (path, err.raw_line, 0, ""))
        )
        for finding in fixed:
            _refuse(
                outcome,
                finding,
                f"the fix left {path} unparseable (line {err.lineno}: {err.msg}); change discarded",
            )
        return
    outcome.files.update({p: c for p, c in others.items() if p != path})
    outcome.files[path] = source
    outcome.fixed.extend(fixed)
    outcome.notes.extend(notes)


def _fix_text_file(outcome: FixOutcome, path: str, work: list[tuple[Codemod, Finding]]) -> None:
    for codemod in dict.fromkeys(c for c, _ in work):
        result = _run(codemod, path, outcome.files[path], [f for c, f in work if c is codemod], {})
        outcome.files[path] = result.source
        outcome.fixed.extend(result.fixed)
        outcome.notes.extend(result.notes)
        for finding, why in result.declined:
            _refuse(outcome, finding, why)


def _run(
    codemod: Codemod, path: str, source: str, findings: list[Finding], files: dict
) -> FileResult:
    try:
        return codemod.apply(path, source, findings, Project(files=files))
    except cst.ParserSyntaxError as err:
        why = f"{codemod.name}: libcst cannot parse {path} ({err.message})"
    except Exception as err:  # noqa: BLE001 - one codemod's bug must not lose the other fixes
        why = f"{codemod.name} failed: {type(err).__name__}: {err}"
    return FileResult(source=source, declined=[(f, why) for f in findings])
