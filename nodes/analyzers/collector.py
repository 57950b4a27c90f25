"""When Python's cyclic garbage collector runs during an analysis.

An analysis holds the project's syntax trees (~230k nodes for ~350 files) and makes many more
objects while it parses and reads them; each collection of the oldest generation walks them all,
about a third of the time of our own passes. Our parsing and passes make no reference cycles
worth collecting (trees have no parent links), so collection is paused while they run.
Analyzers run in-process (Bandit) may make cycles (Bandit links each node to its parent), so
collection runs while they work, but only over what they made: older objects are frozen.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (the setting before it is restored)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def over_new_objects() -> Iterator[None]:
    """Collection runs inside the block, over the objects made there only (older ones frozen)."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()
        gc.unfreeze()
