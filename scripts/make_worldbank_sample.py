"""Rewrite the captured World Bank values as the API's own answers: ``[metadata, rows]`` per indicator.

Why: ``agent fetch --from-sample`` must run the real client (request building, paging,
validation) over the bundled data. The values in ``source/`` are the API's, full precision,
fetched 2026-06-17 for USA, CHN, JPN, KOR and DEU, 2018–2024; each indicator becomes the
answer to one question for the five economies (35 rows, one page of 100). Country and
indicator names are the API's labels. Metadata fields the capture did not keep
(``sourceid``, ``lastupdated``) are left out rather than made up; a year the capture lacks
would be written as ``"value": null``, as the API does (the capture has none missing).

Run: python scripts/make_worldbank_sample.py  (deterministic; rewrites data/sample/worldbank/)
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample" / "worldbank"
SOURCE = OUT / "source" / "wb_indicators_5economies_2018_2024.csv"
ECONOMIES = ("USA", "CHN", "JPN", "KOR", "DEU")  # the request's order (tools.sources.worldbank.DEFAULT_ECONOMIES)
YEARS = (2018, 2024)
PER_PAGE = 100
#: ISO3 → (API country id, API country name)
COUNTRIES = {
    "CHN": ("CN", "China"), "DEU": ("DE", "Germany"), "JPN": ("JP", "Japan"),
    "KOR": ("KR", "Korea, Rep."), "USA": ("US", "United States"),
}
#: indicator → (API label, decimals the API reports)
INDICATORS = {
    "NY.GDP.MKTP.KD.ZG": ("GDP growth (annual %)", 1),
    "NE.TRD.GNFS.ZS": ("Trade (% of GDP)", 1),
    "NY.GDP.MKTP.CD": ("GDP (current US$)", 0),
    "BN.CAB.XOKA.CD": ("Current account balance (BoP, current US$)", 0),
}


def main(out: Path = OUT) -> None:
    values: dict[tuple[str, str, int], str] = {}
    fetched: dict[str, str] = defaultdict(str)
    for row in csv.DictReader(SOURCE.open(encoding="utf-8")):
        values[(row["wb_indicator_code"], row["iso3"], int(row["year"]))] = row["value"]
        fetched[row["wb_indicator_code"]] = max(fetched[row["wb_indicator_code"]], row["fetched_utc"])
    routes = []
    for indicator, (label, decimals) in INDICATORS.items():
        rows = []
        for iso3 in sorted(ECONOMIES):
            for year in range(YEARS[1], YEARS[0] - 1, -1):  # the API lists newest first
                cell = values.get((indicator, iso3, year), "")
                rows.append({
                    "indicator": {"id": indicator, "value": label},
                    "country": {"id": COUNTRIES[iso3][0], "value": COUNTRIES[iso3][1]},
                    "countryiso3code": iso3,
                    "date": str(year),
                    "value": float(cell) if cell.strip() else None,
                    "unit": "", "obs_status": "", "decimal": decimals,
                })
        meta = {"page": 1, "pages": 1, "per_page": PER_PAGE, "total": len(rows)}
        name = f"{indicator}_{'_'.join(ECONOMIES)}_{YEARS[0]}_{YEARS[1]}.json"
        (out / name).write_text(json.dumps([meta, rows], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        routes.append({
            "base": "WORLDBANK_API_BASE", "method": "GET",
            "path": f"/v2/country/{';'.join(ECONOMIES)}/indicator/{indicator}",
            "params": [["format", "json"], ["date", f"{YEARS[0]}:{YEARS[1]}"], ["per_page", str(PER_PAGE)]],
            "form": [], "file": f"worldbank/{name}", "status": 200, "content_type": "application/json;charset=utf-8",
            "captured_at": fetched[indicator], "synthetic": False,
        })
    (out / "routes.json").write_text(json.dumps(routes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(routes)} indicator answers to {out}")


if __name__ == "__main__":
    main()
