"""Change between two values of the same basis — for a flow, or for a balance's magnitude.

Why a separate rule for balances: a deficit going from -672 億 to -1,269 億 is a deficit that
*widened* (擴大) by 88.7%; the plain percentage change of the signed numbers would also be
+88.7% here, but from a surplus of 10 to a deficit of 5 it would read "-150%", which means
nothing. So for a balance the change is on the magnitude when both have the same sign, and
a sign flip is reported as such, never as a percentage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Direction = Literal["up", "down", "flat"]


@dataclass(frozen=True)
class Change:
    pct: float | None  # None when undefined: zero/missing base, or a balance that changed sign
    direction: Direction | None  # sign of the change of the magnitude (balance) or the value (flow)
    sign_flip: bool = False


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _direction(delta: float) -> Direction:
    return "flat" if delta == 0 else ("up" if delta > 0 else "down")


def pct_change(current: float, base: float) -> float | None:
    """(current − base) / |base| × 100, or None when the base is zero or missing."""
    if _missing(current) or _missing(base) or base == 0:
        return None
    return (current - base) / abs(base) * 100.0


def flow_change(current: float, base: float) -> Change:
    """Growth of a flow (exports, imports, totals): 增長 when up, 減少 when down."""
    p = pct_change(current, base)
    if p is None:
        return Change(None, None)
    return Change(p, _direction(current - base))


def balance_change(current: float, base: float) -> Change:
    """Change of a balance's magnitude when the sign is unchanged (up = 擴大, down = 收窄)."""
    if _missing(current) or _missing(base):
        return Change(None, None)
    if current * base < 0:
        return Change(None, None, sign_flip=True)
    p = pct_change(abs(current), abs(base))
    if p is None:
        return Change(None, None)
    return Change(p, _direction(abs(current) - abs(base)))


def change(current: float, base: float, kind: Literal["balance", "flow"]) -> Change:
    return balance_change(current, base) if kind == "balance" else flow_change(current, base)
