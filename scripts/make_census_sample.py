"""Turn the captured Census balance-page CSV into Census API answers (the bundled sample).

Why: the offline sample must go through the same parser as the live API, so the capture
(US$ millions, one row per country-month) is rewritten in the API's wire format: a JSON
array of string rows, header first, whole dollars, CTY_NAME upper-case, the ``time`` and
``CTY_CODE`` predicates appended as the API does. Year-to-date columns are computed from
the months; 2023 holds only September, whose YTD basis (Jan–Aug) was never captured, so
that month is served from a query that does not ask for YTD at all rather than inventing it.

Run: python scripts/make_census_sample.py  (deterministic; rewrites data/sample/census/)
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample" / "census"
CAPTURE = OUT / "census_balance_pages_first_release_2026-02-13.csv"
COUNTRIES = ("5700", "5830", "5880", "5800", "4280")  # order of CTY_CODE predicates in the request
API_NAMES = {"5700": "CHINA", "5830": "TAIWAN", "5880": "JAPAN", "5800": "KOREA, SOUTH", "4280": "GERMANY"}
FLOWS = {"exports": ("exports_musd", "ALL_VAL_MO", "ALL_VAL_YR"), "imports": ("imports_musd", "GEN_VAL_MO", "GEN_VAL_YR")}
#: (since, until, ask for YTD?) — the windows the sample answers, same as tools.sources.sample plans.
WINDOWS = (("2024-01", "2025-11", True), ("2023-09", "2023-09", False))


def dollars(millions: Decimal) -> int:
    return int((millions * 1_000_000).to_integral_value())


def load() -> tuple[dict[tuple[str, str], dict[str, Decimal]], str]:
    data: dict[tuple[str, str], dict[str, Decimal]] = {}
    fetched = set()
    with CAPTURE.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            period = f"{int(row['year']):04d}-{int(row['month']):02d}"
            data[(row["cty_code"], period)] = {k: Decimal(row[k]) for k in ("exports_musd", "imports_musd")}
            fetched.add(row["fetched_at"])
    assert len(fetched) == 1, "one capture time expected"
    return data, fetched.pop()


def answer(data: dict[tuple[str, str], dict[str, Decimal]], flow: str, since: str, until: str, ytd: bool) -> list[list[str]]:
    column, month_var, ytd_var = FLOWS[flow]
    header = ["CTY_CODE", "CTY_NAME", month_var] + ([ytd_var] if ytd else []) + ["time", "CTY_CODE"]
    running: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    rows = []
    for (code, period) in sorted(data, key=lambda k: (k[1], COUNTRIES.index(k[0]))):
        value = data[(code, period)][column]
        running[(code, period[:4])] += value
        if not since <= period <= until:
            continue
        cells = [code, API_NAMES[code], str(dollars(value))]
        if ytd:
            cells.append(str(dollars(running[(code, period[:4])])))
        rows.append(cells + [period, code])
    return [header] + rows


def main(out: Path = OUT) -> None:
    data, fetched_at = load()
    routes = []
    for since, until, ytd in WINDOWS:
        for flow in FLOWS:
            if ytd:  # YTD sums need every month from January inside the capture
                assert all((c, f"{since[:4]}-01") in data for c in COUNTRIES)
            name = f"{flow}_{since}_{until}.json"
            table = answer(data, flow, since, until, ytd)
            (out / name).write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")
            get = ["CTY_CODE", "CTY_NAME", FLOWS[flow][1]] + ([FLOWS[flow][2]] if ytd else [])
            time = since if since == until else f"from {since} to {until}"
            routes.append({
                "base": "CENSUS_API_BASE", "method": "GET", "path": f"/{flow}/hs",
                "params": [["get", ",".join(get)], ["time", time]] + [["CTY_CODE", c] for c in COUNTRIES],
                "form": [], "file": f"census/{name}", "status": 200, "content_type": "application/json;charset=utf-8",
                "captured_at": fetched_at, "synthetic": False,
            })
    # keep the routes other generators wrote (scripts/make_census_api_sample.py)
    mine = {r["file"] for r in routes}
    routes_file = out / "routes.json"
    kept = [r for r in json.loads(routes_file.read_text(encoding="utf-8")) if r["file"] not in mine] \
        if routes_file.exists() else []
    routes_file.write_text(json.dumps(routes + kept, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(routes)} Census answers to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
