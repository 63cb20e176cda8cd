"""Fact and FactSheet: the contract between the numbers and the prose.

Why these fields: the narrator, the chat and the reviewer all need to know, for any
number on the page, what it is (``kind`` + ``subject``), on which basis it was computed
(``period.basis`` — a Jan–Nov sum is never silently a "year"), where it came from
(``source``), and every display form a sentence may legitimately use (``displays``), so
the verifier can accept ``USD 1,269 億`` and reject ``USD 1,270 億``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class Basis(StrEnum):
    """How a period was aggregated. Comparisons are only made between equal bases."""

    MONTH = "month"  # one calendar month
    YTD = "ytd"  # January through month N of one year (incomplete year)
    YEAR = "year"  # a full calendar year
    WINDOW = "window"  # a stored window of months (extremes: "since 2024-01")
    SNAPSHOT = "snapshot"  # a point-in-time statement (counts, flags)


class Period(BaseModel):
    """A period with its basis. ``start``/``end`` are ``YYYY-MM`` (monthly data) or ``YYYY``."""

    start: str
    end: str
    basis: Basis
    label_zh: str = Field(description="e.g. '2025 年 1–11 月', '2024 年', '2025 年 10 月'")


class SourceRef(BaseModel):
    dataset: str = Field(description="e.g. 'census.intltrade.exports_hs', 'comtrade.preview.C.A.HS'")
    url: str = Field(description="The query URL (or sample file URL) the values came from")
    fetched_at: datetime
    vintage: str = Field(description="Identifier of the stored snapshot the values were read from")
    synthetic: bool = False


Unit = Literal["USD", "pct", "pp", "index", "count", "text"]


class Fact(BaseModel):
    """One number (or a short categorical statement) with provenance and display forms.

    ``id`` is stable across runs for the same data, e.g.
    ``census.5830.balance.ytd.2025-01_2025-11`` or ``comtrade.392.X.2024.hhi``.
    """

    id: str
    kind: str = Field(description="balance | exports | imports | yoy | hhi | share | top_share | partner_count | "
                      "monthly_extreme | mirror_gap | revision | ...")
    value: float | None
    unit: Unit
    period: Period
    subject: dict[str, str] = Field(default_factory=dict, description="reporter/partner codes and zh names")
    label_zh: str = Field(description="What the number is, in zh-Hant, e.g. '美國對台灣貿易逆差'")
    display: str = Field(description="Primary zh-Hant display string, e.g. 'USD 1,269 億', '88.7%'")
    displays: list[str] = Field(default_factory=list, description="Every accepted display form incl. display")
    direction: Literal["up", "down", "flat"] | None = Field(
        default=None, description="For changes: sign of the change of the underlying magnitude")
    compares: list[str] = Field(default_factory=list, description="For changes: ids of [current, base] facts")
    source: SourceRef | None = None
    derived_from: list[str] = Field(default_factory=list)
    note_zh: str = ""


class QualityFlag(BaseModel):
    code: str = Field(description="synthetic_sample | partial_year | low_partner_coverage | missing_year | "
                      "stale_source | row_cap | mirror_gap | revision | ...")
    severity: Literal["info", "warn"] = "warn"
    message_zh: str
    subject: dict[str, str] = Field(default_factory=dict)
    fact_ids: list[str] = Field(default_factory=list)


class FactSheet(BaseModel):
    week: str = Field(description="ISO week, e.g. '2026-W07'")
    period_start: date
    period_end: date
    generated_at: datetime
    data_cutoff: dict[str, str] = Field(default_factory=dict, description="source -> last period included")
    facts: list[Fact] = Field(default_factory=list)
    flags: list[QualityFlag] = Field(default_factory=list)

    def get(self, fact_id: str) -> Fact:
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    def find(self, kind: str | None = None, **subject: str) -> list[Fact]:
        """Facts of a kind whose subject matches every given key (e.g. reporter='842')."""
        return [
            f for f in self.facts
            if (kind is None or f.kind == kind) and all(f.subject.get(k) == v for k, v in subject.items())
        ]

    def by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}
