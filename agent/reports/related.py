"""Which other reports a page points its reader to (front matter ``related_reports``).

Why by period: a reader of the 2026-W07 briefing wants the month's supply-chain analysis and policy
tracker that were out by then (January's), and a reader of January's tracker wants January's analysis
and December's tracker. Every registered report takes part, built-in or not, so a new report type is
linked without editing the others. The site links a URL only when that page is published, so a link to
a report not (yet) written shows nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from .periods import Period, PeriodKind, parse_period
from .spec import ReportSpec, reports


def latest_ended(kind: PeriodKind, day: date) -> Period:
    """The most recent period of ``kind`` that has ended by ``day`` (``day`` itself may be its last day)."""
    if kind == "week":
        sunday = day if day.weekday() == 6 else day - timedelta(days=day.weekday() + 1)
        iso = sunday.isocalendar()
        return parse_period("week", f"{iso.year}-W{iso.week:02d}")
    if kind == "month":
        last = day if (day + timedelta(days=1)).month != day.month else day.replace(day=1) - timedelta(days=1)
        return parse_period("month", f"{last.year}-{last.month:02d}")
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)  # of day's quarter
    following = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    last = day if day == following - timedelta(days=1) else first - timedelta(days=1)
    return parse_period("quarter", f"{last.year}-Q{(last.month - 1) // 3 + 1}")


def related_urls(spec: ReportSpec, period: Period) -> list[str]:
    """The previous page of this report, then for every other report the latest period ended by this one's end."""
    urls = [spec.url(period.prev)]
    for other in sorted(reports().values(), key=lambda s: (s.nav_order, s.id)):
        if other.id != spec.id:
            urls.append(other.url(latest_ended(other.period_kind, period.end).id))
    return list(dict.fromkeys(urls))
