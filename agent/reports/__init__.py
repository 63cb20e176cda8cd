"""Report types as specs (``ReportSpec``), their periods and keys, and the registry; monthly section builders."""

from .periods import KINDS, Period, PeriodKind, kind_of, of_week, parse_period
from .spec import (
    ReportKey,
    ReportSpec,
    SectionDef,
    get_report,
    parse_key,
    register_report,
    reports,
    unregister_report,
)

__all__ = ["KINDS", "Period", "PeriodKind", "ReportKey", "ReportSpec", "SectionDef", "get_report", "kind_of",
           "of_week", "parse_key", "parse_period", "register_report", "reports", "unregister_report"]
