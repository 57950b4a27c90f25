"""Static analysers whose findings ground SecBot's verdict."""

from nodes.analyzers.engine import AnalysisReport, analyse, syntax_findings

__all__ = ["AnalysisReport", "analyse", "syntax_findings"]
