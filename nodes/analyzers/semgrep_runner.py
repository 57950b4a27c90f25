"""Semgrep with the project's own rules, run as ONE subprocess over in-memory sources."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from devsecbots.graphs.state import Finding, check_relative_path, make_finding
from devsecbots.nodes.analyzers.dead_branches import blank_dead_branches
from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable
from devsecbots.nodes.analyzers.hash_purpose import fingerprint_reason, random_origin
from devsecbots.nodes.analyzers.leading_groups import rewrite_leading_groups
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.parsed import parsed_tree
from devsecbots.nodes.analyzers.random_purpose import incidental_reason
from devsecbots.nodes.analyzers.slices import rewrite_slices

RULES_DIR = Path(__file__).with_name("rules")
EXECUTABLE_ENV = "DEVSECBOTS_SEMGREP"  # path of the semgrep executable to use
TIMEOUT_ENV = "DEVSECBOTS_SEMGREP_TIMEOUT"  # seconds for one semgrep process
RULE_TIMEOUT_ENV = "DEVSECBOTS_SEMGREP_RULE_TIMEOUT"  # seconds for one rule on one file
# Semgrep's own default is 5 s; on a loaded 2-core machine ordinary 1,500-line views took that
# long, and their findings silently vanished.
RULE_TIMEOUT = 60  # wall-clock: a loaded CI machine must not turn a slow rule into missing findings
WEAK_HASH_RULE = "devsecbots.python.weak-hash"
WEAK_RANDOM_RULE = "devsecbots.python.weak-random"
# Bump when the scanned copy (slices.py, dead_branches.py) or the reading of a result
# (hash_purpose.py) changes.
RUNNER_VERSION = "slices-2-dead-branches-1-hash-purpose-2-random-origin-1-random-purpose-2"
INSTALL_HINT = "pip install semgrep, or pass --analyzers bandit to run Bandit only"
_SEVERITY = {
    "ERROR": "high",
    "WARNING": "medium",
    "INFO": "low",
    "INVENTORY": "low",
    "EXPERIMENT": "low",
    "CRITICAL": "critical",
    "HIGH": "high",
    "MEDIUM": "medium",
    "LOW": "low",
}
_RULE_ID = re.compile(r"^\s*-\s*id:\s*['\"]?([\w.\-]+)", re.MULTILINE)


def find_semgrep(executable: str | None = None) -> str:
    """Locate semgrep: the argument, $DEVSECBOTS_SEMGREP, next to this Python, then PATH."""
    chosen = executable or os.environ.get(EXECUTABLE_ENV)
    if chosen:
        if Path(chosen).is_file() or shutil.which(chosen):
            return chosen
        raise AnalyzerUnavailable(f"semgrep not found at {chosen!r}: {INSTALL_HINT}")
    beside = Path(sys.executable).with_name("semgrep")
    if beside.is_file():
        return str(beside)
    found = shutil.which("semgrep")
    if not found:
        raise AnalyzerUnavailable(f"semgrep not found: {INSTALL_HINT}")
    return found


def rule_files(rules_dir: Path = RULES_DIR) -> list[Path]:
    """The rule files semgrep loads (rule tests beside them are .py files and are not loaded)."""
    return sorted(p for p in Path(rules_dir).iterdir() if p.suffix in (".yaml", ".yml"))


def rule_ids(rules_dir: Path = RULES_DIR) -> list[str]:
    """Every rule id defined in the rules directory."""
    return sorted(i for p in rule_files(rules_dir) for i in _RULE_ID.findall(p.read_text()))


def rules_version(rules_dir: Path = RULES_DIR) -> str:
    """A fingerprint of the rule texts and the installed semgrep; part of every cache key."""
    digest = hashlib.sha256(RUNNER_VERSION.encode())
    for path in rule_files(rules_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        digest.update(metadata.version("semgrep").encode())
    except metadata.PackageNotFoundError:
        pass
    return digest.hexdigest()[:16]


def run_semgrep(
    files: dict[str, str],
    *,
    rules_dir: Path = RULES_DIR,
    executable: str | None = None,
    timeout: float | None = None,
) -> list[Finding]:
    """Scan the given Python sources (path -> content) in one semgrep process."""
    return SemgrepScan(files, rules_dir=rules_dir, executable=executable, timeout=timeout).result()


class SemgrepScan:
    """One semgrep process over a copy of the sources, started on creation: the caller works
    while it scans, then `result()` waits for its findings (`stop()` ends it unread)."""

    def __init__(
        self,
        files: dict[str, str],
        *,
        rules_dir: Path = RULES_DIR,
        executable: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.files = files
        self.incomplete: dict[str, str] = {}  # path -> why semgrep did not finish it
        self.process: subprocess.Popen[bytes] | None = None
        if not files:
            return
        exe = find_semgrep(executable)
        self.known = rule_ids(rules_dir)
        # A hang guard, not a budget: a shared, loaded machine takes ~0.7 s a file (CTFd, 2 cores).
        self.limit = timeout or _configured_timeout() or 300 + 1.0 * len(files)
        self.tmp = tempfile.TemporaryDirectory(prefix="devsecbots-semgrep-")
        try:
            home = Path(self.tmp.name)
            self.paths = _write_sources(home / "src", files)
            self.started = time.monotonic()
            self.process = _launch(exe, rules_dir, home)
        except BaseException:
            self.tmp.cleanup()
            raise

    def result(self) -> list[Finding]:
        """The findings, once semgrep has finished; AnalyzerUnavailable when it failed."""
        if self.process is None:
            return []
        try:
            output = self._output()
        finally:
            self.stop()
        files = self.files
        self.incomplete = unfinished(output, self.paths)
        found = [
            f
            for r in output.get("results", [])
            if (f := _to_finding(r, self.paths, files, self.known))
        ]
        return [_weak_purpose(_at_random_origin(f, files), files) for f in found]

    def stop(self) -> None:
        """End the process if it still runs and remove the copy (again: nothing happens)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.tmp.cleanup()

    def _output(self) -> dict:
        """Semgrep's parsed JSON output, or AnalyzerUnavailable."""
        assert self.process is not None
        left = self.limit - (time.monotonic() - self.started)
        try:
            returncode = self.process.wait(timeout=max(left, 0.0))
        except subprocess.TimeoutExpired:
            raise AnalyzerUnavailable(
                f"semgrep timed out after {self.limit:.0f} s on {len(self.files)} files: set "
                f"{TIMEOUT_ENV} higher, or pass --analyzers bandit to run Bandit only"
            ) from None
        home = Path(self.tmp.name)
        stdout = (home / "stdout").read_text(encoding="utf-8", errors="replace")
        try:
            output = json.loads(stdout or "null")
        except json.JSONDecodeError:
            output = None
        if returncode not in (0, 1) or not isinstance(output, dict):
            stderr = (home / "stderr").read_text(encoding="utf-8", errors="replace")
            raise AnalyzerUnavailable(
                f"semgrep failed (exit {returncode}): "
                f"{_first_error(output, stderr)}; "
                "pass --analyzers bandit to run Bandit only"
            )
        return output


def _at_random_origin(finding: Finding, files: dict[str, str]) -> Finding:
    """A weak-random finding moved from where the value is used to the random call it comes from
    (the line a fix changes), when that call is on another line of the same function."""
    if finding["rule_id"] != WEAK_RANDOM_RULE:
        return finding
    tree = parsed_tree(files[finding["file"]])
    if tree is None:
        return finding
    origin = random_origin(tree, finding["line"])
    if not origin:
        return finding
    lines = files[finding["file"]].splitlines()
    return Finding(**{**finding, "line": origin, "snippet": lines[origin - 1].strip()})


def _weak_purpose(finding: Finding, files: dict[str, str]) -> Finding:
    """A weak hash that only fingerprints content or names something, or a weak random value
    that only busts a cache, picks a colour, ..., at low confidence."""
    if finding["rule_id"] not in (WEAK_HASH_RULE, WEAK_RANDOM_RULE):
        return finding
    tree = parsed_tree(files[finding["file"]])
    if tree is None:
        return finding
    line = finding["line"]
    if finding["rule_id"] == WEAK_HASH_RULE:
        why = fingerprint_reason(tree, line)
    else:
        why = incidental_reason(tree, line, finding["file"])
    return lowered(finding, why) if why else finding


def _configured_timeout() -> float:
    """Seconds from $DEVSECBOTS_SEMGREP_TIMEOUT, 0 when unset."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(text) if text else 0.0
    except ValueError:
        raise AnalyzerUnavailable(f"{TIMEOUT_ENV}={text!r} is not a number of seconds") from None


def rule_timeout() -> int:
    """Seconds one rule may spend on one file: $DEVSECBOTS_SEMGREP_RULE_TIMEOUT, else 60."""
    text = os.environ.get(RULE_TIMEOUT_ENV, "").strip()
    if not text:
        return RULE_TIMEOUT
    if not text.isdigit() or int(text) < 1:
        raise AnalyzerUnavailable(f"{RULE_TIMEOUT_ENV}={text!r} is not a whole number of seconds")
    return int(text)


def unfinished(output: dict, paths: dict[str, str]) -> dict[str, str]:
    """Our paths of the files some rule did not finish on (a timeout, memory, a parse error
    of semgrep's), with why: their findings may be missing."""
    found: dict[str, set[str]] = {}
    for error in output.get("errors") or ():
        if not isinstance(error, dict):
            continue
        path = paths.get(str(error.get("path") or "").removeprefix("./"))
        kind = error.get("type") or "error"
        if isinstance(kind, list):  # ["PartialParsing", [spans]]
            kind = kind[0] if kind else "error"
        if path is not None:
            found.setdefault(path, set()).add(str(kind))
    return {
        path: f"semgrep did not finish it ({', '.join(sorted(kinds))}): findings may be missing"
        for path, kinds in found.items()
    }


def _write_sources(root: Path, files: dict[str, str]) -> dict[str, str]:
    """Write sources (slices rewritten, see slices.py) under root; return path spelling -> ours."""
    root.mkdir()
    (root / ".semgrepignore").write_text("")  # an empty file disables semgrep's default ignores
    spelled = {}
    for path, content in files.items():
        safe = check_relative_path(path)
        target = root / safe
        target.parent.mkdir(parents=True, exist_ok=True)
        scanned = rewrite_slices(rewrite_leading_groups(blank_dead_branches(content)))
        target.write_text(scanned, encoding="utf-8", errors="replace")
        spelled[safe] = path
    return spelled


def semgrep_command(exe: str, rules_dir: Path) -> list[str]:
    """The semgrep command line that scans the current directory with the rules in rules_dir."""
    command = [
        exe,
        "scan",
        "--json",
        "--metrics=off",
        "--disable-version-check",
        "--no-git-ignore",
        "--quiet",
        "--disable-nosem",
        "--no-rewrite-rule-ids",
        "--max-target-bytes=5000000",
        f"--timeout={rule_timeout()}",
        "--jobs=1",  # more jobs drop taint findings at random (builtin.process_batches)
    ]
    for path in rule_files(rules_dir):
        command += ["--config", str(path)]
    return [*command, "."]


def _launch(exe: str, rules_dir: Path, home: Path) -> subprocess.Popen[bytes]:
    """Start semgrep over home/src, its output going to home/stdout and home/stderr."""
    command = semgrep_command(exe, rules_dir)
    # Output to files, not pipes: nobody reads a pipe while semgrep runs, and a full one stalls it.
    with open(home / "stdout", "wb") as stdout, open(home / "stderr", "wb") as stderr:
        try:
            return subprocess.Popen(
                command,
                cwd=home / "src",
                env=offline_environment(home),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        except OSError as err:
            raise AnalyzerUnavailable(
                f"semgrep could not start ({err.strerror}): {INSTALL_HINT}"
            ) from None


def offline_environment(home: Path) -> dict[str, str]:
    """os.environ for a semgrep that neither phones home nor writes outside `home`."""
    return dict(
        os.environ,
        SEMGREP_ENABLE_VERSION_CHECK="0",
        SEMGREP_SEND_METRICS="off",
        SEMGREP_SETTINGS_FILE=str(home / "settings.yml"),
        SEMGREP_LOG_FILE=str(home / "semgrep.log"),
        SEMGREP_VERSION_CACHE_PATH=str(home / "version"),
    )


def _first_error(output: Any, stderr: str) -> str:
    """One line describing why semgrep failed."""
    errors = output.get("errors") if isinstance(output, dict) else None
    text = ""
    if errors:
        first = errors[0]
        text = str(first.get("long_msg") or first.get("message") or first.get("type") or "")
        spans = first.get("spans") or []
        if spans and spans[0].get("file"):
            where = spans[0]
            text = f"{where['file']}:{(where.get('start') or {}).get('line', '?')}: {text}"
    if not text:
        lines = [ln for ln in (stderr or "").splitlines() if ln.strip()]
        text = lines[-1] if lines else "no output"
    return " ".join(text.split())[:300]


def _to_finding(
    result: dict, paths: dict[str, str], files: dict[str, str], known: list[str]
) -> Finding | None:
    """Map one semgrep JSON result onto our Finding."""
    spelled = result.get("path", "").removeprefix("./")
    path = paths.get(spelled)
    if path is None:
        return None
    extra = result.get("extra") or {}
    meta = extra.get("metadata") or {}
    line = int((result.get("start") or {}).get("line") or 0)
    message = " ".join(str(extra.get("message") or "").split())
    cwe = meta.get("cwe") or ""
    lines = files[path].splitlines()
    return make_finding(
        severity=_SEVERITY.get(str(meta.get("severity") or extra.get("severity")).upper(), "low"),
        cwe=cwe[0] if isinstance(cwe, list) and cwe else cwe,
        file=path,
        line=line,
        title=str(meta.get("title") or message.split(". ")[0]),
        recommendation=message,
        source="semgrep",
        rule_id=_plain_rule_id(str(result.get("check_id") or ""), known),
        snippet=lines[line - 1] if 0 < line <= len(lines) else "",
        confidence=str(meta.get("confidence") or "medium"),
    )


def _plain_rule_id(check_id: str, known: list[str]) -> str:
    """Drop the directory prefix semgrep may put before ids of local rule files."""
    for rule in known:
        if check_id == rule or check_id.endswith("." + rule):
            return rule
    return check_id
