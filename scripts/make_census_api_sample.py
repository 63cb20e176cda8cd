"""Turn the Census API pulls of 2025 (HS2 imports 2023–2024, all-country totals 2013–2024) into recorded answers.

Why: the bundled sample must go through the live client path (``tools.sources.census``),
so rows pulled from api.census.gov by another project (CSV, values unchanged) are written
back in the API's wire format: a JSON array of string rows, header first, predicates
(``COMM_LVL``, ``CTY_CODE``, ``time``) appended as the API appends them. Only the six codes
the briefing follows are kept (five partners and ``-``, the total for all countries). No
year-to-date column is asked for or written: the pulls did not include one, and the sample
never computes values the API did not send. The capture time is the commit time of the
repository that holds the pull (an upper bound: the pull itself is not timestamped).

Run: python scripts/make_census_api_sample.py [SOURCE_DIR]  (default ../shared/data/census;
deterministic; rewrites only its own files and routes in data/sample/census/)
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample" / "census"
SOURCE = ROOT.parent / "shared" / "data" / "census"  # ../shared/data beside the main checkout
#: CTY_CODE predicates in request order: the partners, then the total for all countries.
COUNTRIES = ("5700", "5830", "5880", "5800", "4280", "-")
HS_CAPTURED_AT = "2025-10-18T20:02:21Z"  # Leakathr1n/US-Census-Trade-Analysis commit 9e00e2d1b9ee
HISTORY_CAPTURED_AT = "2025-10-18T20:45:11Z"  # same repository, commit eac4fd0d657a
HS_WINDOW = ("2023-01", "2024-12")
HISTORY_WINDOW = ("2013-01", "2024-12")
HISTORY = {"exports": ("census_api_exports_by_country_monthly_2013_2024.csv", "ALL_VAL_MO"),
           "imports": ("census_api_imports_by_country_monthly_2013_2024.csv", "GEN_VAL_MO")}
HS_FILE = "census_api_imports_hs2_by_country_monthly_2023_2024.csv"


def _route(path: str, params: list[list[str]], name: str, captured_at: str) -> dict[str, object]:
    return {"base": "CENSUS_API_BASE", "method": "GET", "path": path, "params": params, "form": [],
            "file": f"census/{name}", "status": 200, "content_type": "application/json;charset=utf-8",
            "captured_at": captured_at, "synthetic": False}


def _order(code: str) -> int:
    return COUNTRIES.index(code)


def history_answer(source: Path, flow: str) -> tuple[list[list[str]], list[list[str]]]:
    """(answer table, request params) of the all-commodity monthly totals for one flow."""
    name, var = HISTORY[flow]
    rows = []
    with (source / name).open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["CTY_CODE"] in COUNTRIES:
                rows.append([r["CTY_CODE"], r["CTY_NAME"], str(int(r[var])), f"{r['YEAR']}-{r['MONTH']}"])
    rows.sort(key=lambda c: (c[3], _order(c[0])))
    table = [["CTY_CODE", "CTY_NAME", var, "time", "CTY_CODE"]] + [c + [c[0]] for c in rows]
    params = [["get", f"CTY_CODE,CTY_NAME,{var}"], ["time", f"from {HISTORY_WINDOW[0]} to {HISTORY_WINDOW[1]}"]]
    params += [["CTY_CODE", c] for c in COUNTRIES]
    return table, params


def hs_answer(source: Path) -> tuple[list[list[str]], list[list[str]]]:
    """(answer table, request params) of HS2 general imports by partner, 2023-01..2024-12."""
    rows = []
    with (source / HS_FILE).open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            assert r["COMM_LVL"] == "HS2" and r["CTY_CODE"] in COUNTRIES
            rows.append([r["I_COMMODITY"], r["I_COMMODITY_LDESC"], str(int(r["GEN_VAL_MO"])), "HS2", r["CTY_CODE"],
                         f"{r['YEAR']}-{r['MONTH']}"])
    rows.sort(key=lambda c: (c[5], _order(c[4]), c[0]))
    table = [["I_COMMODITY", "I_COMMODITY_LDESC", "GEN_VAL_MO", "COMM_LVL", "CTY_CODE", "time"]] + rows
    params = [["get", "I_COMMODITY,I_COMMODITY_LDESC,GEN_VAL_MO"], ["COMM_LVL", "HS2"]]
    params += [["CTY_CODE", c] for c in COUNTRIES]
    params.append(["time", f"from {HS_WINDOW[0]} to {HS_WINDOW[1]}"])
    return table, params


def main(source: Path = SOURCE, out: Path = OUT) -> None:
    answers: list[tuple[str, list[list[str]], dict[str, object]]] = []
    for flow in HISTORY:
        table, params = history_answer(source, flow)
        name = f"{flow}_{HISTORY_WINDOW[0]}_{HISTORY_WINDOW[1]}_vintage_2025.json"
        answers.append((name, table, _route(f"/{flow}/hs", params, name, HISTORY_CAPTURED_AT)))
    table, params = hs_answer(source)
    name = f"imports_hs2_{HS_WINDOW[0]}_{HS_WINDOW[1]}.json"
    answers.append((name, table, _route("/imports/hs", params, name, HS_CAPTURED_AT)))
    routes_file = out / "routes.json"
    mine = {f"census/{name}" for name, _, _ in answers}
    routes = [r for r in json.loads(routes_file.read_text(encoding="utf-8")) if r["file"] not in mine]
    for name, table, route in answers:
        (out / name).write_text(json.dumps(table, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
        routes.append(route)
    routes_file.write_text(json.dumps(routes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(answers)} Census answers to {out} ({sum(len(t) - 1 for _, t, _ in answers):,} rows)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
