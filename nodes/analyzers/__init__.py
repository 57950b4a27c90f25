"""Static analyzers whose findings ground SecBot's verdict.

Names are loaded on first use (PEP 562), so importing the registry — as `Context` and the CLI's
option checks do — does not import the engine, libcst, Bandit or Semgrep's runner.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "DEFAULT_CACHE": "cache",
    "AnalysisCache": "cache",
    "AnalysisReport": "engine",
    "analyze": "engine",
    "syntax_findings": "engine",
    "AnalyzerUnavailable": "errors",
    "Analyzer": "registry",
    "analyzer_names": "registry",
    "default_analyzers": "registry",
    "register": "registry",
    "apply_waivers": "waivers",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
