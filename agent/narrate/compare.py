"""Week-over-week and year-ago tables: this week's fact sheet against an earlier one.

Why by fact identity: a figure is "unchanged" only if the same fact (same id, so same
period and basis) has the same value; when the period moved on (Jan–Oct → Jan–Nov) the
row says the period was updated instead of pretending two different bases are comparable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.facts.model import Fact, FactSheet

from . import facts_view as fv


@dataclass
class Comparison:
    headers: list[str]
    rows: list[list[str]]
    this_ids: list[str] = field(default_factory=list)
    other_facts: dict[str, Fact] = field(default_factory=dict)  # keyed '{week}:{fact id}' for the sidecar


def _headline_facts(sheet: FactSheet) -> list[Fact]:
    out: list[Fact] = []
    for cty in fv.census_partners(sheet):
        ch = fv.census_change(sheet, cty, "balance")
        if ch:
            out += [ch.current, ch.change]
    for ry in fv.reporter_years(sheet, "X"):
        hhi = ry.facts.get("hhi")
        if hhi:
            out.append(hhi)
    return out


def _same_series(a: Fact, b: Fact) -> bool:
    """Same figure of the same series (source, reporter, partner, goods, flow, measure), any period."""
    return a.kind == b.kind and a.key.series == b.key.series and a.key.view == b.key.view


def _counterpart(fact: Fact, other: FactSheet) -> Fact | None:
    by_id = other.by_id()
    if fact.id in by_id:
        return by_id[fact.id]
    candidates = [f for f in other.facts if _same_series(fact, f) and f.key.basis == fact.key.basis]
    return max(candidates, key=lambda f: f.period.end) if candidates else None


def compare_sheets(this: FactSheet, other: FactSheet | None, label_other: str, label_this: str,
                   matched_only: bool = False) -> Comparison:
    """Rows: item, the other sheet's display, this sheet's display, what changed (words only).

    ``matched_only`` drops figures the other sheet has no same-basis counterpart for (a year-ago
    sheet has full-year Census figures, which are not comparable with this year's Jan–Nov).
    """
    headers = ["項目", label_other, label_this, "變化"]
    if other is None:
        return Comparison(headers, [])
    rows, this_ids, other_facts = [], [], {}
    for fact in _headline_facts(this):
        label = fact.label_zh
        item = label if fact.period.label_zh in label else f"{label}（{fact.period.label_zh}）"
        before = _counterpart(fact, other)
        if before is None and matched_only:
            continue
        this_ids.append(fact.id)
        if before is None:
            rows.append([item, "—", fact.display, "新增"])
            continue
        other_facts[f"{other.week}:{before.id}"] = before
        if before.id != fact.id:
            change = f"期間更新（{before.period.label_zh} → {fact.period.label_zh}）"
        elif before.value == fact.value:
            change = "持平"
        else:
            change = "數值修正"
        rows.append([item, before.display, fact.display, change])
    return Comparison(headers, rows, this_ids, other_facts)
