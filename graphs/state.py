"""The run's typed state and the agents' structured-output models.

State values are plain JSON-compatible data (TypedDicts) so that every checkpointer,
LangGraph Studio and the SDK can store and show them; the pydantic models are what the
models must answer with, and they validate and normalise that answer.
"""

from __future__ import annotations

import operator
import re
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from typing_extensions import TypedDict  # pydantic (Studio's JSON schemas) needs it on 3.11

Severity = Literal["low", "medium", "high", "critical"]
SEVERITY_ORDER: dict[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}
Confidence = Literal["low", "medium", "high"]
CONFIDENCE_ORDER: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
RunStatus = Literal[
    "running",
    "approved",
    "max_rounds",
    "stalled",
    "rejected",
    "stopped",
    "budget_exhausted",
    "time_limit",
]

_SEVERITY_ALIASES = {
    "info": "low",
    "informational": "low",
    "note": "low",
    "minor": "low",
    "warning": "medium",
    "moderate": "medium",
    "warn": "medium",
    "error": "high",
    "major": "high",
    "severe": "high",
    "blocker": "critical",
}
_DRIVE = re.compile(r"^[A-Za-z]:")
MAX_SUBMITTED_FILES = 200
MAX_FILE_CHARS = 1_000_000


def normalise_severity(value: Any) -> str:
    """Map tool and model spellings (ERROR, Warning, info, ...) onto our four levels."""
    text = str(value or "").strip().lower()
    text = _SEVERITY_ALIASES.get(text, text)
    if text not in SEVERITY_ORDER:
        raise ValueError(f"severity must be one of low, medium, high, critical (got {value!r})")
    return text


def normalise_confidence(value: Any) -> str:
    """Map tool spellings (HIGH, Medium, undefined) onto low, medium, high."""
    text = str(value or "").strip().lower()
    return text if text in CONFIDENCE_ORDER else "low"


def normalise_cwe(value: Any) -> str:
    """Return 'CWE-<n>' for 89, '89', 'cwe89', 'CWE-89: SQL...'; '' when none is given."""
    if value is None or value == "":
        return ""
    match = re.search(r"(\d+)", str(value))
    if not match:
        return ""
    return f"CWE-{int(match.group(1))}"


def check_relative_path(path: str) -> str:
    """Validate a project-relative POSIX path; raise ValueError for anything that could escape."""
    if not isinstance(path, str) or not path.strip():
        raise ValueError("file path is empty")
    if "\x00" in path:
        raise ValueError(f"file path {path!r} contains a NUL byte")
    cleaned = path.strip().replace("\\", "/")
    if cleaned.startswith("/") or _DRIVE.match(cleaned):
        raise ValueError(f"file path {path!r} is absolute; use a path relative to the project")
    parts = [p for p in cleaned.split("/") if p not in ("", ".")]
    if not parts:
        raise ValueError(f"file path {path!r} names no file")
    if any(p == ".." for p in parts):
        raise ValueError(f"file path {path!r} contains '..'")
    if len(cleaned) > 255:
        raise ValueError(f"file path {path[:40]!r}... is longer than 255 characters")
    return "/".join(parts)


# --------------------------------------------------------------------------- state records


class Finding(TypedDict):
    """One security finding, from an analyser, the LLM reviewer, a check or a person."""

    severity: Severity
    cwe: str  # "CWE-89", or "" when unknown
    file: str
    line: int  # 1-based; 0 when the finding is about the file or project as a whole
    title: str
    recommendation: str
    source: str  # llm | bandit | semgrep | parser | tests | human | <extension node>
    rule_id: str  # tool rule id (B201, devsecbots.flask.debug-enabled); "" for the LLM
    sources: list[str]  # every source that reported it, after de-duplication
    snippet: str  # the offending source line, used to recognise the finding after edits
    waiver: str  # reason of an accepted inline waiver; "" when the finding stands
    confidence: Confidence  # how sure the analyser is that this is a real weakness
    role: str  # what the file is: app | test | example | migration | development; "" until set
    exempt: str  # why this finding cannot block in this run (e.g. "test code"); "" when it can
    # Set by the node that publishes the finding to the state (nodes/policy.py::stamped):
    blocking: NotRequired[bool]  # under the run's threshold, policy, waiver and baseline
    fingerprint: NotRequired[str]  # nodes/fingerprint.py: survives moved lines


def make_finding(
    *,
    severity: str,
    file: str,
    title: str,
    source: str,
    cwe: Any = "",
    line: int = 0,
    recommendation: str = "",
    rule_id: str = "",
    snippet: str = "",
    sources: list[str] | None = None,
    waiver: str = "",
    confidence: str = "medium",
    role: str = "",
    exempt: str = "",
) -> Finding:
    """Build a Finding with normalised severity and CWE."""
    return Finding(
        severity=normalise_severity(severity),  # type: ignore[typeddict-item]
        cwe=normalise_cwe(cwe),
        file=file,
        line=int(line or 0),
        title=title,
        recommendation=recommendation,
        source=source,
        rule_id=rule_id,
        sources=list(sources) if sources else [source],
        snippet=snippet.strip(),
        waiver=waiver,
        confidence=normalise_confidence(confidence),  # type: ignore[typeddict-item]
        role=role,
        exempt=exempt,
    )


class Verdict(TypedDict):
    """SecBot's merged verdict for one round."""

    status: Literal["approved", "changes_requested"]  # after the gate: analysers + reviewer
    reviewer_status: str  # what the LLM reviewer itself said; "" when no model ran
    summary: str
    findings: list[Finding]
    advice: list[str]  # non-blocking advice (e.g. keep dependencies updated)
    disputed: list[dict[str, Any]]  # analyser findings the LLM called false positives


class Snapshot(TypedDict):
    """The last accepted round: what a round that broke something is rolled back to."""

    files: dict[str, str]
    findings: list[Finding]
    verdict: Verdict | None


class RoundRecord(TypedDict):
    """One line of compact history per round."""

    round: int
    verdict: str
    findings: int
    blocking: int
    by_severity: dict[str, int]
    files_changed: list[str]
    input_tokens: int
    output_tokens: int
    note: str


class Usage(TypedDict):
    """Tokens one model call used."""

    round: int
    node: str
    model: str
    input_tokens: int
    output_tokens: int


class HumanDecision(TypedDict):
    """What a person decided when the run paused for review (Context.human_review)."""

    round: int
    decision: Literal["approve", "reject", "stop"]
    comment: str


def add_rounds(old: list[RoundRecord], new: list[RoundRecord]) -> list[RoundRecord]:
    """History reducer: one record per round, appended; a new record for the latest round
    replaces it (human review amends the approval check's record of the round it decides)."""
    merged = list(old or [])
    for record in new or []:
        if merged and merged[-1]["round"] == record["round"]:
            merged[-1] = record
        else:
            merged.append(record)
    return merged


class InputState(TypedDict, total=False):
    """What a caller gives: a request, and optionally the code to start from."""

    request: str
    files: dict[str, str]


class DevSecState(InputState, total=False):
    """The shared state of a DevBot ⇄ SecBot run."""

    round: int
    input_files: dict[str, str]  # the code the person gave, as given (trusted for waivers)
    changed: list[str]  # files the latest develop step changed
    notes: list[str]  # what the latest develop step did, one line each
    verdict: Verdict | None
    # Reviewers append; SecBot's review replaces the list each round (langgraph Overwrite).
    findings: Annotated[list[Finding], operator.add]
    # Finding keys are policy.finding_key(f): file|source|rule, stable across line shifts.
    fixed_keys: list[str]  # keys of blocking findings fixed in earlier rounds
    attempted_keys: list[str]  # keys of findings the latest offline round applied fixes for
    declined_keys: list[str]  # keys whose automatic fix was rolled back; not tried again
    unfixable_findings: list[Finding]  # blocking findings the offline DevBot has no fix for
    snapshot: Snapshot  # the last accepted round
    # The project's own tests on the starting files (nodes.sandbox TestRun.as_dict() plus, under
    # "test_files", the tests and pytest config as they were); {} when there are none.
    test_baseline: dict[str, Any]
    # The latest word on those tests, as in the round note: 'tests: 2 passed in 1.2s (env: …)'
    # or 'tests not run: <why>'; absent when the tests are off or there are none.
    tests_status: str
    history: Annotated[list[RoundRecord], add_rounds]
    usage: Annotated[list[Usage], operator.add]
    decisions: Annotated[list[HumanDecision], operator.add]  # human review, one per pause
    status: RunStatus
    reason: str
    probe_report: dict[str, Any]  # the probe stage of the latest round (nodes.probe.ProbeReport)


# --------------------------------------------------------------------------- model outputs


class SourceFile(BaseModel):
    """One file of DevBot's submission."""

    model_config = ConfigDict(extra="ignore")
    path: str = Field(description="Relative POSIX path, e.g. app.py or templates/index.html")
    content: str = Field(description="The complete file content")

    @field_validator("path")
    @classmethod
    def _safe_path(cls, value: str) -> str:
        return check_relative_path(value)


class DevSubmission(BaseModel):
    """DevBot's answer: every file it creates or changes, complete."""

    model_config = ConfigDict(extra="ignore")
    summary: str = Field(default="", description="What was written or changed, and why")
    files: list[SourceFile] = Field(
        description="Every file created or changed, each complete; unchanged files may be omitted"
    )

    @model_validator(mode="after")
    def _within_limits(self) -> DevSubmission:
        if len(self.files) > MAX_SUBMITTED_FILES:
            raise ValueError(f"{len(self.files)} files submitted; at most {MAX_SUBMITTED_FILES}")
        for item in self.files:
            if len(item.content) > MAX_FILE_CHARS:
                raise ValueError(
                    f"{item.path} has {len(item.content):,} characters; at most {MAX_FILE_CHARS:,}"
                )
        return self


class ReviewFinding(BaseModel):
    """One finding as the LLM reviewer reports it."""

    model_config = ConfigDict(extra="ignore")
    severity: Severity = Field(description="low, medium, high or critical")
    cwe: str = Field(default="", description="CWE id such as CWE-22, or empty")
    file: str = Field(default="", description="File the finding is in")
    line: int = Field(default=0, description="1-based line, or 0 for the whole file")
    title: str = Field(description="Short name of the weakness")
    recommendation: str = Field(default="", description="How to fix it")
    source: str = Field(default="llm", description="Always 'llm' for your own findings")

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> str:
        return normalise_severity(value)

    @field_validator("cwe", mode="before")
    @classmethod
    def _cwe(cls, value: Any) -> str:
        return normalise_cwe(value)

    @field_validator("line", mode="before")
    @classmethod
    def _line(cls, value: Any) -> int:
        return int(value or 0)


class FalsePositiveClaim(BaseModel):
    """An analyser finding the reviewer believes is a false positive."""

    model_config = ConfigDict(extra="ignore")
    file: str = ""
    line: int = 0
    rule_id: str = ""
    reason: str = ""


class ReviewVerdict(BaseModel):
    """SecBot's structured verdict as the LLM reviewer returns it."""

    model_config = ConfigDict(extra="ignore")
    status: Literal["approved", "changes_requested"] = Field(
        description="approved only when nothing material remains"
    )
    summary: str = Field(default="", description="One paragraph on the overall security state")
    findings: list[ReviewFinding] = Field(
        default_factory=list, description="Every material problem that remains"
    )
    advice: list[str] = Field(
        default_factory=list, description="Non-blocking advice, e.g. keep dependencies updated"
    )
    false_positives: list[FalsePositiveClaim] = Field(
        default_factory=list, description="Analyser findings you believe are false positives"
    )
