"""Partner concentration: shares, HHI, band, top-N — over country partners only.

Exclusion rule (documented in ``tools.countries.aggregate_reason``): World (0), codes the
Comtrade partner table marks ``isGroup``, "…, nes" areas, Bunkers, Free Zones, Special
Categories, Neutral Zone, Areas nes, EU/ASEAN. 490 "Other Asia, nes" is Taiwan and stays.
Shares are of the sum over the remaining country partners, so they add up to 100 and HHI
(Σ share², shares in percent) lies in [10,000/n, 10,000]. What was excluded is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from tools.countries import aggregate_reason

KEYS = ["reporter_code", "year", "flow"]
BAND_LOW_MAX = 1500.0
BAND_MID_MAX = 2500.0


def hhi(shares_pct: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of shares given in percent (0–10,000)."""
    return float(sum(s * s for s in shares_pct))


def shares_pct(values: Sequence[float]) -> list[float]:
    """Each value as a percent of their sum (empty or zero total -> all zeros)."""
    total = float(sum(values))
    if total == 0:
        return [0.0 for _ in values]
    return [v / total * 100.0 for v in values]


def hhi_band(value: float) -> str:
    """低 below 1,500, 中 from 1,500 to 2,500, 高 above 2,500 (US DOJ/FTC 2010 thresholds)."""
    if value < BAND_LOW_MAX:
        return "低"
    if value <= BAND_MID_MAX:
        return "中"
    return "高"


def split_aggregates(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(country partner rows, excluded rows with a ``reason`` column) of a Comtrade frame."""
    codes = df[["partner_code", "partner_desc"]].drop_duplicates("partner_code")
    reasons = {int(c): aggregate_reason(int(c), str(d)) for c, d in zip(codes["partner_code"], codes["partner_desc"],
                                                                        strict=True)}
    r = df["partner_code"].map(reasons)
    excluded = df[r.notna()].assign(reason=r[r.notna()])
    return df[r.isna()], excluded


def with_shares(countries: pd.DataFrame) -> pd.DataFrame:
    """Add ``share_pct`` (of the group's country total) and ``rank`` (1 = largest) per KEYS group."""
    out = countries[countries["value_usd"].notna()].copy()
    total = out.groupby(KEYS)["value_usd"].transform("sum")
    out["share_pct"] = (out["value_usd"] / total * 100.0).where(total != 0, 0.0)
    out = out.sort_values(KEYS + ["value_usd", "partner_code"], ascending=[True, True, True, False, True])
    out["rank"] = out.groupby(KEYS).cumcount() + 1
    return out


def summary(shared: pd.DataFrame, top_n: int = 3) -> pd.DataFrame:
    """Per KEYS group: country_total, hhi, band, partner_count, top{n}_share, top{n} codes."""
    g = shared.groupby(KEYS)
    out = pd.DataFrame({
        "country_total": g["value_usd"].sum(),
        "hhi": shared.assign(_sq=shared["share_pct"] ** 2).groupby(KEYS)["_sq"].sum(),
        "partner_count": g["partner_code"].count(),
    })
    top = shared[shared["rank"] <= top_n]
    tg = top.groupby(KEYS)
    out[f"top{top_n}_share"] = tg["share_pct"].sum()
    out[f"top{top_n}"] = tg["partner_code"].agg(lambda s: [int(x) for x in s])
    out["band"] = out["hhi"].map(hhi_band)
    return out


def world_totals(df: pd.DataFrame) -> pd.Series:
    """The reporter's World (partner 0) value per KEYS group, as received."""
    w = df[df["partner_code"] == 0]
    return w.groupby(KEYS)["value_usd"].sum(min_count=1)
