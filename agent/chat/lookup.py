"""Facts for a chat question: taken from the week's FactSheet, or computed the same way on demand.

Why on demand: the weekly FactSheet holds the figures the briefing prints (latest
year-to-date, its same-basis comparison, the latest Comtrade year). An analyst may ask for
another basis — full-year 2024, a single month, 2023 partner tables — so this module
builds those facts from the same store tables with the same formatting module and the
same id scheme, and prefers the sheet's own fact whenever the id exists there. Pure
functions over DataFrames; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from tools import fmt
from tools.facts.model import Basis, Fact, FactSheet, Period, QualityFlag, SourceRef
from tools.metrics import concentration as conc

CENSUS_DATASET = "census.intltrade"
COMTRADE_DATASET = "comtrade.preview.C.A.HS"
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


def _source(rows: pd.DataFrame, dataset: str) -> SourceRef | None:
    if rows.empty:
        return None
    newest = rows.sort_values("fetched_at").iloc[-1]
    return SourceRef(dataset=dataset, url=str(newest["source_url"]), fetched_at=newest["fetched_at"].to_pydatetime(),
                     vintage=str(newest["vintage"]), synthetic=bool(rows["synthetic"].any()))


def _refs(ref: SourceRef | None) -> list[SourceRef]:
    return [ref] if ref is not None else []


_FLOW_ZH = {"exports": "出口", "imports": "進口", "balance": "貿易差額"}


@dataclass
class Lookup:
    """The tables and the sheet one chat session answers from."""

    census: pd.DataFrame
    comtrade: pd.DataFrame
    sheet: FactSheet | None = None
    _made: dict[str, Fact] = field(default_factory=dict)

    # --- helpers -----------------------------------------------------------------------
    def _prefer_sheet(self, fact: Fact) -> Fact:
        if self.sheet is not None:
            try:
                return self.sheet.get(fact.id)
            except KeyError:
                pass
        self._made[fact.id] = fact
        return fact

    def census_months(self, cty: str | None = None) -> list[str]:
        df = self.census if cty is None else self.census[self.census["cty_code"] == cty]
        return sorted(df["period"].unique().tolist())

    def census_partners(self) -> dict[str, str]:
        return dict(zip(self.census["cty_code"], self.census["cty_name"], strict=False))

    def comtrade_years(self, reporter: int | None = None) -> list[int]:
        df = self.comtrade if reporter is None else self.comtrade[self.comtrade["reporter_code"] == reporter]
        return sorted(int(y) for y in df["year"].unique())

    def comtrade_reporters(self) -> dict[int, str]:
        return dict(zip(self.comtrade["reporter_code"].astype(int), self.comtrade["reporter_desc"], strict=False))

    # --- Census: US trade with one partner ---------------------------------------------
    def census_value(self, cty: str, kind: str, start: str, end: str, partner_zh: str) -> Fact | None:
        """exports/imports/balance of US trade with ``cty`` summed over ``start``..``end`` (all months present)."""
        months = months_between(start, end)
        rows = self.census[(self.census["cty_code"] == cty) & (self.census["period"].isin(months))]
        if len(rows) != len(months):
            return None
        ex, im = rows["exports_usd"], rows["imports_usd"]
        if kind == "exports":
            if ex.isna().any():
                return None
            value = float(ex.sum())
        elif kind == "imports":
            if im.isna().any():
                return None
            value = float(im.sum())
        else:
            if ex.isna().any() or im.isna().any():
                return None
            value = float(ex.sum() - im.sum())
        basis = census_basis(start, end)
        period = Period(start=start, end=end, basis=basis, label_zh=month_label(start, end))
        if kind == "balance":
            label = f"美國對{partner_zh}貿易{fmt.balance_word(value)}"
            display = fmt.usd(abs(value))
        else:
            label = f"美國{'對' if kind == 'exports' else '自'}{partner_zh}{_FLOW_ZH[kind]}"
            display = fmt.usd(value)
        fact = Fact(id=f"census.{cty}.{kind}.{basis.value}.{start}_{end}", kind=kind, value=value, unit="USD",
                    period=period, subject={"reporter": US_CODE, "partner": cty, "partner_name": partner_zh},
                    label_zh=label, display=display, displays=list(dict.fromkeys([display, *fmt.usd_forms(value)])),
                    sources=_refs(_source(rows, CENSUS_DATASET)))
        return self._prefer_sheet(fact)

    def census_yoy(self, current: Fact, base: Fact) -> Fact | None:
        """Same-basis change; for a balance the change of its magnitude (擴大/收窄)."""
        if current.value is None or base.value is None or base.value == 0:
            return None
        if current.period.basis != base.period.basis:
            return None
        if current.kind == "balance":
            change = (abs(current.value) - abs(base.value)) / abs(base.value) * 100
        else:
            change = (current.value - base.value) / abs(base.value) * 100
        direction: Literal["up", "down", "flat"] = "up" if change > 0 else "down" if change < 0 else "flat"
        cty = current.subject["partner"]
        fact = Fact(id=f"census.{cty}.{current.kind}.yoy.{current.period.start}_{current.period.end}", kind="yoy",
                    value=change, unit="pct", period=current.period, subject=dict(current.subject),
                    label_zh=f"{current.label_zh}較{base.period.label_zh}變化", display=fmt.signed_pct(change),
                    displays=fmt.pct_forms(change, signed=True), direction=direction,
                    compares=[current.id, base.id], sources=_refs(current.source), derived_from=[current.id, base.id])
        return self._prefer_sheet(fact)

    def census_extreme(self, cty: str, kind: str, start: str, end: str, partner_zh: str, *,
                       lowest: bool = False) -> tuple[Fact, Fact] | None:
        """The month with the largest deficit (or largest flow) in the window — or, with ``lowest``, the
        smallest deficit (lowest flow) — with its monthly fact."""
        rows = self.census[(self.census["cty_code"] == cty) & (self.census["period"] >= start)
                           & (self.census["period"] <= end)].copy()
        if rows.empty:
            return None
        rows["balance"] = rows["exports_usd"] - rows["imports_usd"]
        col = {"balance": "balance", "exports": "exports_usd", "imports": "imports_usd"}[kind]
        rows = rows.dropna(subset=[col])
        if rows.empty:
            return None
        # Balances are negative for a deficit: the largest deficit is the minimum balance.
        want_min = (kind == "balance") != lowest
        pick = rows.loc[rows[col].idxmin()] if want_min else rows.loc[rows[col].idxmax()]
        month = str(pick["period"])
        monthly = self.census_value(cty, kind, month, month, partner_zh)
        if monthly is None or monthly.value is None:
            return None
        first, last = str(rows["period"].min()), str(rows["period"].max())
        if kind == "balance":
            name, what = ("min_deficit", "單月最小逆差") if lowest else ("max_deficit", "單月最大逆差")
        else:
            name = f"{'min' if lowest else 'max'}_{kind}"
            what = f"單月最{'低' if lowest else '高'}{_FLOW_ZH[kind]}"
        fact = Fact(id=f"census.{cty}.{kind}.{name}.{first}_{last}", kind="monthly_extreme", value=monthly.value,
                    unit="USD", period=Period(start=first, end=last, basis=Basis.WINDOW,
                                               label_zh=month_label(first, last)),
                    subject={**monthly.subject, "month": month}, label_zh=f"美國對{partner_zh}{what}",
                    display=monthly.display, displays=monthly.displays, sources=_refs(monthly.source),
                    derived_from=[monthly.id])
        return self._prefer_sheet(fact), monthly

    # --- Comtrade: one reporter's partner table ----------------------------------------
    def comtrade_table(self, reporter: int, flow: str, year: int) -> pd.DataFrame:
        df = self.comtrade
        return df[(df["reporter_code"] == reporter) & (df["flow"] == flow) & (df["year"] == year)]

    def comtrade_facts(self, reporter: int, flow: str, year: int, reporter_zh: str,
                       partner_names: dict[int, str], top_n: int = 3) -> dict[str, Fact] | None:
        """total, HHI, top-N partners with shares, partner count, top-N share (sheet facts when present)."""
        table = self.comtrade_table(reporter, flow, year)
        if table.empty:
            return None
        countries, _excluded = conc.split_aggregates(table)
        shared = conc.with_shares(countries[countries["value_usd"] > 0])
        if shared.empty:
            return None
        world = table[table["partner_code"] == 0]["value_usd"].dropna()
        total = float(world.iloc[0]) if not world.empty else float(table[table["partner_code"] != 0]["value_usd"].sum())
        hhi = conc.hhi(shared["share_pct"])
        top = shared[shared["rank"] <= top_n].rename(columns={"share_pct": "share"})
        partners = shared
        period = Period(start=str(year), end=str(year), basis=Basis.YEAR, label_zh=f"{year} 年")
        src = _source(table, COMTRADE_DATASET)
        flow_zh = "出口" if flow == "X" else "進口"
        base = f"comtrade.{reporter}.{flow}.{year}"
        subj = {"reporter": str(reporter), "reporter_name": reporter_zh, "flow": flow, "year": str(year)}
        out: dict[str, Fact] = {}

        def make(key: str, fid: str, kind: str, value: float, unit: str, label: str, display: str,
                 displays: list[str], extra: dict[str, str] | None = None) -> None:
            fact = Fact(id=fid, kind=kind, value=value, unit=unit, period=period,  # type: ignore[arg-type]
                        subject={**subj, **(extra or {})}, label_zh=label, display=display,
                        displays=list(dict.fromkeys([display, *displays])), sources=_refs(src))
            out[key] = self._prefer_sheet(fact)

        make("total", f"{base}.total", "total", total, "USD", f"{reporter_zh}{flow_zh}總額", fmt.usd(total),
             fmt.usd_forms(total))
        make("hhi", f"{base}.hhi", "hhi", hhi, "index", f"{reporter_zh}{flow_zh}市場集中度（HHI）", fmt.index(hhi),
             fmt.index_forms(hhi))
        make("partner_count", f"{base}.partner_count", "partner_count", float(len(partners)), "count",
             f"{reporter_zh}{flow_zh}夥伴數", fmt.count(len(partners)), fmt.count_forms(len(partners)))
        top_share = float(top["share"].sum())
        make("top3_share", f"{base}.top3_share", "top_share", top_share, "pct",
             f"{reporter_zh}前三大{flow_zh}夥伴合計占比", fmt.pct(top_share), fmt.pct_forms(top_share))
        for rank, row in enumerate(top.itertuples(), start=1):
            p = int(row.partner_code)
            name = partner_names.get(p, str(row.partner_desc))
            extra = {"partner": str(p), "partner_name": name, "rank": str(rank)}
            make(f"partner{rank}", f"{base}.partner.{p}", "partner_value", float(row.value_usd), "USD",
                 f"{reporter_zh}對{name}{flow_zh}", fmt.usd(float(row.value_usd)), fmt.usd_forms(float(row.value_usd)),
                 extra)
            make(f"share{rank}", f"{base}.share.{p}", "share", float(row.share), "pct",
                 f"{name}占{reporter_zh}{flow_zh}比重", fmt.pct(float(row.share)), fmt.pct_forms(float(row.share)),
                 extra)
        return out

    def comtrade_partner(self, reporter: int, flow: str, year: int, partner: int, reporter_zh: str,
                         partner_zh: str) -> tuple[Fact, Fact] | None:
        """One partner's value in a reporter's table and its share of the country total."""
        table = self.comtrade_table(reporter, flow, year)
        countries, _excluded = conc.split_aggregates(table)
        shared = conc.with_shares(countries[countries["value_usd"] > 0])
        row = shared[shared["partner_code"] == partner]
        if row.empty:
            return None
        value, share = float(row["value_usd"].iloc[0]), float(row["share_pct"].iloc[0])
        period = Period(start=str(year), end=str(year), basis=Basis.YEAR, label_zh=f"{year} 年")
        subj = {"reporter": str(reporter), "reporter_name": reporter_zh, "flow": flow, "year": str(year),
                "partner": str(partner), "partner_name": partner_zh}
        src = _source(table, COMTRADE_DATASET)
        flow_zh = "出口" if flow == "X" else "進口"
        base = f"comtrade.{reporter}.{flow}.{year}"
        v = Fact(id=f"{base}.partner.{partner}", kind="partner_value", value=value, unit="USD", period=period,
                 subject=subj, label_zh=f"{reporter_zh}對{partner_zh}{flow_zh}", display=fmt.usd(value),
                 displays=fmt.usd_forms(value), sources=_refs(src))
        sh = Fact(id=f"{base}.share.{partner}", kind="share", value=share, unit="pct", period=period, subject=subj,
                  label_zh=f"{partner_zh}占{reporter_zh}{flow_zh}比重", display=fmt.pct(share),
                  displays=fmt.pct_forms(share), sources=_refs(src))
        return self._prefer_sheet(v), self._prefer_sheet(sh)

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
