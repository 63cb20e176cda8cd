"""Helpers (no tests): hand-built frames in the store's shapes, for metric and fact-sheet tests.

US–Taiwan (Census 5830) monthly exports/imports in US$ millions, from the Census
country page as captured 2026-02-13 (the bundled sample's figures).
"""

from __future__ import annotations

import pandas as pd

TAIWAN_MUSD = [
    ("2023-09", 2872.7, 8005.0),
    ("2024-01", 3118.0, 8195.7), ("2024-02", 3104.2, 6795.9), ("2024-03", 3402.5, 7940.3),
    ("2024-04", 3942.6, 9095.0), ("2024-05", 3630.3, 8980.0), ("2024-06", 3915.8, 9863.1),
    ("2024-07", 3916.9, 12988.5), ("2024-08", 3716.2, 11772.0), ("2024-09", 3150.0, 10556.5),
    ("2024-10", 3363.2, 10701.4), ("2024-11", 3672.1, 9276.9), ("2024-12", 3605.6, 10089.9),
    ("2025-01", 3366.6, 11069.8), ("2025-02", 3692.7, 10588.1), ("2025-03", 4643.2, 12403.1),
    ("2025-04", 5033.8, 14613.4), ("2025-05", 4728.8, 16386.5), ("2025-06", 4292.1, 16921.3),
    ("2025-07", 4936.5, 19505.8), ("2025-08", 4554.3, 17735.7), ("2025-09", 4513.2, 14991.3),
    ("2025-10", 4832.0, 22252.7), ("2025-11", 5273.8, 20258.8),
]

FETCHED = pd.Timestamp("2026-02-13T23:51:06Z")
CENSUS_URL = "https://api.census.gov/data/timeseries/intltrade/exports/hs?get=CTY_CODE,ALL_VAL_MO&time=from+2024-01"
COMTRADE_URL = "https://comtradeapi.un.org/public/v1/preview/C/A/HS?reporterCode=490&period=2024&flowCode=X"


def census_frame(rows: list[tuple[str, str, float, float]], synthetic: bool = False) -> pd.DataFrame:
    """rows: (cty_code, period, exports_musd, imports_musd) -> the census_monthly() shape (whole USD)."""
    df = pd.DataFrame(rows, columns=["cty_code", "period", "exports_usd", "imports_usd"])
    df["exports_usd"] = (df["exports_usd"] * 1_000_000).round()
    df["imports_usd"] = (df["imports_usd"] * 1_000_000).round()
    df.insert(1, "cty_name", df["cty_code"].map({"5830": "TAIWAN", "5700": "CHINA"}).fillna("SOMEWHERE"))
    df["vintage"] = "v1"
    df["fetched_at"] = FETCHED
    df["source_url"] = CENSUS_URL
    df["synthetic"] = synthetic
    return df


def taiwan_census(periods: set[str] | None = None) -> pd.DataFrame:
    rows = [("5830", p, x, m) for p, x, m in TAIWAN_MUSD if periods is None or p in periods]
    return census_frame(rows)


def comtrade_frame(rows: list[tuple[int, int, int, str, float]], *, synthetic: bool = False,
                   row_capped: bool = False) -> pd.DataFrame:
    """rows: (reporter, partner, year, flow, value_usd) -> the comtrade_annual() shape."""
    from tools.countries import by_comtrade

    df = pd.DataFrame(rows, columns=["reporter_code", "partner_code", "year", "flow", "value_usd"])
    def desc(code: int) -> str:
        country = by_comtrade(code)
        return country.name_en if country else str(code)

    df.insert(1, "reporter_desc", [desc(r) for r in df["reporter_code"]])
    df.insert(3, "partner_desc", [desc(p) for p in df["partner_code"]])
    df["value_usd"] = df["value_usd"].astype(float)
    df["vintage"] = "c1"
    df["fetched_at"] = FETCHED
    df["source_url"] = COMTRADE_URL
    df["synthetic"] = synthetic
    df["row_capped"] = row_capped
    return df


REVISION_COLUMNS = ["cty_code", "period", "flow", "old_value", "new_value", "old_vintage", "new_vintage"]


class FakeStore:
    """The three Store methods build_fact_sheet needs."""

    def __init__(self, census: pd.DataFrame | None = None, comtrade: pd.DataFrame | None = None,
                 revisions: pd.DataFrame | None = None) -> None:
        self._census = census if census is not None else census_frame([]).iloc[0:0]
        self._comtrade = comtrade if comtrade is not None else comtrade_frame([]).iloc[0:0]
        self._revisions = revisions if revisions is not None else pd.DataFrame(columns=REVISION_COLUMNS)

    def census_monthly(self) -> pd.DataFrame:
        return self._census

    def comtrade_annual(self) -> pd.DataFrame:
        return self._comtrade

    def census_revisions(self) -> pd.DataFrame:
        return self._revisions
