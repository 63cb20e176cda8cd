"""How the chat says periods, countries and years in zh-Hant or English (shared by every reply)."""

from __future__ import annotations

from typing import Literal

from agent.chat.lookup import month_label
from tools import fmt
from tools.countries import Country
from tools.facts.model import Fact

Lang = Literal["zh", "en"]


def period_en(start: str, end: str) -> str:
    """English period in month names ('January–November 2025', 'October 2025', 'full-year 2024'): a bare
    year would read as a full year, which a year-to-date figure is not. Written by ``tools.fmt``."""
    return fmt.period_en(start, end)


def usd(value: float, lang: Lang) -> str:
    """A USD amount in the reader's language: 'USD 1,269 億' or 'USD 126.9 billion' (``tools.fmt``)."""
    return fmt.usd(value) if lang == "zh" else fmt.usd_en(value)


def shown(fact: Fact, lang: Lang, *, magnitude: bool = False) -> str:
    """A fact's display in the reader's language: English number words for USD amounts in English."""
    if fact.unit == "USD" and fact.value is not None and lang == "en":
        return fmt.usd_en(abs(fact.value) if magnitude else fact.value)
    if magnitude and fact.unit == "USD" and fact.value is not None:
        return fmt.usd(abs(fact.value))
    return fact.display


def period_label(start: str, end: str, lang: Lang) -> str:
    return month_label(start, end) if lang == "zh" else period_en(start, end)


def country_name(c: Country, lang: Lang) -> str:
    return c.name_zh if lang == "zh" else c.name_en


def year_label(year: int, lang: Lang) -> str:
    return f"{year} 年" if lang == "zh" else str(year)
