"""Mirror check: what A says it exported to B against what B says it imported from A.

Why: the two sides of one trade flow should roughly agree (imports are valued CIF, so a
gap of a few percent is normal); a large gap points at coverage or classification problems
worth a reviewer's look. gap % = (A's exports to B − B's imports from A) / B's imports × 100.
"""

from __future__ import annotations

import pandas as pd

#: |gap| above this (percent) is flagged for review.
MIRROR_GAP_THRESHOLD_PCT = 20.0


def mirror_pairs(df: pd.DataFrame) -> pd.DataFrame:
    """Every (a, b, year) where a reports exports to b and b reports imports from a.

    Columns: a, b, year, exports_a_to_b, imports_b_from_a, gap_pct, flagged.
    """
    x = df[(df["flow"] == "X") & (df["partner_code"] != 0)][["reporter_code", "partner_code", "year", "value_usd"]]
    m = df[(df["flow"] == "M") & (df["partner_code"] != 0)][["reporter_code", "partner_code", "year", "value_usd"]]
    x = x.rename(columns={"reporter_code": "a", "partner_code": "b", "value_usd": "exports_a_to_b"})
    m = m.rename(columns={"reporter_code": "b", "partner_code": "a", "value_usd": "imports_b_from_a"})
    out = x.merge(m, on=["a", "b", "year"], how="inner")
    out["gap_pct"] = gap_pct(out["exports_a_to_b"], out["imports_b_from_a"])
    out["flagged"] = out["gap_pct"].abs() > MIRROR_GAP_THRESHOLD_PCT
    return out.reset_index(drop=True)


def gap_pct(exports: pd.Series | float, imports: pd.Series | float) -> pd.Series | float:
    """(exports − imports) / imports × 100; NaN when imports are zero or missing."""
    if isinstance(imports, pd.Series):
        return ((exports - imports) / imports * 100.0).where(imports != 0)
    if not imports:
        return float("nan")
    return (float(exports) - imports) / imports * 100.0
