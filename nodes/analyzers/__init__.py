"""Static analysers whose findings ground SecBot's verdict."""

from devsecbots.nodes.analyzers.cache import DEFAULT_CACHE, AnalysisCache
from devsecbots.nodes.analyzers.engine import ANALYZERS, AnalysisReport, analyse, syntax_findings
from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable
from devsecbots.nodes.analyzers.waivers import apply_waivers

__all__ = [
    "ANALYZERS",
    "DEFAULT_CACHE",
    "AnalysisCache",
    "AnalysisReport",
    "AnalyzerUnavailable",
    "analyse",
    "apply_waivers",
    "syntax_findings",
]
