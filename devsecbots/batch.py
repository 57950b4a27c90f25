"""`--concurrency N`: one independent job per input path, N at a time, each job's output kept whole.

The jobs are the ordinary single-path commands run in worker threads (the graph spends its time
waiting for the model, so threads give the speed-up; see bench/concurrency.py). While a batch
runs, `sys.stdout` routes each worker thread's writes to that job's own buffer, so the progress
lines of parallel runs never interleave; a job's output is printed as soon as it finishes.
"""

from __future__ import annotations

import io
import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import typer

from devsecbots.errors import EXIT_RUNTIME, CliError, input_error, redact
from devsecbots.output import write_atomic


@dataclass
class JobResult:
    """What one per-path job printed and how it ended."""

    path: Path
    name: str
    exit_code: int
    output: str
    error: str = ""


class _PerThreadStdout(io.TextIOBase):
    """A stdout that sends each registered thread's text to its own buffer."""

    def __init__(self, fallback: Any) -> None:
        self._fallback = fallback
        self._buffers: dict[int, io.StringIO] = {}

    def open_buffer(self) -> io.StringIO:
        """Route the calling thread's output into a fresh buffer."""
        buffer = io.StringIO()
        self._buffers[threading.get_ident()] = buffer
        return buffer

    def close_buffer(self) -> None:
        """Stop routing the calling thread's output."""
        self._buffers.pop(threading.get_ident(), None)

    def write(self, text: str) -> int:  # noqa: D102 - file protocol
        target = self._buffers.get(threading.get_ident())
        return (target or self._fallback).write(text)

    def flush(self) -> None:  # noqa: D102 - file protocol
        self._fallback.flush()

    def isatty(self) -> bool:  # noqa: D102 - no spinners while jobs share the terminal
        return False


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


def run_per_path(
    paths: list[Path],
    concurrency: int,
    job: Callable[[Path, str], None],
    *,
    show: bool = True,
) -> list[JobResult]:
    """Run `job(path, name)` for every path, `concurrency` at a time; results in input order.

    A job ends by raising typer.Exit (its exit code) or CliError (a
    one-line error). With `show`, each job's output is printed when it finishes.
    """
    names = job_names(paths)
    proxy = _PerThreadStdout(sys.stdout)
    printing = threading.Lock()

    def one(path: Path, name: str) -> JobResult:
        buffer = proxy.open_buffer()
        result = JobResult(path=path, name=name, exit_code=0, output="")
        try:
            job(path, name)
        except (typer.Exit, click.exceptions.Exit) as done:
            result.exit_code = done.exit_code
        except CliError as failure:
            result.exit_code, result.error = failure.exit_code, redact(str(failure))
        except Exception as failure:  # noqa: BLE001 - one job's bug must not end the others
            result.exit_code = EXIT_RUNTIME
            result.error = f"internal error: {type(failure).__name__}: {redact(str(failure))[:300]}"
        finally:
            proxy.close_buffer()
        result.output = buffer.getvalue()
        if show:
            with printing:
                proxy._fallback.write(f"── {name} ({path}) ──\n{result.output}")
                if result.error:
                    proxy._fallback.write(f"error: {result.error}\n")
                proxy._fallback.flush()
        return result

    previous, sys.stdout = sys.stdout, proxy
    try:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="job") as pool:
            futures = [pool.submit(one, p, n) for p, n in zip(paths, names)]
            return [f.result() for f in futures]
    finally:
        sys.stdout = previous


def batch_exit_code(results: list[JobResult]) -> int:
    """The worst outcome wins: 3 (a job failed) > 2 (bad input) > 1 (not approved) > 0."""
    return max((r.exit_code for r in results), default=0)


def print_batch_summary(results: list[JobResult]) -> None:
    """One line per job: its name, outcome and exit code."""
    words = {0: "approved", 1: "not approved", 2: "bad input", 3: "failed"}
    print(f"{len(results)} job(s):")
    for r in results:
        outcome = words.get(r.exit_code, f"exit {r.exit_code}")
        print(f"  {r.name}: {outcome}" + (f" — {r.error}" if r.error else ""))


def harden_each(command: Callable[..., None], args: dict[str, Any]) -> int:
    """`harden PATH... --concurrency N`: one run per path, results in --out/<name>/."""
    if args.get("report") is not None:
        raise input_error(
            "--report: with --concurrency each job writes its report in --out/<name>/"
        )
    out = args.get("out")

    def job(path: Path, name: str) -> None:
        target = None if out is None else out / name
        command(**{**args, "paths": [path], "out": target, "concurrency": None})

    results = run_per_path(list(args["paths"]), args["concurrency"], job)
    print_batch_summary(results)
    return batch_exit_code(results)


def review_each(command: Callable[..., None], args: dict[str, Any]) -> int:
    """`review PATH... --concurrency N`: one review per path, printed (or written) as one result.

    json: an array of per-path results (each with "path"); sarif: one log with a run per path;
    text: one section per path. Exit code: the worst of the jobs'.
    """
    fmt, output = args.get("format", "text"), args.get("output")

    def job(path: Path, _name: str) -> None:
        command(**{**args, "paths": [path], "output": None, "concurrency": None})

    results = run_per_path(list(args["paths"]), args["concurrency"], job, show=False)
    text = combine_reviews(fmt, results)
    if output is not None:
        write_atomic(output, (text + "\n").encode("utf-8"))
        print(f"written to {output}", file=sys.stderr)
    else:
        print(text)
    for r in results:
        if r.error:
            print(f"error: {r.name}: {r.error}", file=sys.stderr)
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
