"""Pure parts of bench/real_world.py: the corpus list, hand labels, the join and the arithmetic.

Nothing here runs a tool or reads a project's code: it turns review findings and harden hunks into
labelled rows and tables, so it can be tested without the corpus.
"""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SEVERITY_ORDER = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
FINDING_LABELS = ("true", "false", "debatable")
HUNK_LABELS = ("correct", "needless", "wrong")  # needless: safe but not needed
LABEL_FIELDS = ("project", "commit", "file", "line", "rule", "label", "reason")
HUNK_FIELDS = ("project", "file", "line", "label", "reason")


class LabelError(ValueError):
    """A malformed projects.toml or labels file (one line, said to the person)."""


@dataclass(frozen=True)
class Project:
    """One pinned project of the corpus."""

    name: str
    repo: str
    commit: str
    framework: str
    subdir: str = "."
    # Paths left out of the layout: a blob the mirror does not hold (a large test fixture).
    skip_paths: tuple[str, ...] = ()

    @property
    def mirror_name(self) -> str:
        """The directory name the `fetch` tool gives this repository under the mirror root."""
        return self.repo.replace("/", "+")


@dataclass(frozen=True)
class Label:
    """One hand label: a blocking finding at file:line for a rule, judged by reading the code."""

    project: str
    commit: str
    file: str
    line: int
    rule: str
    label: str
    reason: str


@dataclass
class Tally:
    """Counts for one project or one rule."""

    blocking: int = 0
    labels: Counter[str] = field(default_factory=Counter)

    @property
    def unlabelled(self) -> int:
        """Blocking findings without a label."""
        return self.blocking - sum(self.labels.values())

    @property
    def precision(self) -> float | None:
        """true / (true + false); None when neither was seen."""
        judged = self.labels["true"] + self.labels["false"]
        return self.labels["true"] / judged if judged else None


def load_projects(path: Path) -> list[Project]:
    """Read projects.toml (`[[project]]` tables); raise LabelError on anything malformed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LabelError(f"{path}: {error}") from error
    projects = []
    for index, entry in enumerate(data.get("project", []), start=1):
        missing = [k for k in ("name", "repo", "commit", "framework") if not entry.get(k)]
        if missing:
            raise LabelError(f"{path}: project #{index} lacks {', '.join(missing)}")
        unknown = set(entry) - {"name", "repo", "commit", "framework", "subdir", "skip_paths"}
        if unknown:
            raise LabelError(f"{path}: project #{index} has unknown key(s) {sorted(unknown)}")
        projects.append(Project(**{**entry, "skip_paths": tuple(entry.get("skip_paths", ()))}))
    if len({p.name for p in projects}) != len(projects):
        raise LabelError(f"{path}: project names must be unique")
    return projects


def _rows(path: Path, fields: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != fields:
            raise LabelError(f"{path}: header must be {','.join(fields)}")
        return list(reader)


def load_labels(path: Path) -> list[Label]:
    """Read labels.csv; a bad label value or line number is a LabelError naming the row."""
    labels = []
    for number, row in enumerate(_rows(path, LABEL_FIELDS), start=2):
        if row["label"] not in FINDING_LABELS:
            raise LabelError(
                f"{path}:{number}: label {row['label']!r} is not one of true|false|debatable"
            )
        if not row["line"].isdigit():
            raise LabelError(f"{path}:{number}: line {row['line']!r} is not a number")
        labels.append(Label(**{**row, "line": int(row["line"])}))
    return labels


def load_hunk_labels(path: Path) -> dict[tuple[str, str, int], tuple[str, str]]:
    """Read harden_labels.csv: (project, file, hunk start) -> (correct|needless|wrong, reason)."""
    labels = {}
    for number, row in enumerate(_rows(path, HUNK_FIELDS), start=2):
        if row["label"] not in HUNK_LABELS or not row["line"].isdigit():
            raise LabelError(f"{path}:{number}: need a line number and correct|needless|wrong")
        labels[(row["project"], row["file"], int(row["line"]))] = (row["label"], row["reason"])
    return labels


def repo_path(project: Project, file: str) -> str:
    """A finding's path (relative to the reviewed subdir) as a path from the repository root."""
    return file if project.subdir in ("", ".") else f"{project.subdir.rstrip('/')}/{file}"


def is_blocking(finding: dict, threshold: str) -> bool:
    """The finding's own `blocking` flag when it has one, else the gate's rule (nodes/policy.py)."""
    if "blocking" in finding:
        return bool(finding["blocking"])
    if finding.get("waiver") or finding.get("exempt") or finding.get("source") == "llm":
        return False  # waived, or exempt in this run (test code, low confidence), or the LLM's
    return SEVERITY_ORDER.get(finding.get("severity", ""), 0) >= SEVERITY_ORDER[threshold]


def blocking_findings(report: dict) -> list[dict]:
    """The blocking findings of a `devsecbots review --format json` result, one per site."""
    threshold = report.get("blocking_severity", "medium")
    seen, out = set(), []
    for finding in report.get("findings", []):
        key = (finding["file"], finding.get("rule_id") or "", finding.get("line") or 0)
        if is_blocking(finding, threshold) and key not in seen:
            seen.add(key)
            out.append(finding)
    return out


@dataclass
class Joined:
    """Each blocking finding of one project with its label (None when unlabelled)."""

    project: Project
    rows: list[tuple[dict, Label | None]]
    stale: list[Label]  # labels of this project that match no finding at the pinned commit


def join(project: Project, findings: list[dict], labels: list[Label]) -> Joined:
    """Match findings to labels by file + rule + line, at the project's pinned commit."""
    mine = [lab for lab in labels if lab.project == project.name]
    index = {(lab.file, lab.rule, lab.line): lab for lab in mine if lab.commit == project.commit}
    rows, used = [], set()
    for finding in findings:
        key = (
            repo_path(project, finding["file"]),
            finding.get("rule_id") or "",
            finding.get("line") or 0,
        )
        label = index.get(key)
        if label is not None:
            used.add(key)
        rows.append((finding, label))
    stale = [lab for lab in mine if (lab.file, lab.rule, lab.line) not in used]
    return Joined(project, rows, stale)


def tally(joined: list[Joined]) -> tuple[dict[str, Tally], dict[str, Tally]]:
    """Per-project and per-rule counts over the joined rows."""
    per_project: dict[str, Tally] = {}
    per_rule: dict[str, Tally] = {}
    for j in joined:
        project = per_project.setdefault(j.project.name, Tally())
        for finding, label in j.rows:
            rule = per_rule.setdefault(finding.get("rule_id") or "?", Tally())
            for t in (project, rule):
                t.blocking += 1
                if label is not None:
                    t.labels[label.label] += 1
    return per_project, per_rule


def percent(value: float | None) -> str:
    """A precision as a percentage, or an em dash when nothing was judged."""
    return "—" if value is None else f"{100 * value:.1f} %"


def per_kloc(count: int, lines: int) -> str:
    """Findings per 1,000 lines of Python."""
    return f"{1000 * count / lines:.2f}" if lines else "—"


def total(tallies: dict[str, Tally]) -> Tally:
    """The sum of several tallies."""
    out = Tally()
    for t in tallies.values():
        out.blocking += t.blocking
        out.labels.update(t.labels)
    return out


@dataclass(frozen=True)
class Hunk:
    """One changed region of a hardened file: lines start..end of the original (1-based)."""

    file: str
    start: int
    end: int  # start - 1 for a pure insertion before `start`
    removed: tuple[str, ...]
    added: tuple[str, ...]


def diff_hunks(file: str, before: str, after: str) -> list[Hunk]:
    """The changed regions between two versions of a file, without context lines."""
    import difflib

    old, new = before.splitlines(), after.splitlines()
    hunks = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            hunks.append(Hunk(file, i1 + 1, i2, tuple(old[i1:i2]), tuple(new[j1:j2])))
    return hunks


def hunk_tally(
    project: str, hunks: list[Hunk], labels: dict[tuple[str, str, int], tuple[str, str]]
) -> Counter[str]:
    """correct / needless / wrong / unlabelled counts for one project's hunks."""
    counts: Counter[str] = Counter()
    for hunk in hunks:
        label = labels.get((project, hunk.file, hunk.start))
        counts[label[0] if label else "unlabelled"] += 1
    return counts
