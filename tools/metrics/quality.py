"""Coverage checks that become quality flags on the fact sheet.

Why: the earlier system reported Germany with 62 partners next to peers with ~220 and drew
conclusions from an HHI computed on a capped answer. A reporter whose partner count is far
below its peers' median, a missing year, or a capped answer must be said out loud.
"""

from __future__ import annotations

import pandas as pd

#: A reporter with fewer partners than this fraction of the peers' median is flagged.
LOW_COVERAGE_RATIO = 0.5


def low_coverage(partner_counts: pd.Series, ratio: float = LOW_COVERAGE_RATIO) -> pd.DataFrame:
    """Groups (index (reporter, year, flow)) whose count < ratio × median of the same (year, flow).

    Columns: partner_count, peer_median.
    """
    if partner_counts.empty:
        return pd.DataFrame(columns=["partner_count", "peer_median"])
    df = partner_counts.rename("partner_count").to_frame()
    df["peer_median"] = df.groupby(level=["year", "flow"])["partner_count"].transform("median")
    peers = df.groupby(level=["year", "flow"])["partner_count"].transform("count")
    return df[(peers >= 3) & (df["partner_count"] < ratio * df["peer_median"])]


def missing_years(df: pd.DataFrame, reporters: list[int], years: list[int]) -> list[tuple[int, int, str]]:
    """(reporter, year, flow) combinations with no rows at all."""
    keys = df[["reporter_code", "year", "flow"]].drop_duplicates()
    have = set(zip(keys["reporter_code"], keys["year"], keys["flow"], strict=True))
    return [(r, y, f) for r in reporters for y in years for f in ("X", "M") if (r, y, f) not in have]


def capped_groups(df: pd.DataFrame) -> pd.DataFrame:
    """(reporter, year, flow) groups whose stored answer hit the row cap."""
    keys = ["reporter_code", "year", "flow"]
    return df[df["row_capped"]].drop_duplicates(keys)[keys].reset_index(drop=True)
