"""Derived facts (sums, changes, shares, rankings) equal the arithmetic on their inputs from the store.

The frames are SYNTHETIC: random whole-USD monthly values for a few Census partners.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_facts_helpers import FETCHED

from tools.facts import derived
from tools.facts.producers import CensusProducer
from tools.facts.registry import StoreTables

PARTNERS = ["5830", "5700", "5880", "4280", "5800"]
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]


def _frame(values: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
    rows = [{"cty_code": c, "cty_name": c, "period": p, "exports_usd": float(x), "imports_usd": float(m),
             "vintage": "v1", "fetched_at": FETCHED, "synthetic": True,
             "source_url": f"https://api.census.gov/data/timeseries/intltrade/exports/hs?c={c}",
             "exports_source_url": f"https://api.census.gov/data/timeseries/intltrade/exports/hs?c={c}",
             "imports_source_url": f"https://api.census.gov/data/timeseries/intltrade/imports/hs?c={c}"}
            for (c, p), (x, m) in values.items()]
    return pd.DataFrame(rows)


money = st.integers(min_value=0, max_value=40_000_000_000)
store_values = st.fixed_dictionaries({(c, p): st.tuples(money, money) for c in PARTNERS for p in MONTHS})


@st.composite
def ranges(draw: st.DrawFn) -> tuple[str, str]:
    i = draw(st.integers(0, len(MONTHS) - 13))
    j = draw(st.integers(i, i + 11))
    return MONTHS[i], MONTHS[j]


@settings(max_examples=25, deadline=None)
@given(values=store_values, group=st.sets(st.sampled_from(PARTNERS), min_size=2), rng=ranges(),
       flow=st.sampled_from(["exports", "imports", "balance"]))
def test_derived_facts_equal_arithmetic_on_store_inputs(values: dict[tuple[str, str], tuple[int, int]],
                                                      group: set[str], rng: tuple[str, str], flow: str) -> None:
    df = _frame(values)
    census = CensusProducer(StoreTables(census=df, comtrade=df.iloc[0:0]))
    start, end = rng
    months = [m for m in MONTHS if start <= m <= end]

    def raw(c: str, ms: list[str]) -> int:
        x = sum(values[(c, m)][0] for m in ms)
        i = sum(values[(c, m)][1] for m in ms)
        return {"exports": x, "imports": i, "balance": x - i}[flow]

    members = sorted(group)
    facts = [census.value(c, flow, start, end) for c in members]
    assert all(f is not None for f in facts)
    inputs = [f for f in facts if f is not None]
    summed = derived.total(inputs, "合計")
    assert summed is not None and summed.value == sum(raw(c, months) for c in members)
    assert summed.derived_from == [f.id for f in inputs] and summed.formula
    assert {s.flow for s in summed.sources} == ({"exports", "imports"} if flow == "balance" else {flow})

    whole = sum(raw(c, months) for c in members)
    part = derived.share(inputs[0], inputs, "占比")
    if whole == 0:
        assert part is None
    else:
        assert part is not None and part.value == raw(members[0], months) / whole * 100.0

    prior = [f"{int(m[:4]) - 1}{m[4:]}" for m in months]
    if all(p in MONTHS for p in prior):
        base = census.value(members[0], flow, prior[0], prior[-1])
        assert base is not None
        moved = derived.change(inputs[0], base, "增減")
        assert moved is not None and moved.value == raw(members[0], months) - raw(members[0], prior)

    ranks = derived.ranking(inputs, largest_deficit_first=(flow == "balance"))
    by_value = sorted(members, key=lambda c: raw(c, months) if flow == "balance" else -raw(c, months))
    assert [r.key.partner for r in sorted(ranks, key=lambda r: r.value or 0)] == by_value or len(
        {raw(c, months) for c in members}) < len(members)  # ties may order either way


def test_derived_facts_refuse_mixed_periods() -> None:
    df = _frame({(c, p): (1, 2) for c in PARTNERS[:2] for p in MONTHS})
    census = CensusProducer(StoreTables(census=df, comtrade=df.iloc[0:0]))
    a = census.value("5830", "exports", "2025-01", "2025-03")
    b = census.value("5700", "exports", "2025-01", "2025-06")
    assert a is not None and b is not None
    try:
        derived.total([a, b], "合計")
    except ValueError as exc:
        assert "one period" in str(exc)
    else:
        raise AssertionError("a sum over two different periods was made")
