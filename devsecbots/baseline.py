"""Where a review's baseline comes from: `--baseline REPORT.json|.sarif` (an earlier devsecbots
review or run report) or `--baseline-ref GIT_REF` (the same paths at that ref, reviewed offline
with the same analysers in a temporary directory). Either gives a set of fingerprints; any bad
input is one line and exit 2, before the review starts."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devsecbots.errors import input_error
from devsecbots.graphs.context import Context
from devsecbots.settings import InputSettings

GIT_TIMEOUT = 120


@dataclass(frozen=True)
class Baseline:
    """The fingerprints of the findings a project already had, and where they came from."""

    source: str
    fingerprints: frozenset[str]


def load_baseline(path: Path) -> Baseline:
    """Fingerprints from a devsecbots JSON report (review, or a run's --report) or SARIF log."""
    where = f"--baseline {path}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise input_error(f"{where}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise input_error(f"{where}: cannot be read ({err})") from None
    except json.JSONDecodeError as err:
        raise input_error(f"{where}: not JSON ({err})") from None
    if isinstance(data, list):  # review --concurrency: one result per path
        prints = set()
        for item in data:
            prints |= _from_report(item, where)
        return Baseline(str(path), frozenset(prints))
    if isinstance(data, dict) and "runs" in data:
        return Baseline(str(path), frozenset(_from_sarif(data, where)))
    return Baseline(str(path), frozenset(_from_report(data, where)))


def _from_report(data: Any, where: str) -> set[str]:
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise input_error(f"{where}: {_what_it_is(data)}, not a devsecbots JSON or SARIF report")
    prints = set()
    for finding in data["findings"]:
        value = finding.get("fingerprint") if isinstance(finding, dict) else None
        if not isinstance(value, str) or not value:
            raise input_error(
                f"{where}: a finding without a fingerprint (a report from before version 2?): "
                "write the baseline again with this version"
            )
        prints.add(value)
    return prints


def _from_sarif(data: dict[str, Any], where: str) -> set[str]:
    from devsecbots.sarif import FINGERPRINT_KEY

    runs = data.get("runs")
    if not isinstance(runs, list):
        raise input_error(f"{where}: a SARIF log without runs")
    prints = set()
    for run in runs:
        tool = ((run or {}).get("tool") or {}).get("driver") or {}
        if tool.get("name") != "devsecbots":
            raise input_error(
                f"{where}: a SARIF log from {tool.get('name') or 'an unnamed tool'!s}, not from "
                "devsecbots (its fingerprints cannot match)"
            )
        for result in run.get("results") or []:
            value = (result.get("partialFingerprints") or {}).get(FINGERPRINT_KEY) or (
                result.get("properties") or {}
            ).get("fingerprint")
            if value:
                prints.add(value)
    return prints


def _what_it_is(data: Any) -> str:
    """A guess at which tool wrote a JSON document, for the error message."""
    if isinstance(data, dict):
        if "results" in data and ("metrics" in data or "generated_at" in data):
            return "a Bandit JSON report"
        if "results" in data and "errors" in data and "paths" in data:
            return "a Semgrep JSON report"
        return "a JSON object"
    return f"JSON {type(data).__name__}"


def baseline_from_ref(ref: str, paths: list[Path], ctx: Context, inputs: InputSettings) -> Baseline:
    """Review `paths` as they are at git `ref` (offline, same analysers) and fingerprint that."""
    from devsecbots.inputs import load_selected
    from devsecbots.nodes.review_pass import review_files
    from devsecbots.reported import reported

    where = f"--baseline-ref {ref}"
    resolved = [p.resolve() for p in paths]
    start = resolved[0] if resolved[0].is_dir() else resolved[0].parent
    top = Path(_git(start, where, "rev-parse", "--show-toplevel", what="not a git repository"))
    commit = _git(start, where, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", what="")
    rels = [p.relative_to(top).as_posix() if p != top else "" for p in resolved]
    present = [r for r in rels if _exists_at(top, commit, r)]
    if not present:
        return Baseline(f"{ref} ({commit[:12]})", frozenset())
    with tempfile.TemporaryDirectory(prefix="devsecbots-baseline-") as tmp:
        archive = subprocess.run(
            [
                "git",
                "-C",
                str(top),
                "archive",
                "--format=tar",
                commit,
                "--",
                *[r or "." for r in present],
            ],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
        if archive.returncode != 0:
            raise input_error(f"{where}: git archive failed: {_first_line(archive.stderr)}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        old_top = Path(tmp)
        old_inputs = dataclasses.replace(inputs, config=_moved_config(inputs, top, old_top))
        loaded = load_selected([old_top / r for r in present], old_inputs)
        files = _rekey(loaded.files, loaded.root, old_top, _common_rel(resolved, top))
        outcome = review_files(files, dataclasses.replace(ctx, offline=True), request="baseline")
    prints = {f["fingerprint"] for f in reported(outcome.verdict["findings"], "low")}
    return Baseline(f"{ref} ({commit[:12]})", frozenset(prints))


def _git(cwd: Path, where: str, *args: str, what: str) -> str:
    """A git command's output; its failure as one input error ('what' it means, else git's)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise input_error(f"{where}: git is not installed") from None
    if done.returncode != 0:
        if "not a git repository" in done.stderr.lower():
            raise input_error(f"{where}: {cwd} is not in a git repository")
        raise input_error(f"{where}: {what or 'unknown git ref'}")
    return done.stdout.strip()


def _exists_at(top: Path, commit: str, rel: str) -> bool:
    done = subprocess.run(
        ["git", "-C", str(top), "cat-file", "-e", f"{commit}:{rel}"],
        capture_output=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )
    return done.returncode == 0


def _common_rel(resolved: list[Path], top: Path) -> Path:
    """Where the current review's root sits in the repository (files are named relative to it)."""
    from devsecbots.inputs import common_root

    return common_root(resolved).relative_to(top)


def _rekey(files: dict[str, str], root: Path, old_top: Path, rel_root: Path) -> dict[str, str]:
    """Name the old files relative to the same directory the current review names them from
    (their common root can differ when some of the paths did not exist at the ref)."""
    expected = old_top / rel_root
    if root == expected:
        return files
    prefix = root.relative_to(expected).as_posix()
    return {f"{prefix}/{rel}": text for rel, text in files.items()}


def _moved_config(inputs: InputSettings, top: Path, old_top: Path):
    """The project config with its location moved into the extracted tree, so that its exclude
    globs match there as they do in the working tree."""
    config = inputs.config
    if config.path is None or not config.path.resolve().is_relative_to(top):
        return config
    return dataclasses.replace(config, path=old_top / config.path.resolve().relative_to(top))


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"
