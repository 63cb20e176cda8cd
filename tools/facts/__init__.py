"""The fact sheet: every number a report or chat answer shows comes from here."""

from .model import Fact, FactSheet, Period, QualityFlag, SourceRef

__all__ = ["Fact", "FactSheet", "Period", "QualityFlag", "SourceRef"]
