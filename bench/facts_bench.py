"""Benchmark: build the week's fact sheet for every reporter of a full-size generated dataset.

Dataset: 200 Comtrade reporters × 250 partners × 10 years × 2 flows (1,000,000 rows) and
240 Census partners × 120 months. Prints rows and seconds; target < 2 s on a 2-core machine.
Run: ``.venv/bin/python bench/facts_bench.py [--week 2026-W07] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from tools.countries import _tables
from tools.facts.build import build_fact_sheet

FETCHED = pd.Timestamp("2026-02-13T00:00:00Z")


class GeneratedStore:
    def __init__(self, census: pd.DataFrame, comtrade: pd.DataFrame) -> None:
        self._census, self._comtrade = census, comtrade

    def census_monthly(self) -> pd.DataFrame:
        return self._census

    def comtrade_annual(self) -> pd.DataFrame:
        return self._comtrade

    def census_revisions(self) -> pd.DataFrame:
        return pd.DataFrame(columns=["cty_code", "period", "flow", "old_value", "new_value", "old_vintage",
                                     "new_vintage"])


def comtrade(n_reporters: int = 200, n_partners: int = 250, years: range = range(2015, 2025),
             seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = sorted(c for c in _tables().by_comtrade if c != 0)
    partners = np.array([0] + codes[: n_partners - 1])
    reporters = np.array([c for c in codes if _tables().by_comtrade[c].iso2][:n_reporters])
    flows = np.array(["X", "M"])
    r, y, f, p = np.meshgrid(reporters, np.array(list(years)), flows, partners, indexing="ij")
    n = r.size
    values = rng.lognormal(19, 2.2, n)
    df = pd.DataFrame({
        "reporter_code": r.ravel(), "reporter_desc": "R", "partner_code": p.ravel(),
        "partner_desc": "P",
        "year": y.ravel(), "flow": f.ravel(), "value_usd": values,
    })
    world = df["partner_code"] == 0
    df.loc[world, "value_usd"] = df.loc[world, "value_usd"] * 300
    df["partner_desc"] = df["partner_code"].map({c: _tables().by_comtrade[c].name_en for c in partners})
    df["vintage"] = "bench"
    df["fetched_at"] = FETCHED
    df["source_url"] = "https://comtradeapi.un.org/public/v1/preview/C/A/HS?bench=1"
    df["synthetic"] = True
    df["row_capped"] = False
    return df


def census(n_partners: int = 240, months: int = 120, last: str = "2025-12", seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    end = pd.Period(last, freq="M")
    periods = [str(end - i) for i in range(months)][::-1]
    ctys = [f"{1000 + 10 * i:04d}" for i in range(n_partners)]
    c, p = np.meshgrid(np.array(ctys), np.array(periods), indexing="ij")
    n = c.size
    return pd.DataFrame({
        "cty_code": c.ravel(), "cty_name": "COUNTRY", "period": p.ravel(),
        "exports_usd": rng.lognormal(20, 1.5, n), "imports_usd": rng.lognormal(20.3, 1.5, n),
        "vintage": "bench", "fetched_at": FETCHED,
        "source_url": "https://api.census.gov/data/timeseries/intltrade/exports/hs?bench=1", "synthetic": True,
    })


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--week", default="2026-W07")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    t0 = time.perf_counter()
    store = GeneratedStore(census(), comtrade())
    gen = time.perf_counter() - t0
    print(f"generated: comtrade {len(store.comtrade_annual()):,} rows, census {len(store.census_monthly()):,} rows "
          f"({gen:.1f} s)")
    times, cpu = [], []
    sheet = None
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        sheet = build_fact_sheet(store, args.week)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    assert sheet is not None
    reporters = len({f.subject["reporter"] for f in sheet.facts if f.kind == "hhi"})
    print(f"fact sheet {args.week}: {reporters} reporters, {len(sheet.facts):,} facts, {len(sheet.flags)} flags")
    print(f"build seconds: best {min(times):.2f}, runs {', '.join(f'{t:.2f}' for t in times)} (target < 2 s); "
          f"CPU seconds best {min(cpu):.2f}")
    t = time.perf_counter()
    size = len(sheet.model_dump_json())
    print(f"JSON: {size / 1e6:.1f} MB in {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
