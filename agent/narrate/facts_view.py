"""Read the fact sheet the way the briefing needs it: partners, same-basis pairs, reporter tables.

Why a view module: every section, table and fallback sentence needs the same lookups
(a partner's latest Census figure and its same-basis change, a reporter's latest Comtrade
year). They go by fact key (``Fact.key``), never by taking fact ids apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.facts.model import Basis, Fact, FactSheet

#: Census sums a briefing leads with (a window's extreme or a revision is not "the" figure).
_CENSUS_SUMS = (Basis.YTD, Basis.YEAR, Basis.MONTH)


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
            out.append((fact, self.facts.get(f"share.{fact.key.partner}")))
        return out


def partner_name(fact: Fact) -> str:
    return fact.subject.get("partner_name") or fact.subject.get("partner", "")


def _census_sums(sheet: FactSheet, flow: str, cty: str | None = None) -> list[Fact]:
    return [f for f in sheet.find(source="census", flow=flow, measure="value", partner=cty, commodity="")
            if f.key.basis in _CENSUS_SUMS]


def census_partners(sheet: FactSheet) -> list[str]:
    """Census partner codes, largest absolute latest balance first."""
    best: dict[str, float] = {}
    for fact in _census_sums(sheet, "balance"):
        if fact.value is not None:
            cty = fact.key.partner
            best[cty] = max(best.get(cty, 0.0), abs(fact.value))
    return sorted(best, key=lambda c: -best[c])


def latest_census(sheet: FactSheet, cty: str, flow: str) -> Fact | None:
    """The most recent year-to-date (else full-year, else month) Census figure for a partner/flow."""
    found = _census_sums(sheet, flow, cty)
    if not found:
        return None
    rank = {Basis.YTD: 2, Basis.YEAR: 1, Basis.MONTH: 0}
    return max(found, key=lambda f: (f.key.end, rank[f.key.basis]))


def change_of(sheet: FactSheet, current: Fact) -> Change | None:
    """The yoy fact comparing ``current`` with its same-basis base, if the sheet has one.

    A balance that changed sign has a text change (由順差轉為逆差, no direction): it is a change too.
    """
    by_id = sheet.by_id()
    for fact in sheet.facts:
        is_change = fact.direction is not None or (fact.kind == "yoy" and fact.unit == "text")
        if is_change and fact.compares and fact.compares[0] == current.id:
            base = by_id.get(fact.compares[1]) if len(fact.compares) > 1 else None
            return Change(current=current, base=base, change=fact)
    return None


def census_change(sheet: FactSheet, cty: str, flow: str) -> Change | None:
    current = latest_census(sheet, cty, flow)
    return change_of(sheet, current) if current else None


def monthly_extreme(sheet: FactSheet, cty: str) -> Fact | None:
    facts = [f for f in sheet.facts if f.kind == "monthly_extreme" and f.subject.get("partner") == cty]
    return max(facts, key=lambda f: f.period.end) if facts else None


def _metric(fact: Fact) -> str:
    """A reporter-year dict key: the measure, with the partner for partner values and shares."""
    return f"{fact.key.measure}.{fact.key.partner}" if fact.key.partner else fact.key.measure


def reporter_years(sheet: FactSheet, flow: str = "X") -> list[ReporterYear]:
    """Latest Comtrade year per reporter for ``flow``, with its metric facts."""
    grouped: dict[tuple[str, int], dict[str, Fact]] = {}
    for fact in sheet.find(source="comtrade", flow=flow, commodity=""):
        grouped.setdefault((fact.key.reporter, int(fact.key.start)), {})[_metric(fact)] = fact
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
    year = str(ry.year - 1)
    found = sheet.find(source="comtrade", reporter=ry.reporter, flow=ry.flow, measure=metric, partner="",
                       commodity="", start=year)
    return found[0] if found else None


def is_partial(fact: Fact) -> bool:
    return fact.period.basis == Basis.YTD
