"""How the chat says periods, countries and years in zh-Hant or English (shared by every reply)."""

from __future__ import annotations

from typing import Literal

from agent.chat.lookup import month_label
from tools.countries import Country

Lang = Literal["zh", "en"]


def period_en(start: str, end: str) -> str:
    """English period in ISO months ('2025-01–2025-11', '2025-10', 'full-year 2024'): a bare year would
    read as a full year, which a year-to-date figure is not."""
    if start == end:
        return start
    if start[:4] == end[:4] and start.endswith("-01") and end.endswith("-12"):
        return f"full-year {start[:4]}"
    return f"{start}–{end}"


def period_label(start: str, end: str, lang: Lang) -> str:
    return month_label(start, end) if lang == "zh" else period_en(start, end)


def country_name(c: Country, lang: Lang) -> str:
    return c.name_zh if lang == "zh" else c.name_en


def year_label(year: int, lang: Lang) -> str:
    return f"{year} 年" if lang == "zh" else str(year)
