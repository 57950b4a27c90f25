"""Deterministic autofix: libcst codemods that fix analyser findings without a model."""

from devsecbots.nodes.autofix.engine import FixOutcome, apply_fixes, can_fix

__all__ = ["FixOutcome", "apply_fixes", "can_fix"]
