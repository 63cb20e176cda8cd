"""Report periods: an ISO week, a calendar month or a quarter, parsed from the text a user types.

Why one type: the drafting engine, the review store and the site only need a period's id,
its dates, its neighbours (previous/next for the page navigation, a year earlier for
comparisons) and its zh-Hant label. Week-specific data cut-off rules stay in ``tools.weeks``;
a weekly period carries its :class:`~tools.weeks.ReportWeek` for the specs that use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from tools.errors import InputError
from tools.weeks import ReportWeek, parse_week

PeriodKind = Literal["week", "month", "quarter"]
KINDS: tuple[PeriodKind, ...] = ("week", "month", "quarter")
EXAMPLES = {"week": "2026-W07", "month": "2026-01", "quarter": "2026-Q1"}
_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_QUARTER_RE = re.compile(r"^\s*(\d{4})-?[Qq]([1-4])\s*$")
_WEEK_RE = re.compile(r"^\s*\d{4}-?[Ww]\d{2}\s*$")


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    id: str  # '2026-W07' | '2026-01' | '2026-Q1'
    start: date
    end: date
    label_zh: str  # '2026 年第 07 週' | '2026 年 1 月' | '2026 年第 1 季'
    prev: str
    next: str
    year_ago: str
    generated_at: datetime  # deterministic: the last day of the period at 12:00 UTC
    week: ReportWeek | None = None  # set for weekly periods


def kind_of(text: str) -> PeriodKind | None:
    """Which kind of period ``text`` looks like (None: none)."""
    if _WEEK_RE.match(text or ""):
        return "week"
    if _MONTH_RE.match(text or ""):
        return "month"
    if _QUARTER_RE.match(text or ""):
        return "quarter"
    return None


def of_week(week: ReportWeek) -> Period:
    label = f"{week.year} 年第 {week.number:02d} 週"
    return Period("week", week.week, week.start, week.end, label, week.prev_week, week.next_week,
                  week.year_ago_week, week.generated_at, week)


def _month_id(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def _month(text: str) -> Period:
    m = _MONTH_RE.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2999:
        raise InputError(f"invalid month {text!r}: expected YYYY-MM, e.g. 2026-01")
    year, month = int(m.group(1)), int(m.group(2))
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    end = following - timedelta(days=1)
    before = start - timedelta(days=1)
    return Period("month", _month_id(year, month), start, end, f"{year} 年 {month} 月",
                  _month_id(before.year, before.month), _month_id(following.year, following.month),
                  _month_id(year - 1, month), datetime.combine(end, time(12, 0), tzinfo=UTC))


def _quarter(text: str) -> Period:
    m = _QUARTER_RE.match(text)
    if not m or not 1900 <= int(m.group(1)) <= 2999:
        raise InputError(f"invalid quarter {text!r}: expected YYYY-Qn, e.g. 2026-Q1")
    year, q = int(m.group(1)), int(m.group(2))
    start = date(year, 3 * q - 2, 1)
    end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    prev = f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"
    nxt = f"{year + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"
    return Period("quarter", f"{year}-Q{q}", start, end, f"{year} 年第 {q} 季", prev, nxt, f"{year - 1}-Q{q}",
                  datetime.combine(end, time(12, 0), tzinfo=UTC))


def parse_period(kind: PeriodKind, text: str) -> Period:
    """Parse ``text`` as a period of ``kind``; another kind's period or garbage is a one-line InputError."""
    found = kind_of(text)
    if found is not None and found != kind:
        raise InputError(f"{text!r} is a {found}, but this report is drafted per {kind} (e.g. {EXAMPLES[kind]})")
    if kind == "week":
        return of_week(parse_week(text))
    if kind == "month":
        return _month(text)
    return _quarter(text)
