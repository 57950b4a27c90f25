"""Run the devsecbots CLI and SIGKILL it at a chosen point: a fault injector for crash tests.

    python -m tests.reliability.crash_launcher SPEC devsecbots-args...

SPEC is `NODE:ROUND` (kill as NODE starts in ROUND: every node before it has finished and, with
durability="sync", been checkpointed), `replace:N:OUT` (kill just before the N-th atomic rename
into OUT, i.e. while the output files are being written), or `none`.

The wrappers only decide *when* the process dies; the real nodes and writers run unchanged.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def die() -> None:
    """What a crash or `kill -9` does: no cleanup, no flush, no atexit."""
    os.kill(os.getpid(), signal.SIGKILL)


def kill_at_node(node: str, round_no: int) -> None:
    """Wrap graphs.devsec's node so the process dies as that node starts in that round."""
    import devsecbots.graphs.devsec as devsec

    original: Callable[..., Any] = getattr(devsec, node)

    @functools.wraps(original)
    def wrapper(state, runtime):  # noqa: ANN001 - LangGraph passes these by name
        current = state.get("round", 0) + (1 if node == "develop" else 0)
        if current == round_no:
            die()
        return original(state, runtime)

    setattr(devsec, node, wrapper)


def kill_at_rename(count: int, out: Path) -> None:
    """Make the process die just before its `count`-th os.replace into `out`."""
    original = os.replace
    seen = 0

    def replace(src, dst, *args, **kwargs):  # noqa: ANN001 - os.replace's signature
        nonlocal seen
        if Path(dst).resolve().is_relative_to(out.resolve()):
            seen += 1
            if seen == count:
                die()
        return original(src, dst, *args, **kwargs)

    os.replace = replace


def main() -> None:
    """Install the kill point, then run the CLI with the remaining arguments."""
    spec, args = sys.argv[1], sys.argv[2:]
    kind, _, rest = spec.partition(":")
    if kind == "replace":
        count, _, out = rest.partition(":")
        kill_at_rename(int(count), Path(out))
    elif kind != "none":
        kill_at_node(kind, int(rest))
    from devsecbots import cli

    sys.argv = ["devsecbots", *args]
    cli.main()


if __name__ == "__main__":
    main()
