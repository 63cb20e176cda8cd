"""Facts a monthly report adds to the shared sheet: three-month balance trends and HS2 import structure.

Why here (not in the report): these are derived figures with inputs and a formula, so they are
facts like any other, built with keys (``FactKey``) by the fact layer; the report only looks them up.
Keys: census partner balance ``measure='3m'`` (window basis) and ``'3m_change'`` (compares the two
windows); census HS2 imports ``commodity=<chapter>`` with ``measure='value'`` / ``'share'``.
"""

from __future__ import annotations

import math

import pandas as pd

from tools.facts import make
from tools.facts.key import Basis, FactKey, fact_id
from tools.facts.model import Fact, FactSheet, SourceRef
from tools.metrics.census import month_index, period_of

#: Partners of the monthly report (Schedule C codes): China, Taiwan, Japan, South Korea, Germany.
PARTNERS = ("5700", "5830", "5880", "5800", "4280")


def _partner(sheet: FactSheet, cty: str) -> tuple[str, SourceRef | None]:
    facts = sheet.find(source="census", partner=cty)
    name = next((f.subject.get("partner_name", "") for f in facts), "")
    return name, next((f.source for f in facts if f.source), None)


def trend_facts(census: pd.DataFrame, cty: str, last: str, partner_zh: str,
                source: SourceRef | None = None) -> list[Fact]:
    """Balance of the last three months, of the three before, and the change of its magnitude."""
    end = month_index(last)
    cur = [period_of(i) for i in range(end - 2, end + 1)]
    prev = [period_of(i) for i in range(end - 5, end - 2)]
    part = census[census["cty_code"] == cty].set_index("period")
    if not set(cur + prev) <= set(part.index):
        return []
    bal = (part["exports_usd"] - part["imports_usd"]).astype(float)
    a, b = float(bal[cur].sum()), float(bal[prev].sum())
    if math.isnan(a) or math.isnan(b):
        return []
    subj = {"scheme": "census", "reporter": "842", "partner": cty, "partner_name": partner_zh, "flow": "balance"}
    sources = [source] if source else []
    base = FactKey(source="census", reporter="842", partner=cty, flow="balance", measure="3m", basis=Basis.WINDOW)

    def window(months: list[str], value: float, which: str) -> Fact:
        return make.usd_fact(
            key=base.with_(start=months[0], end=months[-1]), kind="balance", value=value, magnitude=True,
            period=make.period(months[0], months[-1], Basis.WINDOW, f"{months[0]} 至 {months[-1]}"), subject=subj,
            sources=sources, label_zh=f"美國對{partner_zh}{which}三個月貿易{'逆差' if value < 0 else '順差'}",
        )

    fact_a, fact_b = window(cur, a, "近"), window(prev, b, "前")
    out = [fact_a, fact_b]
    if b != 0 and (a < 0) == (b < 0):
        change = (abs(a) - abs(b)) / abs(b) * 100.0
        out.append(make.pct_fact(
            key=base.with_(measure="3m_change", start=cur[0], end=cur[-1]), kind="yoy", value=change, signed=True,
            period=fact_a.period, subject=subj, sources=sources, compares=[fact_a.id, fact_b.id],
            derived_from=[fact_a.id, fact_b.id], direction="up" if change > 0 else ("down" if change < 0 else "flat"),
            label_zh=f"美國對{partner_zh}近三個月{'逆差' if a < 0 else '順差'}較前三個月變動",
        ))
    return out


def hs_facts(hs: pd.DataFrame | None, census: pd.DataFrame, sheet: FactSheet, top: int = 5) -> list[Fact]:
    """Top HS2 import chapters per partner in the data month, with their share of that month's imports."""
    last = sheet.data_cutoff.get("census", "")
    if hs is None or hs.empty or not last:
        return []
    month = hs[(hs["period"] == last) & (hs["flow"] == "imports") & (hs["comm_lvl"] == "HS2")]
    totals = census[census["period"] == last].set_index("cty_code")["imports_usd"]
    out: list[Fact] = []
    per = make.period(last, last, Basis.MONTH, f"{int(last[:4])} 年 {int(last[5:])} 月")
    for cty in PARTNERS:
        rows = month[month["cty_code"] == cty].dropna(subset=["value_usd"]).nlargest(top, "value_usd")
        if rows.empty or cty not in totals.index or not totals[cty]:
            continue
        name = _partner(sheet, cty)[0] or cty
        total_key = FactKey(source="census", reporter="842", partner=cty, flow="imports", basis=Basis.MONTH,
                            start=last, end=last)
        for r in rows.itertuples(index=False):
            key = total_key.with_(commodity=str(r.commodity))
            subj = {"scheme": "census_hs", "partner": cty, "partner_name": name, "commodity": str(r.commodity)}
            value = make.usd_fact(key=key, kind="imports", value=float(r.value_usd), period=per, subject=subj,
                                  label_zh=f"美國自{name}進口 HS{r.commodity}")
            share = make.pct_fact(key=key.with_(measure="share"), kind="share",
                                  value=float(r.value_usd) / float(totals[cty]) * 100.0, period=per, subject=subj,
                                  derived_from=[value.id, fact_id(total_key)],
                                  label_zh=f"HS{r.commodity} 占美國自{name}進口比重")
            out += [value, share]
    return out


def derived_facts(sheet: FactSheet, census: pd.DataFrame, hs: pd.DataFrame | None = None) -> list[Fact]:
    """What the month adds to the shared fact sheet: three-month trends per partner and HS2 structure."""
    last = sheet.data_cutoff.get("census", "")
    out: list[Fact] = []
    if last:
        upto = census[census["period"] <= last]
        for cty in PARTNERS:
            name, source = _partner(sheet, cty)
            if name:
                out += trend_facts(upto, cty, last, name, source)
    return out + hs_facts(hs, census, sheet)
