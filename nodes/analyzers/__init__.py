"""Static analysers whose findings ground SecBot's verdict."""

from nodes.analyzers.cache import DEFAULT_CACHE, AnalysisCache
from nodes.analyzers.engine import ANALYZERS, AnalysisReport, analyse, syntax_findings
from nodes.analyzers.errors import AnalyzerUnavailable
from nodes.analyzers.waivers import apply_waivers

__all__ = [
    "ANALYZERS", "DEFAULT_CACHE", "AnalysisCache", "AnalysisReport", "AnalyzerUnavailable",
    "analyse", "apply_waivers", "syntax_findings",
]
