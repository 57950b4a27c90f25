"""`--concurrency N`: one independent job per input path, N at a time, each job's output kept whole.

Each job is the ordinary single-path run function (`run_harden`, `run_review`) called in a
worker thread with its own Console writing to a buffer, so the progress lines of parallel runs
never interleave; a job's output is printed as soon as it finishes. The graph spends its time
waiting for the model, so threads give the speed-up (see bench/concurrency.py).
"""

from __future__ import annotations

import dataclasses
import io
import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from devsecbots.consoles import notes_console, output_width
from devsecbots.errors import CliError, exit_code_for, input_error, redact
from devsecbots.output import write_atomic
from devsecbots.settings import HardenSettings, ReviewSettings

EXIT_WORDS = {0: "approved", 1: "not approved", 2: "bad input", 3: "failed"}


@dataclass
class JobResult:
    """What one per-path job printed and how it ended."""

    path: Path
    name: str
    exit_code: int
    output: str
    error: str = ""


def job_names(paths: list[Path]) -> list[str]:
    """A distinct directory name per input path (its base name); duplicates are an input error."""
    names = [p.resolve().name or "root" for p in paths]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise input_error(
            f"inputs share the name {', '.join(doubles)}: with --concurrency each path's results "
            "go to --out/<name>, so names must differ"
        )
    return names


def _buffer_console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(
        file=buffer, highlight=False, force_terminal=False, width=output_width() or 120
    ), buffer


def run_per_path(
    paths: list[Path],
    concurrency: int,
    job: Callable[[Path, str, Console], int],
    *,
    show: bool = True,
) -> list[JobResult]:
    """Run `job(path, name, console) -> exit code` for every path, `concurrency` at a time;
    results in input order. With `show`, each job's output is printed when it finishes."""
    names = job_names(paths)
    printing = threading.Lock()

    def one(path: Path, name: str) -> JobResult:
        console, buffer = _buffer_console()
        result = JobResult(path=path, name=name, exit_code=0, output="")
        try:
            result.exit_code = job(path, name, console)
        except CliError as failure:
            result.exit_code, result.error = exit_code_for(failure), redact(str(failure))
        except Exception as failure:  # noqa: BLE001 - one job's bug must not end the others
            result.exit_code = exit_code_for(failure)
            result.error = f"{type(failure).__name__}: {redact(str(failure))[:300]}"
        result.output = buffer.getvalue()
        if show:
            with printing:
                sys.stdout.write(f"── {name} ({path}) ──\n{result.output}")
                if result.error:
                    sys.stdout.write(f"error: {result.error}\n")
                sys.stdout.flush()
        return result

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="job") as pool:
        futures = [pool.submit(one, p, n) for p, n in zip(paths, names, strict=True)]
        return [f.result() for f in futures]


def batch_exit_code(results: list[JobResult]) -> int:
    """The worst outcome wins: 3 (a job failed) > 2 (bad input) > 1 (not approved) > 0."""
    return max((r.exit_code for r in results), default=0)


def print_batch_summary(results: list[JobResult]) -> None:
    """One line per job: its name, outcome and exit code."""
    print(f"{len(results)} job(s):")
    for r in results:
        outcome = EXIT_WORDS.get(r.exit_code, f"exit {r.exit_code}")
        print(f"  {r.name}: {outcome}" + (f" — {r.error}" if r.error else ""))


def harden_each(settings: HardenSettings, concurrency: int) -> int:
    """`harden PATH... --concurrency N`: one run per path, results in --out/<name>/."""
    from devsecbots.jobs.harden import run_harden

    if settings.report is not None:
        raise input_error(
            "--report: with --concurrency each job writes its report in --out/<name>/"
        )

    def job(path: Path, name: str, console: Console) -> int:
        out = None if settings.out is None else settings.out / name
        return run_harden(dataclasses.replace(settings, paths=[path], out=out), console)

    results = run_per_path(list(settings.paths), concurrency, job)
    print_batch_summary(results)
    return batch_exit_code(results)


def review_each(settings: ReviewSettings, concurrency: int) -> int:
    """`review PATH... --concurrency N`: one review per path, printed (or written) as one result.

    json: an array of per-path results (each with "path"); sarif: one log with a run per path;
    text: one section per path. Exit code: the worst of the jobs'.
    """
    from devsecbots.jobs.review import run_review

    notes = notes_console()

    def job(path: Path, _name: str, console: Console) -> int:
        one = dataclasses.replace(settings, paths=[path], output=None)
        return run_review(one, console, err=notes)  # notes (skips, mode) go to stderr as before

    results = run_per_path(list(settings.paths), concurrency, job, show=False)
    text = combine_reviews(settings.format, results)
    if settings.output is not None:
        write_atomic(settings.output, (text + "\n").encode("utf-8"))
        notes.print(f"written to {settings.output}", markup=False)
    else:
        sys.stdout.write(text + "\n")
    for r in results:
        if r.error:
            notes.print(f"error: {r.name}: {r.error}", markup=False)
    return batch_exit_code(results)


def combine_reviews(fmt: str, results: list[JobResult]) -> str:
    """Join the per-path review outputs into one document of format `fmt`."""
    if fmt == "json":
        items = [
            {"path": str(r.path), "error": r.error, "exit_code": r.exit_code}
            if r.error
            else {"path": str(r.path), **json.loads(r.output)}
            for r in results
        ]
        return json.dumps(items, indent=2)
    if fmt == "sarif":
        logs = [json.loads(r.output) for r in results if not r.error]
        if not logs:
            return json.dumps({"version": "2.1.0", "runs": []}, indent=2)
        merged = {**logs[0], "runs": [run for log in logs for run in log.get("runs", [])]}
        return json.dumps(merged, indent=2)
    return "\n".join(f"── {r.name} ({r.path}) ──\n{r.output.rstrip()}" for r in results)
