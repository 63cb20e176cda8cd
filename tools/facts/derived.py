"""Derived facts: figures computed from other facts (sums, changes, shares, comparisons, rankings).

Why facts and not prose arithmetic: "exports plus imports", "the five partners together",
"China's share of that", "how much more than a year ago" are the questions analysts ask
next, and a model (or a template) adding two numbers is exactly the invented figure the
verifier exists to stop. Each derived fact is made here from input facts by the pure
functions of ``tools.metrics.combine``; it records its inputs (``derived_from``, fact ids),
its formula (``subject['formula']``, written over those ids), a basis label (its inputs'
period, which must be one and the same basis for a sum or a share), and every source of
every input (``sources``), so it is cited and verified like any stored figure.

Keys: ``source='derived'``, ``partner`` names the partners ('5700+5820' for a group,
'5880-4280' for "Japan minus Germany", '5700/5700+5820' for a share), ``measure`` says the
operation (sum, change, diff, share, rank), ``flow`` is exports | imports | balance | total.
``DerivedProducer`` (registered as ``derived``) makes them for Census partners on demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from tools.facts import census_facts as cf
from tools.facts import make
from tools.facts.key import FactKey
from tools.facts.model import Fact, Period, SourceRef
from tools.facts.registry import StoreTables, register
from tools.metrics import combine, growth

US = "842"
FLOW_ZH = {"exports": "出口", "imports": "進口", "balance": "貿易差額", "total": "貿易總額（出口＋進口）"}


def _sources(inputs: Sequence[Fact]) -> list[SourceRef]:
    """Every source of every input, each query URL once (order of first appearance)."""
    seen: dict[tuple[str, str], SourceRef] = {}
    for f in inputs:
        for s in f.sources:
            seen.setdefault((s.url, s.flow), s)
    return list(seen.values())


def _same_period(inputs: Sequence[Fact]) -> Period | None:
    """The one period all inputs share (same basis, start and end), else None: never mix bases."""
    first = inputs[0].period
    if any((f.period.basis, f.period.start, f.period.end) != (first.basis, first.start, first.end) for f in inputs):
        return None
    return first


def _key(partner: str, flow: str, measure: str, per: Period) -> FactKey:
    return FactKey(source="derived", reporter=US, partner=partner, flow=flow, measure=measure, basis=per.basis,
                   start=per.start, end=per.end)


def _name(f: Fact) -> str:
    return f.subject.get("partner_name") or f.subject.get("partner") or f.key.partner


def _subject(inputs: Sequence[Fact], formula: str, **extra: str) -> dict[str, str]:
    return {"scheme": "derived", "reporter": US, "partners": ",".join(f.key.partner for f in inputs),
            "partner_names": "、".join(_name(f) for f in inputs), "formula": formula, **extra}


def sum_fact(inputs: Sequence[Fact], *, flow: str, label_zh: str = "") -> Fact | None:
    """The sum of USD facts of one period: exports + imports of one partner (``flow='total'``), or one
    flow over a group of partners. None when periods differ or any input is missing."""
    if not inputs or any(f.unit != "USD" for f in inputs):
        return None
    per = _same_period(inputs)
    value = combine.total([f.value for f in inputs])
    if per is None or value is None:
        return None
    partners = list(dict.fromkeys(f.key.partner for f in inputs))
    partner = "+".join(partners)
    names = "、".join(dict.fromkeys(_name(f) for f in inputs))
    label = label_zh or (f"美國對{names}{FLOW_ZH.get(flow, flow)}合計" if len(partners) > 1
                         else f"美國對{names}{FLOW_ZH.get(flow, flow)}")
    return make.usd_fact(key=_key(partner, flow, "sum", per), kind="derived_sum", value=value, period=per,
                         subject=_subject(inputs, " + ".join(f.id for f in inputs), flow=flow), label_zh=label,
                         sources=_sources(inputs), derived_from=[f.id for f in inputs],
                         magnitude=(flow == "balance"), note_zh=f"{per.label_zh}，{len(inputs)} 項同期數據加總")


def change_fact(current: Fact, base: Fact) -> Fact | None:
    """The absolute change of one series between two periods of the same basis (current − base).

    For a balance the change is of the magnitude (a deficit that grows from 672 億 to 1,269 億
    widened by 597 億), and a balance that changed sign has no amount of change: None.
    """
    if current.unit != "USD" or base.unit != "USD" or current.key.series != base.key.series:
        return None
    if current.period.basis != base.period.basis:
        return None
    cur, old = current.value, base.value
    if cur is None or old is None:
        return None
    balance = current.key.flow == "balance"
    if balance and cur * old < 0:
        return None
    value = combine.difference(abs(cur), abs(old)) if balance else combine.difference(cur, old)
    formula = f"|{current.id}| − |{base.id}|" if balance else f"{current.id} − {base.id}"
    per = current.period
    word = ("擴大" if (value or 0) > 0 else "收窄") if balance else ("增加" if (value or 0) > 0 else "減少")
    return make.usd_fact(key=_key(current.key.partner, current.key.flow, "change", per), kind="derived_change",
                         value=value, period=per,
                         subject=_subject([current, base], formula, flow=current.key.flow,
                                          base_period=f"{base.period.start}_{base.period.end}"),
                         label_zh=f"{current.label_zh}較 {base.period.label_zh}{word}金額",
                         sources=_sources([current, base]), derived_from=[current.id, base.id],
                         compares=[current.id, base.id], magnitude=True,
                         direction="flat" if not value else ("up" if value > 0 else "down"),
                         note_zh=f"與 {base.period.label_zh} 同口徑比較")


def pct_change_fact(current: Fact, base: Fact) -> Fact | None:
    """The percentage change of a derived sum (total trade, a group) against the same months a year
    earlier, by the rule of ``tools.metrics.growth`` (a balance's magnitude; no percentage across a sign flip)."""
    if current.key.series != base.key.series or current.period.basis != base.period.basis:
        return None
    kind: Literal["balance", "flow"] = "balance" if current.key.flow == "balance" else "flow"
    ch = growth.change(current.value, base.value, kind)  # type: ignore[arg-type]
    if ch.pct is None:
        return None
    per = current.period
    return make.pct_fact(key=_key(current.key.partner, current.key.flow, "yoy", per), kind="yoy", value=ch.pct,
                         signed=True, direction=ch.direction, period=per,
                         subject=_subject([current, base], f"({current.id} − {base.id}) / |{base.id}| × 100",
                                          flow=current.key.flow, base_period=f"{base.period.start}_{base.period.end}"),
                         label_zh=f"{current.label_zh}年增率（較 {base.period.label_zh}）", sources=_sources([current, base]),
                         derived_from=[current.id, base.id], compares=[current.id, base.id],
                         note_zh=f"與 {base.period.label_zh} 同口徑比較")


def diff_fact(first: Fact, second: Fact) -> Fact | None:
    """How much ``first`` exceeds ``second`` (two partners, one period): of magnitudes for balances."""
    per = _same_period([first, second])
    if per is None or first.unit != "USD" or second.unit != "USD" or first.key.flow != second.key.flow:
        return None
    a, b = first.value, second.value
    if a is None or b is None:
        return None
    balance = first.key.flow == "balance"
    if balance and a * b < 0:
        return None  # a deficit and a surplus differ in kind, not by an amount
    value = combine.difference(abs(a), abs(b)) if balance else combine.difference(a, b)
    formula = f"|{first.id}| − |{second.id}|" if balance else f"{first.id} − {second.id}"
    return make.usd_fact(key=_key(f"{first.key.partner}-{second.key.partner}", first.key.flow, "diff", per),
                         kind="derived_diff", value=value, period=per,
                         subject=_subject([first, second], formula, flow=first.key.flow),
                         label_zh=f"{_name(first)}與{_name(second)}{FLOW_ZH.get(first.key.flow, '')}之差",
                         sources=_sources([first, second]), derived_from=[first.id, second.id], magnitude=True)


def share_fact(part: Fact, whole: Fact, members: Sequence[str] = ()) -> Fact | None:
    """``part`` as a percentage of ``whole`` (a group sum or a total), same period and flow."""
    per = _same_period([part, whole])
    if per is None or part.unit != "USD" or whole.unit != "USD":
        return None
    value = combine.share(part.value, whole.value)
    if value is None:
        return None
    return make.pct_fact(key=_key(f"{part.key.partner}/{whole.key.partner}", part.key.flow, "share", per),
                         kind="derived_share", value=value, period=per,
                         subject=_subject([part, whole], f"{part.id} / {whole.id} × 100", flow=part.key.flow),
                         label_zh=f"{part.label_zh}占{whole.label_zh}的比重",
                         sources=_sources([part, whole]), derived_from=[part.id, whole.id])


def rank_fact(inputs: Sequence[Fact]) -> Fact | None:
    """The inputs ordered largest first (by deficit for balances): a text fact naming the order."""
    if len(inputs) < 2:
        return None
    per = _same_period(inputs)
    if per is None or any(f.value is None for f in inputs):
        return None
    flow = inputs[0].key.flow
    by_code = {f.key.partner: f for f in inputs}
    order = combine.ranking({c: float(f.value or 0) for c, f in by_code.items()}, largest_deficit=(flow == "balance"))
    names = [_name(by_code[c]) for c in order]
    return make.text_fact(text=" > ".join(names), key=_key(",".join(order), flow, "rank", per), kind="derived_rank",
                          period=per, subject=_subject([by_code[c] for c in order], "order by " + (
                              "deficit (most negative balance first)" if flow == "balance" else "value, largest first"),
                              flow=flow, order=",".join(order)),
                          label_zh=f"美國對{'、'.join(names)}{FLOW_ZH.get(flow, flow)}排名（由大到小）",
                          sources=_sources(inputs), derived_from=[by_code[c].id for c in order])


@register("derived")
class DerivedProducer:
    """Derived figures of US trade with Census partners, from the Census producer's sums."""

    source = "derived"

    def __init__(self, tables: StoreTables) -> None:
        self.monthly = tables.census

    def value(self, cty: str, flow: str, start: str, end: str, partner_zh: str | None = None) -> Fact | None:
        """A partner's exports/imports/balance, or total trade (exports + imports) over the months."""
        if flow == "total":
            ex = cf.sum_fact(self.monthly, cty, "exports", start, end, partner_zh)
            im = cf.sum_fact(self.monthly, cty, "imports", start, end, partner_zh)
            if ex is None or im is None:
                return None
            return sum_fact([ex, im], flow="total")
        return cf.sum_fact(self.monthly, cty, flow, start, end, partner_zh)

    def group(self, ctys: Sequence[str], flow: str, start: str, end: str,
              names: dict[str, str] | None = None) -> tuple[Fact, list[Fact]] | None:
        """The group's sum of ``flow`` and each member's fact (None unless every member has every month)."""
        members = [self.value(c, flow, start, end, (names or {}).get(c)) for c in ctys]
        if not members or any(m is None for m in members):
            return None
        got = [m for m in members if m is not None]
        total = sum_fact(got, flow=flow)
        return (total, got) if total is not None else None

    def change(self, cty: str, flow: str, start: str, end: str, base_start: str, base_end: str,
               partner_zh: str | None = None) -> tuple[Fact, Fact, Fact] | None:
        """(current, base, absolute change) for one partner between two same-basis windows."""
        cur = self.value(cty, flow, start, end, partner_zh)
        base = self.value(cty, flow, base_start, base_end, partner_zh)
        if cur is None or base is None:
            return None
        ch = change_fact(cur, base)
        return (cur, base, ch) if ch is not None else None

    def info(self) -> dict[str, Any]:
        return {"source": self.source, "operations": ["sum", "change", "diff", "share", "rank"]}


def group_key(members: Sequence[str]) -> str:
    """How a group of partners is named in keys: codes joined by '+' in the order given."""
    return "+".join(members)
