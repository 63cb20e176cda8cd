"""Derived figures as facts: sums, changes, shares and rankings computed from other facts, never by a model.

Why facts: an analyst's follow-up ("exports plus imports", "China's share of these five deficits",
"how much more than a year earlier") needs a number the sheet does not hold. Computing it here, from
facts the producers made, gives it a key, a printable id, every source of its inputs, the ids of
those inputs (``derived_from``) and the formula in words (``formula``), so chat cites it like any
fact and the verifier accepts only its display forms. Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools import fmt
from tools.facts import make
from tools.facts.key import FactKey
from tools.facts.model import Fact, SourceRef
from tools.metrics.growth import pct_change

DERIVED = "derived"


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
