"""Derived figures as facts: sums, changes, shares and rankings computed from other facts, never by a model.

Why facts: an analyst's follow-up ("exports plus imports", "China's share of these five deficits",
"how much more than a year earlier") needs a number the sheet does not hold. Computing it here, from
facts the producers made, gives it a key, a printable id, every source of its inputs, the ids of
those inputs (``derived_from``) and the formula in words (``formula``), so chat cites it like any
fact and the verifier accepts only its display forms. Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from tools import fmt
from tools.facts import make
from tools.facts.key import FactKey
from tools.facts.model import Fact, Period, SourceRef
from tools.metrics import combine, growth
from tools.metrics.growth import pct_change

DERIVED = "derived"
US = "842"
FLOW_ZH = {"exports": "出口", "imports": "進口", "balance": "貿易差額", "total": "貿易總額（出口＋進口）"}


def _sources(facts: Sequence[Fact]) -> list[SourceRef]:
    out: list[SourceRef] = []
    for fact in facts:
        for src in fact.sources:
            if all(src.url != s.url or src.flow != s.flow for s in out):
                out.append(src)
    return out


def _one_period(facts: Sequence[Fact]) -> Fact:
    first = facts[0]
    if any((f.key.basis, f.key.start, f.key.end) != (first.key.basis, first.key.start, first.key.end) for f in facts):
        raise ValueError("derived figures combine facts of one period and basis only")
    if any(f.unit != first.unit for f in facts):
        raise ValueError("derived figures combine facts of one unit only")
    return first


def _key(inputs: Sequence[Fact], measure: str, flow: str | None = None) -> FactKey:
    first = inputs[0]
    partners = "+".join(sorted({f.key.partner for f in inputs if f.key.partner}))
    flows = sorted({f.key.flow for f in inputs})
    return FactKey(source=DERIVED, reporter=first.key.reporter, partner=partners,
                   flow=flow if flow is not None else "+".join(flows), measure=measure, basis=first.key.basis,
                   start=first.key.start, end=first.key.end)


def total(inputs: Sequence[Fact], label_zh: str) -> Fact | None:
    """The sum of USD facts of one period (a group of partners, or exports + imports)."""
    if not inputs or any(f.value is None for f in inputs):
        return None
    first = _one_period(inputs)
    value = sum(float(f.value) for f in inputs if f.value is not None)
    return make.usd_fact(key=_key(inputs, "sum"), kind="derived_sum", value=value, period=first.period,
                         subject={"reporter": first.key.reporter}, label_zh=label_zh, sources=_sources(inputs),
                         derived_from=[f.id for f in inputs], formula=" + ".join(f.id for f in inputs),
                         magnitude=any(f.key.flow == "balance" for f in inputs))


def change(current: Fact, base: Fact, label_zh: str) -> Fact | None:
    """The absolute change current − base (USD) of one series over two periods of the same basis."""
    if current.value is None or base.value is None or current.key.series != base.key.series:
        return None
    if current.key.basis != base.key.basis:
        raise ValueError("a change compares two periods of the same basis only")
    key = current.key.with_(source=DERIVED, measure=f"change_from_{base.key.start}_{base.key.end}")
    return make.usd_fact(key=key, kind="derived_change", value=current.value - base.value, period=current.period,
                         subject=dict(current.subject), label_zh=label_zh, sources=_sources([current, base]),
                         derived_from=[current.id, base.id], formula=f"{current.id} − {base.id}")


def share(part: Fact, whole: Sequence[Fact], label_zh: str) -> Fact | None:
    """``part`` as a percentage of the sum of ``whole`` (which includes it), e.g. one partner's deficit of five."""
    if part.value is None or any(f.value is None for f in whole) or part.id not in {f.id for f in whole}:
        return None
    _one_period([part, *whole])
    denominator = sum(float(f.value) for f in whole if f.value is not None)
    if denominator == 0:
        return None
    value = float(part.value) / denominator * 100.0
    key = _key(whole, f"share_of_{part.key.partner or part.key.reporter}")
    return make.pct_fact(key=key, kind="derived_share", value=value, period=part.period,
                         subject={"reporter": part.key.reporter, "partner": part.key.partner}, label_zh=label_zh,
                         sources=_sources(whole), derived_from=[part.id, *(f.id for f in whole)],
                         formula=f"{part.id} ÷ ({' + '.join(f.id for f in whole)}) × 100")


def relative_change(current: Fact, base: Fact, label_zh: str) -> Fact | None:
    """(current − base) ÷ |base| × 100 of a flow; a balance's change goes through the producers' sign rule."""
    if current.value is None or base.value is None or current.key.flow == "balance":
        return None
    pct = pct_change(current.value, base.value)
    if pct is None:
        return None
    key = current.key.with_(source=DERIVED, measure=f"pct_change_from_{base.key.start}_{base.key.end}")
    return make.pct_fact(key=key, kind="derived_pct_change", value=pct, signed=True,
                         direction="flat" if pct == 0 else ("up" if pct > 0 else "down"), period=current.period,
                         subject=dict(current.subject), label_zh=label_zh, sources=_sources([current, base]),
                         derived_from=[current.id, base.id], formula=f"({current.id} − {base.id}) ÷ |{base.id}| × 100")


def ranking(inputs: Sequence[Fact], *, largest_deficit_first: bool = False) -> list[Fact]:
    """The rank (1 = largest) of each input among them: by value, or by deficit size for balances."""
    valued = [f for f in inputs if f.value is not None]
    if not valued:
        return []
    _one_period(valued)
    order = sorted(valued, key=lambda f: (float(f.value or 0.0) if largest_deficit_first else -float(f.value or 0.0)))
    group = "+".join(sorted({f.key.partner for f in valued}))
    out = []
    for rank, fact in enumerate(order, start=1):
        key = fact.key.with_(source=DERIVED, measure=f"rank_in_{group}")
        out.append(make.count_fact(key=key, kind="derived_rank", value=float(rank), period=fact.period,
                                   subject=dict(fact.subject), label_zh=f"{fact.label_zh}排名（{len(order)} 個中）",
                                   sources=_sources([fact]), derived_from=[f.id for f in order],
                                   formula=f"rank of {fact.id} among {len(order)}",
                                   note_zh=f"{fmt.count(rank)}／{fmt.count(len(order))}"))
    return out


# --- the chat's derived figures (issue 13): US trade with Census partners --------------------------------
# Keys: ``partner`` names the partners ('5700+5820' for a group, '5880-4280' for "Japan minus Germany",
# '5700/5700+5820' for a share), ``measure`` the operation (sum, change, yoy, diff, share, rank), ``flow``
# exports | imports | balance | total. Unlike the functions above, these never raise on mixed periods:
# they return None, which the chat turns into a refusal. ``DerivedProducer`` (tools/facts/producers.py)
# makes them on demand from the Census producer's sums.


def _same_period(inputs: Sequence[Fact]) -> Period | None:
    """The one period all inputs share (same basis, start and end), else None: never mix bases."""
    first = inputs[0].period
    if any((f.period.basis, f.period.start, f.period.end) != (first.basis, first.start, first.end) for f in inputs):
        return None
    return first


def _dkey(partner: str, flow: str, measure: str, per: Period) -> FactKey:
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
    return make.usd_fact(key=_dkey(partner, flow, "sum", per), kind="derived_sum", value=value, period=per,
                         subject=_subject(inputs, " + ".join(f.id for f in inputs), flow=flow), label_zh=label,
                         formula=" + ".join(f.id for f in inputs),
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
    return make.usd_fact(key=_dkey(current.key.partner, current.key.flow, "change", per), kind="derived_change",
                         value=value, period=per,
                         subject=_subject([current, base], formula, flow=current.key.flow,
                                          base_period=f"{base.period.start}_{base.period.end}"),
                         label_zh=f"{current.label_zh}較 {base.period.label_zh}{word}金額", formula=formula,
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
    return make.pct_fact(key=_dkey(current.key.partner, current.key.flow, "yoy", per), kind="yoy", value=ch.pct,
                         signed=True, direction=ch.direction, period=per,
                         formula=f"({current.id} − {base.id}) ÷ |{base.id}| × 100",
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
    return make.usd_fact(key=_dkey(f"{first.key.partner}-{second.key.partner}", first.key.flow, "diff", per),
                         kind="derived_diff", value=value, period=per,
                         subject=_subject([first, second], formula, flow=first.key.flow),
                         label_zh=f"{_name(first)}與{_name(second)}{FLOW_ZH.get(first.key.flow, '')}之差", formula=formula,
                         sources=_sources([first, second]), derived_from=[first.id, second.id], magnitude=True)


def share_fact(part: Fact, whole: Fact, members: Sequence[str] = ()) -> Fact | None:
    """``part`` as a percentage of ``whole`` (a group sum or a total), same period and flow."""
    per = _same_period([part, whole])
    if per is None or part.unit != "USD" or whole.unit != "USD":
        return None
    value = combine.share(part.value, whole.value)
    if value is None:
        return None
    return make.pct_fact(key=_dkey(f"{part.key.partner}/{whole.key.partner}", part.key.flow, "share", per),
                         kind="derived_share", value=value, period=per,
                         subject=_subject([part, whole], f"{part.id} / {whole.id} × 100", flow=part.key.flow),
                         label_zh=f"{part.label_zh}占{whole.label_zh}的比重", formula=f"{part.id} ÷ {whole.id} × 100",
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
    return make.text_fact(text=" > ".join(names), key=_dkey(",".join(order), flow, "rank", per), kind="derived_rank",
                          period=per, subject=_subject([by_code[c] for c in order], "order by " + (
                              "deficit (most negative balance first)" if flow == "balance" else "value, largest first"),
                              flow=flow, order=",".join(order)),
                          label_zh=f"美國對{'、'.join(names)}{FLOW_ZH.get(flow, flow)}排名（由大到小）",
                          sources=_sources(inputs), derived_from=[by_code[c].id for c in order])
