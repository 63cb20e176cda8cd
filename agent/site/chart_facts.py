"""The facts the charts draw, asked of the store the way chat asks it (one fact engine, same rules).

Why here and not in the sheet: a chart shows the whole stored history (every month since the
first one fetched), while the sheet holds the figures one week's prose needs. Both are cut at the
week's data cut-off, so a chart never shows a month that had not been released by then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.chat.lookup import Lookup
from agent.narrate.drivers import contribution_facts
from agent.narrate.sections import headline_partners
from tools.facts.model import Fact, FactSheet
from tools.store import Store


@dataclass(frozen=True)
class ChartFacts:
    monthly_balance: list[Fact] = field(default_factory=list)
    hhi: list[Fact] = field(default_factory=list)
    contributions: list[Fact] = field(default_factory=list)


def _partners(sheet: FactSheet) -> dict[str, str]:
    """Census partners the sheet reports on (code → zh name), in the sheet's order."""
    out: dict[str, str] = {}
    for fact in sheet.find(kind="balance", source="census"):
        if "partner" in fact.subject:
            out.setdefault(fact.subject["partner"], fact.subject.get("partner_name", fact.subject["partner"]))
    return out


def _reporters(sheet: FactSheet) -> dict[int, str]:
    out: dict[int, str] = {}
    for fact in sheet.find(kind="hhi", source="comtrade"):
        if fact.subject.get("flow") == "X":
            out.setdefault(int(fact.subject["reporter"]), fact.subject.get("reporter_name", fact.subject["reporter"]))
    return out


def chart_facts(store: Store, sheet: FactSheet) -> ChartFacts:
    """Monthly balances per partner and export HHI per economy and year, up to the sheet's cut-off."""
    census = store.census_monthly()
    comtrade = store.comtrade_annual()
    c_cut = sheet.data_cutoff.get("census")
    y_cut = sheet.data_cutoff.get("comtrade")
    if c_cut and not census.empty:
        census = census[census["period"] <= c_cut].reset_index(drop=True)
    if y_cut and not comtrade.empty:
        comtrade = comtrade[comtrade["year"] <= int(y_cut)].reset_index(drop=True)
    monthly: list[Fact] = []
    if not census.empty:
        partner = Lookup(census=census, comtrade=comtrade.iloc[0:0], sheet=sheet)
        for cty, name in _partners(sheet).items():
            monthly += partner.census_month_values(cty, "balance", name)
    lookup = Lookup(census=census.iloc[0:0], comtrade=comtrade, sheet=sheet)
    hhi: list[Fact] = []
    if not comtrade.empty:
        on_sheet = {(int(f.subject["reporter"]), f.key.start): f for f in sheet.find(kind="hhi", source="comtrade")
                    if f.subject.get("flow") == "X"}
        for reporter, name in _reporters(sheet).items():
            for year in lookup.comtrade_years(reporter):
                # the sheet's own fact when it has that year (the lookup would hand back the same one), so a
                # draft's charts compute only the years its sheet lacks
                if (found := on_sheet.get((reporter, str(year)))) is not None:
                    hhi.append(found)
                    continue
                made = lookup.comtrade_facts(reporter, "X", year, name, {})
                if made and "hhi" in made:
                    hhi.append(made["hhi"])
    return ChartFacts(monthly, hhi, lead_contributions(sheet))


def lead_contributions(sheet: FactSheet) -> list[Fact]:
    """The HS-chapter contributions behind the page's lead story: the import change of the partner whose
    balance moved most (the one the import section explains first), for one period.

    Why one partner: the chart's caption names one change; drawing every partner's chapters under it put
    Germany's and Korea's bars under "美國自台灣進口增減"."""
    for cty in headline_partners(sheet):
        _, parts = contribution_facts(sheet, cty, "imports")
        if parts:
            return parts
    return []
