"""Deterministic trade metrics: pure functions over the store's DataFrames (no I/O, no LLM).

Modules: ``growth`` (same-basis change of a flow or a balance), ``census`` (monthly bilateral
series: balance, period sums, same-basis YoY, monthly extremes), ``concentration`` (partner
shares, HHI, top-N, excluded aggregates), ``mirror`` (A's exports vs B's imports),
``quality`` (coverage checks), ``combine`` (sums, differences, shares and rankings of figures).
"""
