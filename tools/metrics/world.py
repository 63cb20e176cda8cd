"""The Census total for all countries (CTY_CODE ``-``): kept apart from partners, used for shares.

Why apart: the total row answers "how much of all US imports comes from Taiwan", but it is
not a partner; a table or a ranking that treated it as one would show the US trading with
itself. Every partner computation starts from ``partners_only``.
"""

from __future__ import annotations

import pandas as pd

from tools.metrics.census import Range, range_sums

#: Schedule C code of the total for all countries in Census answers.
WORLD = "-"


def partners_only(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of real partners (the all-countries total removed)."""
    return df[df["cty_code"] != WORLD] if not df.empty else df


def world_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of the all-countries total."""
    return df[df["cty_code"] == WORLD] if not df.empty else df


def world_shares(df: pd.DataFrame, rng: Range, flows: tuple[str, ...] = ("exports", "imports")) -> pd.DataFrame:
    """Per partner and flow: its sum over ``rng``, the world sum, and its share of the world (percent).

    Columns ``{flow}``, ``{flow}_world``, ``{flow}_share``; NaN where either side lacks a month
    of the range (a share of an incomplete total would be wrong, not approximate).
    """
    sums = range_sums(df.assign(balance_usd=float("nan")), rng)
    out = pd.DataFrame(index=sums.index.drop(WORLD, errors="ignore"))
    for flow in flows:
        world = sums[flow].get(WORLD, float("nan")) if WORLD in sums.index else float("nan")
        out[flow] = sums[flow].reindex(out.index)
        out[f"{flow}_world"] = world
        out[f"{flow}_share"] = out[flow] / world * 100.0 if world == world and world else float("nan")
    return out
