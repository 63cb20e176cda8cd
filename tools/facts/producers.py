"""The producers of the built-in sources: US Census monthly bilateral data and UN Comtrade annual tables.

Each wraps its source's fact module (``census_facts``, ``comtrade_facts``): ``sheet`` makes the
facts a week's briefing shows, the other methods make any one figure chat asks for, with the
same keys, labels, displays and rules (same basis, sign flip, aggregate exclusions).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tools.facts import census_facts as cf
from tools.facts import comtrade_facts as tf
from tools.facts import derived
from tools.facts import worldbank_facts as wf
from tools.facts.model import Fact
from tools.facts.registry import Produced, StoreTables, register


@register("census")
class CensusProducer:
    """US trade with each partner by month: sums, same-basis changes, extremes."""

    source = "census"

    def __init__(self, tables: StoreTables) -> None:
        self.monthly = tables.census

    def sheet(self, last_period: str) -> cf.CensusResult:
        """The week's Census facts for the months released by ``last_period``."""
        df = self.monthly[self.monthly["period"] <= last_period] if not self.monthly.empty else self.monthly
        return cf.census_facts(df, last_period) if not df.empty else cf.CensusResult()

    def months(self, cty: str | None = None) -> list[str]:
        df = self.monthly if cty is None else self.monthly[self.monthly["cty_code"] == cty]
        return sorted(df["period"].unique().tolist())

    def partners(self) -> dict[str, str]:
        """Census country code -> the API's name, for every partner stored."""
        return dict(zip(self.monthly["cty_code"], self.monthly["cty_name"], strict=False))

    def value(self, cty: str, flow: str, start: str, end: str, partner_zh: str | None = None) -> Fact | None:
        """exports/imports/balance with ``cty`` over ``start``..``end`` (every month must be stored)."""
        return cf.sum_fact(self.monthly, cty, flow, start, end, partner_zh)

    def month_values(self, cty: str, flow: str, partner_zh: str | None = None) -> list[Fact]:
        """``value`` for each stored month of ``cty``, oldest first (what a monthly chart draws)."""
        return cf.month_facts(self.monthly, cty, flow, partner_zh)

    def change(self, current: Fact) -> Fact | None:
        """The same-basis change of a sum against the same months a year earlier (sign flips as text)."""
        return cf.yoy_fact(self.monthly, current)

    def extreme(self, cty: str, flow: str, start: str, end: str, partner_zh: str, *,
                lowest: bool = False) -> tuple[Fact, Fact] | None:
        return cf.extreme_fact(self.monthly, cty, flow, start, end, partner_zh, lowest=lowest)


@register("comtrade")
class ComtradeProducer:
    """Each reporter's annual partner table: totals, changes, HHI, shares; and mirror gaps."""

    source = "comtrade"

    def __init__(self, tables: StoreTables) -> None:
        self.annual = tables.comtrade

    def sheet(self, last_year: int, reporters: list[int] | None = None) -> tf.ComtradeResult:
        df = self.annual[self.annual["year"] <= last_year]
        return tf.comtrade_facts(df, last_year, reporters) if not df.empty else tf.ComtradeResult()

    def mirror(self, year: int, reporters: list[int], top3: dict[int, list[int]],
               census_years: pd.DataFrame | None, census_source: object) -> Produced:
        facts, flags = tf.mirror_facts(self.annual, year, reporters, top3, census_years,
                                       census_source)  # type: ignore[arg-type]
        return Produced(facts, flags)

    def years(self, reporter: int | None = None) -> list[int]:
        df = self.annual if reporter is None else self.annual[self.annual["reporter_code"] == reporter]
        return sorted(int(y) for y in df["year"].unique())

    def reporters(self) -> dict[int, str]:
        return dict(zip(self.annual["reporter_code"].astype(int), self.annual["reporter_desc"], strict=False))

    def table(self, reporter: int, flow: str, year: int) -> pd.DataFrame:
        df = self.annual
        return df[(df["reporter_code"] == reporter) & (df["flow"] == flow) & (df["year"] == year)]

    def reporter_year(self, reporter: int, flow: str, year: int, *, all_partners: bool = False) -> list[Fact]:
        """One reporter's facts for a flow and year (total, change, HHI, top-3 share, partners)."""
        return tf.reporter_year_facts(self.annual, reporter, flow, year, all_partners=all_partners)


@register("derived")
class DerivedProducer:
    """Derived figures of US trade with Census partners, from the Census producer's sums."""

    source = "derived"

    def __init__(self, tables: StoreTables) -> None:
        self.monthly = tables.census

    def week(self, rw: object) -> Produced:
        """Nothing of its own for the week's sheet: derived figures are made when a question asks for them."""
        return Produced()

    def value(self, cty: str, flow: str, start: str, end: str, partner_zh: str | None = None) -> Fact | None:
        """A partner's exports/imports/balance, or total trade (exports + imports) over the months."""
        if flow == "total":
            ex = cf.sum_fact(self.monthly, cty, "exports", start, end, partner_zh)
            im = cf.sum_fact(self.monthly, cty, "imports", start, end, partner_zh)
            if ex is None or im is None:
                return None
            return derived.sum_fact([ex, im], flow="total")
        return cf.sum_fact(self.monthly, cty, flow, start, end, partner_zh)

    def group(self, ctys: Sequence[str], flow: str, start: str, end: str,
              names: dict[str, str] | None = None) -> tuple[Fact, list[Fact]] | None:
        """The group's sum of ``flow`` and each member's fact (None unless every member has every month)."""
        members = [self.value(c, flow, start, end, (names or {}).get(c)) for c in ctys]
        if not members or any(m is None for m in members):
            return None
        got = [m for m in members if m is not None]
        total = derived.sum_fact(got, flow=flow)
        return (total, got) if total is not None else None

    def change(self, cty: str, flow: str, start: str, end: str, base_start: str, base_end: str,
               partner_zh: str | None = None) -> tuple[Fact, Fact, Fact] | None:
        """(current, base, absolute change) for one partner between two same-basis windows."""
        cur = self.value(cty, flow, start, end, partner_zh)
        base = self.value(cty, flow, base_start, base_end, partner_zh)
        if cur is None or base is None:
            return None
        ch = derived.change_fact(cur, base)
        return (cur, base, ch) if ch is not None else None

@register("worldbank")
class WorldBankProducer:
    """World Bank indicators by year (tools.facts.worldbank_facts); Taiwan is flagged as not covered."""

    source = "worldbank"

    def __init__(self, tables: StoreTables) -> None:
        self.tables = tables

    def week(self, rw: object) -> Produced:
        """Nothing for the weekly sheet: the briefing shows no macro context (the monthly reports ask ``sheet``)."""
        return Produced()

    def sheet(self, years: tuple[int, int] | None = None) -> wf.WorldBankResult:
        reader = getattr(self.tables.store, "worldbank_indicators", None)
        frame = reader() if callable(reader) else pd.DataFrame(columns=["indicator", "iso3", "year", "value"])
        return wf.worldbank_facts(frame, years)
