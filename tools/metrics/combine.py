"""Arithmetic that combines already-computed figures: sums, differences, shares, rankings.

Why its own module: an analyst's follow-up ("exports plus imports", "the five partners
together", "China's share of that", "which is larger, and by how much") is arithmetic on
figures the store already gives. Doing it here, as pure functions on plain numbers, keeps
the model (and the chat's templates) from ever adding two numbers itself; ``tools.facts.derived``
wraps each result in a fact that records its inputs and formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def _ok(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def total(values: Sequence[float | None]) -> float | None:
    """The sum of ``values``; None when any is missing (a partial sum is never a total)."""
    if not values or not all(_ok(v) for v in values):
        return None
    return float(math.fsum(v for v in values if v is not None))


def difference(current: float | None, base: float | None) -> float | None:
    """current − base (an absolute change, or how much one partner's figure exceeds another's)."""
    if not _ok(current) or not _ok(base):
        return None
    assert current is not None and base is not None
    return float(current - base)


def share(part: float | None, whole: float | None) -> float | None:
    """part / whole × 100; None when the whole is zero or missing, or part and whole differ in sign
    (a surplus partner's "share" of a group deficit means nothing)."""
    if not _ok(part) or not _ok(whole) or whole == 0:
        return None
    assert part is not None and whole is not None
    if part != 0 and (part > 0) != (whole > 0):
        return None
    return float(part / whole * 100.0)


def ranking(values: dict[str, float], *, largest_deficit: bool = False) -> list[str]:
    """Keys ordered largest first: by value (flows), or by deficit (most negative balance first).

    Ties keep the order of the keys given, so a ranking is reproducible.
    """
    order = list(values)
    if largest_deficit:
        return sorted(order, key=lambda k: (values[k], order.index(k)))
    return sorted(order, key=lambda k: (-values[k], order.index(k)))
