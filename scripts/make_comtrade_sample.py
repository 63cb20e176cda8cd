"""Generate the SYNTHETIC Comtrade partner tables of the bundled sample (deterministic, no network).

Why synthetic: no real all-partner Comtrade answers were captured, yet the briefing's
concentration, share and mirror metrics need full partner tables to run offline. These
tables are plausible, not real: totals and the largest partners' shares are set near
published 2023/2024 magnitudes, the long tail is drawn from a seeded log-normal, and the
US rows with China, Japan, Korea, Germany and Taiwan are tied to the Census sample's 2024
full-year totals (imports +1–3%: Comtrade imports are CIF, Census general imports are
customs value) so a mirror check compares figures that agree where they should. For
USA–Japan 2023 the real captured answer's values are used. Every file written here is
marked ``synthetic`` in routes.json, which the store copies into its ``synthetic`` column.

Run: python scripts/make_comtrade_sample.py  (same bytes every run)
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample" / "comtrade"
PARTNERS_CSV = ROOT / "tools" / "data" / "comtrade" / "partnerAreas.csv"
REPORTERS_CSV = ROOT / "tools" / "data" / "comtrade" / "Reporters.csv"
CENSUS_CSV = ROOT / "data" / "sample" / "census" / "census_balance_pages_first_release_2026-02-13.csv"
REAL_USA_JPN = OUT / "un-comtrade-usa-jpn-total-goods-2023-import-export.json"
SEED = 20260213
GENERATED_AT = "2026-02-14T09:00:00Z"  # fixed, so the output is byte-identical every run

REPORTERS = (842, 156, 392, 410, 276, 490)
YEARS = (2023, 2024)
#: Reported totals (USD) near published magnitudes; imports CIF.
TOTALS = {
    (842, 2023, "X"): 2.020e12, (842, 2023, "M"): 3.270e12, (842, 2024, "X"): 2.065e12, (842, 2024, "M"): 3.360e12,
    (156, 2023, "X"): 3.380e12, (156, 2023, "M"): 2.557e12, (156, 2024, "X"): 3.577e12, (156, 2024, "M"): 2.587e12,
    (392, 2023, "X"): 7.17e11, (392, 2023, "M"): 7.86e11, (392, 2024, "X"): 7.07e11, (392, 2024, "M"): 7.42e11,
    (410, 2023, "X"): 6.32e11, (410, 2023, "M"): 6.43e11, (410, 2024, "X"): 6.84e11, (410, 2024, "M"): 6.32e11,
    (276, 2023, "X"): 1.688e12, (276, 2023, "M"): 1.467e12, (276, 2024, "X"): 1.662e12, (276, 2024, "M"): 1.417e12,
    (490, 2023, "X"): 4.32e11, (490, 2023, "M"): 3.52e11, (490, 2024, "X"): 4.75e11, (490, 2024, "M"): 3.82e11,
}
#: Shares of the largest partners (2024 basis; 2023 perturbed by a few per cent).
SHARES: dict[tuple[int, str], dict[int, float]] = {
    (842, "X"): {124: .168, 484: .162, 528: .043, 826: .040, 76: .024, 251: .022, 699: .020, 702: .022, 56: .019,
                 36: .016, 344: .013, 757: .012, 372: .011, 380: .014, 784: .013, 376: .007, 170: .010, 152: .009,
                 764: .008, 458: .013, 704: .007, 608: .005, 724: .010, 682: .006, 604: .006},
    (842, "M"): {484: .150, 124: .125, 704: .042, 372: .030, 699: .028, 757: .020, 380: .021, 458: .016, 764: .019,
                 826: .020, 251: .016, 702: .013, 56: .007, 528: .009, 76: .014, 36: .005, 376: .007, 360: .009},
    (156, "X"): {842: .147, 344: .082, 392: .043, 410: .041, 704: .045, 699: .034, 643: .032, 276: .030, 528: .030,
                 458: .028, 490: .021, 484: .025, 826: .022, 764: .022, 36: .021, 360: .018, 702: .017, 608: .015,
                 784: .017, 76: .020, 682: .014},
    (156, "M"): {490: .085, 410: .068, 842: .063, 392: .060, 36: .051, 76: .047, 643: .050, 458: .040, 276: .036,
                 704: .036, 682: .021, 360: .028, 764: .020, 152: .018, 757: .010, 344: .003},
    (392, "X"): {842: .199, 156: .176, 410: .066, 490: .068, 344: .045, 764: .036, 704: .024, 702: .027, 276: .027,
                 36: .021, 458: .018, 608: .015, 360: .014, 699: .017, 826: .010, 528: .013, 484: .014},
    (392, "M"): {156: .225, 842: .110, 36: .080, 490: .046, 410: .040, 704: .036, 784: .040, 682: .036, 764: .034,
                 276: .030, 458: .030, 360: .031, 124: .014, 608: .014},
    (410, "X"): {156: .195, 842: .187, 704: .085, 344: .035, 392: .043, 490: .049, 699: .027, 702: .020, 484: .020,
                 36: .027, 608: .016, 764: .012, 276: .013, 458: .017, 360: .012},
    (410, "M"): {156: .225, 842: .110, 392: .074, 36: .051, 490: .047, 682: .050, 704: .040, 276: .028, 784: .025,
                 360: .025, 458: .022, 643: .013, 634: .019},
    (276, "X"): {842: .104, 251: .076, 528: .068, 156: .055, 616: .058, 380: .054, 40: .053, 826: .050, 757: .052,
                 56: .037, 203: .037, 724: .030, 348: .018, 752: .020, 208: .014, 410: .012, 392: .013, 490: .005},
    (276, "M"): {156: .110, 528: .065, 842: .069, 616: .060, 380: .051, 251: .045, 203: .046, 757: .041, 40: .039,
                 56: .036, 392: .017, 410: .011, 490: .010, 724: .022, 348: .020},
    (490, "X"): {842: .234, 156: .165, 344: .130, 392: .071, 702: .055, 410: .046, 704: .030, 458: .022, 608: .022,
                 764: .020, 276: .014, 528: .015, 484: .013, 36: .010, 699: .008},
    (490, "M"): {156: .193, 842: .112, 392: .120, 410: .078, 36: .047, 276: .030, 458: .030, 702: .028, 682: .036,
                 784: .016, 704: .018, 360: .015, 764: .015},
}
#: US 2023 rows with the Census partners (USD; imports CIF) — no Census 2023 full year is bundled.
US_2023 = {("X", 156): 147.8e9, ("M", 156): 436.0e9, ("X", 410): 65.1e9, ("M", 410): 118.5e9,
           ("X", 276): 76.4e9, ("M", 276): 162.5e9, ("X", 490): 40.0e9, ("M", 490): 89.6e9}
CENSUS_TO_COMTRADE = {"5700": 156, "5880": 392, "5800": 410, "4280": 276, "5830": 490}
#: Aggregate / not-elsewhere-specified partners kept (as real answers carry them); other regional nes dropped.
KEEP_NES = {899, 490, 837, 838, 568, 577}
NEVER = {0, 158}  # World is added as the sum; 158 is not a Comtrade partner (Taiwan is 490)


def load_partners() -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    with PARTNERS_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = int(row["id"])
            name = row["text"].strip()
            regional_nes = ", nes" in name or name.endswith(" nes") or (row["PartnerCodeIsoAlpha3"] or "").startswith(("_", "X"))
            if code in NEVER or row["isGroup"] == "true" or row["entryExpiredDate"]:
                continue
            if regional_nes and code not in KEEP_NES:
                continue
            out[code] = (name, (row["PartnerCodeIsoAlpha3"] or "").strip())
    return out


def load_reporters() -> dict[int, tuple[str, str]]:
    with REPORTERS_CSV.open(encoding="utf-8") as fh:
        return {int(r["id"]): (r["text"].strip(), (r["reporterCodeIsoAlpha3"] or "").strip()) for r in csv.DictReader(fh)}


def census_2024() -> dict[tuple[str, int], Decimal]:
    """US 2024 full-year exports/imports (USD) per Comtrade partner, from the bundled Census capture."""
    sums: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    with CENSUS_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["year"] == "2024":
                partner = CENSUS_TO_COMTRADE[row["cty_code"]]
                sums[("X", partner)] += Decimal(row["exports_musd"]) * 1_000_000
                sums[("M", partner)] += Decimal(row["imports_musd"]) * 1_000_000
    return sums


def real_usa_japan_2023() -> dict[str, float]:
    data = json.loads(REAL_USA_JPN.read_text(encoding="utf-8"))["data"]
    return {r["flowCode"]: float(r["primaryValue"]) for r in data}


def anchors(reporter: int, year: int, flow: str, rng: random.Random) -> dict[int, float]:
    """Absolute partner values that must hold (US rows tied to Census / the real answer)."""
    if reporter != 842:
        return {}
    if year == 2024:
        census = census_2024()
        out = {}
        for p in CENSUS_TO_COMTRADE.values():
            value = float(census[(flow, p)])
            out[p] = value * (1 + rng.uniform(0.01, 0.03)) if flow == "M" else value
        return out
    real = real_usa_japan_2023()
    out = {p: v for (f, p), v in US_2023.items() if f == flow}
    out[392] = real[flow]
    return out


def table(reporter: int, year: int, flow: str, partners: dict[int, tuple[str, str]]) -> dict[int, int]:
    """Partner → value (whole USD) for one reporter/year/flow; the partner sum equals the total."""
    tail_rng = random.Random(f"{SEED}-{reporter}-{flow}")  # same tail ranking in both years
    year_rng = random.Random(f"{SEED}-{reporter}-{flow}-{year}")
    total = TOTALS[(reporter, year, flow)]
    fixed = anchors(reporter, year, flow, year_rng)
    shares = {p: s * (1 if year == 2024 else year_rng.uniform(0.93, 1.07)) for p, s in SHARES[(reporter, flow)].items()}
    values: dict[int, float] = dict(fixed)
    for p, s in shares.items():
        values.setdefault(p, total * s)
    rest = [p for p in sorted(partners) if p not in values and p != reporter]
    # a reporter does not trade with every listed area: drop a seeded handful of the tail
    droppable = [p for p in rest if p not in KEEP_NES]  # real answers always carry the nes rows
    dropped = set(tail_rng.sample(droppable, k=tail_rng.randint(28, 40)))
    rest = [p for p in rest if p not in dropped]
    # long tail: a seeded ranking with Zipf-like weights, so no small partner outranks the named ones
    ranked = list(rest)
    tail_rng.shuffle(ranked)
    weights = {p: (rank + 15) ** -1.1 * tail_rng.lognormvariate(0, 0.3) * year_rng.uniform(0.9, 1.1)
               for rank, p in enumerate(ranked)}
    remainder = total - sum(values.values())
    if remainder <= 0:
        raise SystemExit(f"shares of {reporter} {year} {flow} exceed the total")
    scale = remainder / sum(weights.values())
    for p, w in weights.items():
        values[p] = w * scale
    return {p: max(1, round(v)) for p, v in values.items()}


def record(reporter: int, year: int, flow: str, partner: int, value: int,
           reporters: dict[int, tuple[str, str]], partners: dict[int, tuple[str, str]]) -> dict[str, object]:
    rname, riso = reporters[reporter]
    pname, piso = ("World", "W00") if partner == 0 else partners[partner]
    return {
        "typeCode": "C", "freqCode": "A", "refPeriodId": int(f"{year}0101"), "refYear": year, "refMonth": 52,
        "period": str(year), "reporterCode": reporter, "reporterISO": riso, "reporterDesc": rname,
        "flowCode": flow, "flowDesc": "Export" if flow == "X" else "Import",
        "partnerCode": partner, "partnerISO": piso, "partnerDesc": pname,
        "partner2Code": 0, "partner2ISO": "W00", "partner2Desc": "World",
        "classificationCode": "H6", "classificationSearchCode": "HS", "isOriginalClassification": True,
        "cmdCode": "TOTAL", "cmdDesc": "All Commodities", "aggrLevel": 0, "isLeaf": False, "isAggregate": True,
        "customsCode": "C00", "customsDesc": "TOTAL CPC", "mosCode": "0", "motCode": 0, "motDesc": "TOTAL MOT",
        "qtyUnitCode": -1, "qtyUnitAbbr": "N/A", "qty": 0, "isQtyEstimated": False,
        "altQtyUnitCode": -1, "altQtyUnitAbbr": "N/A", "altQty": 0, "isAltQtyEstimated": False,
        "netWgt": 0, "isNetWgtEstimated": True, "grossWgt": 0, "isGrossWgtEstimated": False,
        "fobvalue": value if flow == "X" else None, "cifvalue": value if flow == "M" else None,
        "primaryValue": value, "isReported": True, "legacyEstimationFlag": 0,
    }


def main(out: Path = OUT) -> None:
    partners = load_partners()
    reporters = load_reporters()
    routes = []
    counts = []
    for reporter in REPORTERS:
        for year in YEARS:
            for flow in ("X", "M"):
                values = table(reporter, year, flow, partners)
                rows = [record(reporter, year, flow, 0, sum(values.values()), reporters, partners)]
                rows += [record(reporter, year, flow, p, v, reporters, partners) for p, v in sorted(values.items())]
                answer = {"elapsedTime": "0.42 secs", "count": len(rows), "data": rows, "error": ""}
                name = f"synthetic_{reporter}_{year}_{flow}.json"
                (out / name).write_text(json.dumps(answer, separators=(",", ":")) + "\n", encoding="utf-8")
                counts.append(len(rows) - 1)
                routes.append({
                    "base": "COMTRADE_BASE_URL", "method": "GET", "path": "/public/v1/preview/C/A/HS",
                    "params": [["reporterCode", str(reporter)], ["period", str(year)], ["flowCode", flow],
                               ["cmdCode", "TOTAL"], ["partner2Code", "0"], ["customsCode", "C00"], ["motCode", "0"],
                               ["includeDesc", "true"]],
                    "form": [], "file": f"comtrade/{name}", "status": 200, "content_type": "application/json; charset=utf-8",
                    "captured_at": GENERATED_AT, "synthetic": True,
                })
    routes.append({  # the real answer, with the query it was captured from (MacroForge test fixture)
        "base": "COMTRADE_BASE_URL", "method": "GET", "path": "/public/v1/preview/C/A/HS",
        "params": [["cmdCode", "TOTAL"], ["flowCode", "M,X"], ["reporterCode", "842"], ["period", "2023"],
                   ["partnerCode", "392"], ["includeDesc", "true"]],
        "form": [], "file": f"comtrade/{REAL_USA_JPN.name}", "status": 200, "content_type": "application/json; charset=utf-8",
        "captured_at": "2026-02-13T23:51:06Z", "synthetic": False,
    })
    (out / "routes.json").write_text(json.dumps(routes, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(routes) - 1} synthetic tables ({min(counts)}–{max(counts)} partners each) to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
