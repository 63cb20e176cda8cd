"""ISO report weeks and the data cut-off that goes with them.

Why this module exists: a weekly briefing is only reproducible if "which data may this
week see" is decided in one place. A week ``2026-W07`` runs Monday 2026-02-09 to Sunday
2026-02-15; it may use a Census month only if that month had been released by the end of
the week, and a Comtrade year only from its documented availability date. Drafting an old
week after newer data arrived must therefore not leak newer months into it.

The Census release dates live in ``tools/data/census_release_calendar.csv`` (one row per
data month); months not listed there fall back to a simple rule (month end + 36 days,
about the five weeks Census normally needs).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from tools.errors import InputError

_WEEK_RE = re.compile(r"^\s*(\d{4})-?[Ww](\d{2})\s*$")
_DATA_DIR = Path(__file__).parent / "data"
CENSUS_CALENDAR = _DATA_DIR / "census_release_calendar.csv"

#: Days after the end of a data month when Census is assumed to publish it, for months
#: missing from the calendar file (FT-900 normally appears 33–40 days after month end).
CENSUS_FALLBACK_LAG_DAYS = 36

#: Comtrade annual data for year Y counts as available from (Y+1)-07-01: most reporters
#: have submitted by mid-year, and a week earlier than that would see a thin partner table.
COMTRADE_AVAILABLE_MONTH_DAY = (7, 1)


@dataclass(frozen=True)
class ReportWeek:
    """One ISO week as a report period, with its neighbours for week-over-week facts."""

    week: str  # '2026-W07'
    year: int
    number: int
    start: date  # Monday
    end: date  # Sunday
    generated_at: datetime  # deterministic: the Sunday at 12:00 UTC
    prev_week: str
    next_week: str
    year_ago_week: str

    @property
    def label_zh(self) -> str:
        return f"{self.year} 年第 {self.number:02d} 週"


def _weeks_in_year(year: int) -> int:
    """52 or 53: Dec 28 always falls in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar().week


def week_id(year: int, number: int) -> str:
    return f"{year}-W{number:02d}"


def parse_week(text: str) -> ReportWeek:
    """Parse ``YYYY-Www`` (or ``YYYYWww``) into a :class:`ReportWeek`; anything else is an InputError."""
    m = _WEEK_RE.match(text or "")
    if not m:
        raise InputError(f"invalid week {text!r}: expected an ISO week like 2026-W07")
    year, number = int(m.group(1)), int(m.group(2))
    if year < 1900 or year > 2999:
        raise InputError(f"invalid week {text!r}: year out of range")
    last = _weeks_in_year(year)
    if not 1 <= number <= last:
        raise InputError(f"invalid week {text!r}: {year} has weeks W01–W{last:02d}")
    start = date.fromisocalendar(year, number, 1)
    end = start + timedelta(days=6)
    prev_start = start - timedelta(days=7)
    next_start = start + timedelta(days=7)
    prev_iso, next_iso = prev_start.isocalendar(), next_start.isocalendar()
    # Year-ago: same week number a year earlier; W53 maps to W52 when last year had none.
    ago_number = min(number, _weeks_in_year(year - 1))
    return ReportWeek(
        week=week_id(year, number),
        year=year,
        number=number,
        start=start,
        end=end,
        generated_at=datetime.combine(end, time(12, 0), tzinfo=UTC),
        prev_week=week_id(prev_iso.year, prev_iso.week),
        next_week=week_id(next_iso.year, next_iso.week),
        year_ago_week=week_id(year - 1, ago_number),
    )


# --- data cut-off -------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    period: str  # 'YYYY-MM' data month
    released: date
    note: str


@lru_cache(maxsize=1)
def census_calendar() -> dict[str, Release]:
    """Data month -> first release date, from the bundled calendar file."""
    out: dict[str, Release] = {}
    with CENSUS_CALENDAR.open(encoding="utf-8") as fh:
        rows = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(rows):
            period = row["data_month"].strip()
            out[period] = Release(period, date.fromisoformat(row["release_date"].strip()), row.get("note", "").strip())
    return out


def _month_end(period: str) -> date:
    y, m = (int(p) for p in period.split("-"))
    first_next = date(y + (m == 12), m % 12 + 1, 1)
    return first_next - timedelta(days=1)


def census_release_date(period: str) -> date:
    """When Census first published data month ``period`` ('YYYY-MM'): calendar, else the rule."""
    rel = census_calendar().get(period)
    if rel is not None:
        return rel.released
    return _month_end(period) + timedelta(days=CENSUS_FALLBACK_LAG_DAYS)


def _add_months(period: str, n: int) -> str:
    y, m = (int(p) for p in period.split("-"))
    idx = y * 12 + (m - 1) + n
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def census_last_month(as_of: date) -> str:
    """Latest Census data month released on or before ``as_of`` ('YYYY-MM')."""
    period = f"{as_of.year:04d}-{as_of.month:02d}"
    # Releases never come before the month ends, nor (even with a shutdown) a year later.
    for _ in range(15):
        if census_release_date(period) <= as_of:
            return period
        period = _add_months(period, -1)
    return period


def comtrade_available_from(year: int) -> date:
    return date(year + 1, *COMTRADE_AVAILABLE_MONTH_DAY)


def comtrade_last_year(as_of: date) -> int:
    """Latest Comtrade annual year counted as available on ``as_of``."""
    year = as_of.year - 1
    while comtrade_available_from(year) > as_of:
        year -= 1
    return year
