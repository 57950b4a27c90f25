"""Harden existing code: copy it to --out (or work in place) and loop until SecBot approves."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

from rich.console import Console

from devsecbots.errors import input_error
from devsecbots.finish import finish_harden
from devsecbots.human import decider_for
from devsecbots.inputs import left_out_lines, load_selected, require_python
from devsecbots.locks import thread_lock
from devsecbots.output import check_out_dir
from devsecbots.runner import run_graph
from devsecbots.settings import HardenSettings, run_metadata
from devsecbots.store import open_checkpointer
from devsecbots.testenv import tests_python
from devsecbots.text import escape

DEFAULT_REQUEST = "Harden this code: fix every security finding without changing what it does."


def run_harden(settings: HardenSettings, console: Console) -> int:
    """One harden run over `settings.paths`; the exit code (0 approved, 1 not)."""
    s, ctx = settings, settings.ctx
    loaded = load_selected(s.paths, s.inputs)
    if s.in_place == (s.out is not None):
        raise input_error("give exactly one of --out DIR or --in-place")
    require_python(loaded, s.paths, "harden")
    given = Path(ctx.tests_python) if ctx.tests_python else None
    chosen = tests_python(given, run_tests=ctx.run_tests, loaded=loaded, console=console)
    ctx = dataclasses.replace(ctx, tests_python=chosen)
    out_dir = loaded.root if s.in_place else check_out_dir(s.out)  # type: ignore[arg-type]
    if not s.in_place and (
        out_dir.resolve() == loaded.root or out_dir.resolve().is_relative_to(loaded.root)
    ):
        raise input_error(
            f"--out {s.out} is inside the input {loaded.root}; choose a directory outside it"
        )
    decide = decider_for(console, human_review=ctx.human_review, persist=s.store.persist)
    for line in left_out_lines(loaded.skipped, loaded.excluded, s.inputs.verbose):
        console.print(f"[dim]{escape(line)}[/]")
    thread_id = str(uuid.uuid4())
    dev, sec = escape(ctx.resolved_dev_model()), escape(ctx.resolved_sec_model())
    mode = "offline (analysers + autofix)" if ctx.is_offline() else f"DevBot {dev} · SecBot {sec}"
    console.print(f"thread [bold]{thread_id}[/] · {len(loaded.files)} file(s) · {mode}")
    verbatim = {} if s.in_place else loaded.verbatim
    meta = run_metadata(
        ctx,
        command="harden",
        out=out_dir,
        report=s.report,
        in_place=s.in_place,
        verbatim={rel: snap.record() for rel, snap in verbatim.items()},
        input_root=str(loaded.root),
        skipped=[list(item) for item in loaded.skipped],
        modes=loaded.modes,
    )
    with open_checkpointer(s.store.db, persist=s.store.persist) as saver:
        with thread_lock(saver, thread_id):
            state = run_graph(
                {"request": s.request or DEFAULT_REQUEST, "files": loaded.files},
                ctx,
                thread_id=thread_id,
                checkpointer=saver,
                console=console,
                metadata=meta,
                resumable=s.store.persist,
                decide=decide,
            )
    return finish_harden(
        state,
        ctx,
        out=out_dir,
        thread_id=thread_id,
        console=console,
        report_path=s.report,
        skipped=loaded.skipped,
        verbatim=verbatim,
        modes=loaded.modes,
    )
