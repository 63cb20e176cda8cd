"""Copy Taiwan's exports to the US out of the Ministry of Finance table 8 (August 2025 release) into the sample.

Why a small CSV and not the workbook: the mirror check needs one column (exports to the
United States, million US$) for Jan–Aug 2025 and the 2024 year; the workbook is read with the
standard library (an .xlsx is a zip of XML) so the project needs no spreadsheet dependency.
Every value keeps the cell it came from, so a reader can check it against the original.

Run: python scripts/make_taiwan_mof_sample.py [XLSX]  (default ../shared/data/taiwan_mof/xlsx/Table8_…)
"""

from __future__ import annotations

import csv
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample" / "taiwan_mof" / "exports_to_us_monthly.csv"
XLSX = ROOT.parent / "shared" / "data" / "taiwan_mof" / "xlsx" / "Table8_Taiwans's_ExportValue_and_AnnualGrowthRate.xlsx"
US_COLUMN = "G"  # 美　國, header cell G4
#: Row labels of the sheet → (period, basis). 113年 = 2024 (ROC year + 1911); 114年 rows are 2025 months.
ROWS = {"113年": ("2024", "year"), **{f"{m}月": (f"2025-{m:02d}", "month") for m in range(1, 9)}}


def cells(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        shared = re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode("utf-8"), re.S)
        strings = ["".join(re.findall(r"<t[^>]*>([^<]*)</t>", s)) for s in shared]
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    out = {}
    for ref, attr, inner in re.findall(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', sheet, re.S):
        m = re.search(r"<v>(.*?)</v>", inner or "")
        if m:
            out[ref] = strings[int(m.group(1))] if 't="s"' in attr else m.group(1)
    return out


def main(path: Path = XLSX, out: Path = OUT) -> None:
    table = cells(path)
    assert table["G4"].replace("\u3000", "") == "美國", table["G4"]
    rows, in_2025 = [], False
    for ref in sorted((r for r in table if r.startswith("A")), key=lambda r: int(r[1:])):
        label = table[ref].strip()
        in_2025 = in_2025 or label.startswith("114年")
        if label in ROWS and (label == "113年" or in_2025):
            n = ref[1:]
            period, basis = ROWS[label]
            value = round(float(table[f"{US_COLUMN}{n}"]), 3)  # the sheet's own precision: thousand US$
            rows.append({"period": period, "basis": basis, "exports_to_us_musd": f"{value:.3f}",
                         "cell": f"{US_COLUMN}{n}"})
    months = [r for r in rows if r["basis"] == "month"]
    assert len(months) == 8, months
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["period", "basis", "exports_to_us_musd", "cell"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else XLSX)
