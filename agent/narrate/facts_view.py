"""Read the fact sheet the way the briefing needs it: partners, same-basis pairs, reporter tables.

Why a view module: the fact ids are a contract (``census.{cty}.{flow}.ytd.{start}_{end}``,
``comtrade.{r}.{X|M}.{Y}.{metric}``), and every section, table and fallback sentence
needs the same lookups. Keeping them here means one place knows the id scheme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.facts.model import Basis, Fact, FactSheet

_CENSUS = re.compile(r"^census\.(?P<cty>[^.]+)\.(?P<flow>exports|imports|balance)\.(?P<basis>ytd|year|month)\."
                     r"(?P<period>[\d-]+_[\d-]+)$")
_COMTRADE = re.compile(r"^comtrade\.(?P<r>\d+)\.(?P<flow>[XM])\.(?P<year>\d{4})\.(?P<metric>.+)$")


@dataclass(frozen=True)
class Change:
    """A same-basis comparison: the current figure, its base and the change between them."""

    current: Fact
    base: Fact | None
    change: Fact


@dataclass(frozen=True)
class ReporterYear:
    reporter: str
    name: str
    flow: str
    year: int
    facts: dict[str, Fact]  # metric suffix -> fact ('hhi', 'top3_share', 'partner.156', ...)

    def top_partners(self, n: int = 3) -> list[tuple[Fact, Fact | None]]:
        """(partner value, partner share) for the ``n`` largest partners."""
        partners = [f for key, f in self.facts.items() if key.startswith("partner.") and f.value is not None]
        partners.sort(key=lambda f: -(f.value or 0.0))
        out = []
        for fact in partners[:n]:
            code = fact.id.rsplit(".", 1)[-1]
            out.append((fact, self.facts.get(f"share.{code}")))
        return out


def partner_name(fact: Fact) -> str:
    return fact.subject.get("partner_name") or fact.subject.get("partner", "")


def census_partners(sheet: FactSheet) -> list[str]:
    """Census partner codes, largest absolute latest balance first."""
    best: dict[str, float] = {}
    for fact in sheet.facts:
        m = _CENSUS.match(fact.id)
        if m and m.group("flow") == "balance" and fact.value is not None:
            best[m.group("cty")] = max(best.get(m.group("cty"), 0.0), abs(fact.value))
    return sorted(best, key=lambda c: -best[c])


def latest_census(sheet: FactSheet, cty: str, flow: str) -> Fact | None:
    """The most recent year-to-date (else full-year, else month) Census figure for a partner/flow."""
    found = [(f, m) for f in sheet.facts if (m := _CENSUS.match(f.id)) and m.group("cty") == cty
             and m.group("flow") == flow]
    if not found:
        return None
    rank = {"ytd": 2, "year": 1, "month": 0}
    return max(found, key=lambda fm: (fm[0].period.end, rank[fm[1].group("basis")]))[0]


def change_of(sheet: FactSheet, current: Fact) -> Change | None:
    """The yoy fact comparing ``current`` with its same-basis base, if the sheet has one."""
    by_id = sheet.by_id()
    for fact in sheet.facts:
        if fact.direction is not None and fact.compares and fact.compares[0] == current.id:
            base = by_id.get(fact.compares[1]) if len(fact.compares) > 1 else None
            return Change(current=current, base=base, change=fact)
    return None


def census_change(sheet: FactSheet, cty: str, flow: str) -> Change | None:
    current = latest_census(sheet, cty, flow)
    return change_of(sheet, current) if current else None


def monthly_extreme(sheet: FactSheet, cty: str) -> Fact | None:
    facts = [f for f in sheet.facts if f.kind == "monthly_extreme" and f.subject.get("partner") == cty]
    return max(facts, key=lambda f: f.period.end) if facts else None


def reporter_years(sheet: FactSheet, flow: str = "X") -> list[ReporterYear]:
    """Latest Comtrade year per reporter for ``flow``, with its metric facts."""
    grouped: dict[tuple[str, int], dict[str, Fact]] = {}
    for fact in sheet.facts:
        m = _COMTRADE.match(fact.id)
        if m and m.group("flow") == flow:
            grouped.setdefault((m.group("r"), int(m.group("year"))), {})[m.group("metric")] = fact
    latest: dict[str, int] = {}
    for reporter, year in grouped:
        latest[reporter] = max(year, latest.get(reporter, year))
    out = []
    for reporter, year in latest.items():
        facts = grouped[(reporter, year)]
        any_fact = next(iter(facts.values()))
        name = any_fact.subject.get("reporter_name") or reporter
        out.append(ReporterYear(reporter, name, flow, year, facts))
    out.sort(key=lambda ry: ry.facts["hhi"].value or 0.0 if "hhi" in ry.facts else 0.0)
    return out


def previous_year(sheet: FactSheet, ry: ReporterYear, metric: str) -> Fact | None:
    """The same metric one year earlier, when the sheet carries it."""
    wanted = f"comtrade.{ry.reporter}.{ry.flow}.{ry.year - 1}.{metric}"
    return next((f for f in sheet.facts if f.id == wanted), None)


def is_partial(fact: Fact) -> bool:
    return fact.period.basis == Basis.YTD
