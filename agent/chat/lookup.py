"""Facts for a chat question: the week's FactSheet first, else the same producers on demand.

Why on demand: the weekly FactSheet holds the figures the briefing prints (latest
year-to-date, its same-basis comparison, the latest Comtrade year). An analyst may ask for
another basis — full-year 2024, a single month, 2023 partner tables. Those facts are made
by the source's producer in ``tools.facts`` (the one the sheet is built from), so the chat
and the briefing share every rule: same basis, the sign flip of a balance, exclusions.
This module only adapts the producers to the chat's questions and prefers the sheet's own
fact when it has the same key. Nothing here builds a ``Fact`` or an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tools.facts.model import Basis, Fact, FactSheet, QualityFlag
from tools.facts.registry import Producers, StoreTables

US_CODE = "842"


def month_label(start: str, end: str) -> str:
    """'2025-01','2025-11' → '2025 年 1–11 月'; one month → '2025 年 10 月'; a year → '2024 年'."""
    y1, m1 = (int(p) for p in start.split("-"))
    y2, m2 = (int(p) for p in end.split("-"))
    if (y1, m1) == (y2, m2):
        return f"{y1} 年 {m1} 月"
    if y1 == y2 and m1 == 1 and m2 == 12:
        return f"{y1} 年"
    if y1 == y2:
        return f"{y1} 年 {m1}–{m2} 月"
    return f"{y1} 年 {m1} 月–{y2} 年 {m2} 月"


def census_basis(start: str, end: str) -> Basis:
    if start == end:
        return Basis.MONTH
    if start.endswith("-01") and end.endswith("-12") and start[:4] == end[:4]:
        return Basis.YEAR
    if start.endswith("-01") and start[:4] == end[:4]:
        return Basis.YTD
    return Basis.WINDOW


def months_between(start: str, end: str) -> list[str]:
    y, m = (int(p) for p in start.split("-"))
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass
class Lookup:
    """The tables and the sheet one chat session answers from, through the fact producers."""

    census: pd.DataFrame
    comtrade: pd.DataFrame
    sheet: FactSheet | None = None
    _made: dict[str, Fact] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.producers = Producers(StoreTables(census=self.census, comtrade=self.comtrade), self.sheet)

    @property
    def _census(self) -> Any:
        return self.producers.get("census")

    @property
    def _comtrade(self) -> Any:
        return self.producers.get("comtrade")

    def _keep(self, fact: Fact | None) -> Fact | None:
        fact = self.producers.prefer_sheet(fact)
        if fact is not None and (self.sheet is None or self.sheet.lookup(fact.key) is None):
            self._made[fact.id] = fact
        return fact

    def census_months(self, cty: str | None = None) -> list[str]:
        return self._census.months(cty)  # type: ignore[no-any-return]

    def census_partners(self) -> dict[str, str]:
        return self._census.partners()  # type: ignore[no-any-return]

    def comtrade_years(self, reporter: int | None = None) -> list[int]:
        return self._comtrade.years(reporter)  # type: ignore[no-any-return]

    def comtrade_reporters(self) -> dict[int, str]:
        return self._comtrade.reporters()  # type: ignore[no-any-return]

    # --- Census: US trade with one partner ---------------------------------------------
    def census_value(self, cty: str, kind: str, start: str, end: str, partner_zh: str) -> Fact | None:
        """exports/imports/balance of US trade with ``cty`` summed over ``start``..``end`` (all months present)."""
        return self._keep(self._census.value(cty, kind, start, end, partner_zh))

    def census_month_values(self, cty: str, kind: str, partner_zh: str) -> list[Fact]:
        """``census_value`` for every stored month of ``cty``, oldest first, in one pass."""
        return [kept for fact in self._census.month_values(cty, kind, partner_zh)
                if (kept := self._keep(fact)) is not None]

    def census_yoy(self, current: Fact, base: Fact) -> Fact | None:
        """Same-basis change against ``base`` (the same months a year earlier): the producer's rule, so a
        balance that changes sign is 由順差轉為逆差 (a text fact), as in the briefing."""
        if current.value is None or base.value is None or current.key.basis != base.key.basis:
            return None
        return self._keep(self._census.change(current))

    def census_extreme(self, cty: str, kind: str, start: str, end: str, partner_zh: str, *,
                       lowest: bool = False) -> tuple[Fact, Fact] | None:
        """The month with the largest deficit (or largest flow) in the window — or, with ``lowest``, the
        smallest deficit (lowest flow) — with its monthly fact."""
        got = self._census.extreme(cty, kind, start, end, partner_zh, lowest=lowest)
        if got is None:
            return None
        extreme, monthly = (self._keep(f) for f in got)
        assert extreme is not None and monthly is not None
        return extreme, monthly

    # --- Comtrade: one reporter's partner table ----------------------------------------
    def comtrade_table(self, reporter: int, flow: str, year: int) -> pd.DataFrame:
        return self._comtrade.table(reporter, flow, year)  # type: ignore[no-any-return]

    def comtrade_facts(self, reporter: int, flow: str, year: int, reporter_zh: str,
                       partner_names: dict[int, str], top_n: int = 3) -> dict[str, Fact] | None:
        """total, HHI, top-N partners with shares, partner count, top-3 share (sheet facts when present)."""
        facts = self._comtrade.reporter_year(reporter, flow, year)
        by_measure = {f.key.measure: f for f in facts if not f.key.partner}
        if "total" not in by_measure or "hhi" not in by_measure:
            return None
        out: dict[str, Fact] = {}
        for name in ("total", "hhi", "partner_count", "top3_share"):
            if name in by_measure:
                kept = self._keep(by_measure[name])
                assert kept is not None
                out[name] = kept
        partners = sorted((f for f in facts if f.key.measure == "partner"), key=lambda f: int(f.subject["rank"]))
        shares = {f.key.partner: f for f in facts if f.key.measure == "share"}
        for rank, value in enumerate(partners[:top_n], start=1):
            kept_value, kept_share = self._keep(value), self._keep(shares.get(value.key.partner))
            assert kept_value is not None
            out[f"partner{rank}"] = kept_value
            if kept_share is not None:
                out[f"share{rank}"] = kept_share
        return out

    def comtrade_partner(self, reporter: int, flow: str, year: int, partner: int, reporter_zh: str,
                         partner_zh: str) -> tuple[Fact, Fact] | None:
        """One partner's value in a reporter's table and its share of the country total."""
        facts = self._comtrade.reporter_year(reporter, flow, year, all_partners=True)
        mine = {f.key.measure: f for f in facts if f.key.partner == str(partner)}
        if "partner" not in mine or "share" not in mine:
            return None
        value, share = self._keep(mine["partner"]), self._keep(mine["share"])
        assert value is not None and share is not None
        return value, share

    # --- quality -----------------------------------------------------------------------
    def flags_for(self, *codes: str) -> list[QualityFlag]:
        """Sheet flags whose subject names any of ``codes`` (or that apply to everything, e.g. synthetic)."""
        if self.sheet is None:
            return []
        wanted = {c for c in codes if c}
        out = []
        for flag in self.sheet.flags:
            values = set(flag.subject.values())
            if not flag.subject or values & wanted:
                out.append(flag)
        return out

    def made(self) -> dict[str, Fact]:
        return dict(self._made)
