"""Taiwan Ministry of Finance: Taiwan's exports to the United States (the partner side of a mirror check).

Why a recorded file and not a client: the MOF publishes its monthly release as spreadsheets,
not an API; the sample keeps the one column the briefing uses (``data/sample/taiwan_mof/``,
written by ``scripts/make_taiwan_mof_sample.py`` with the cell of every value). Values are
FOB, in million US$ as published; they are turned into whole dollars here so they compare
with Census values. A malformed file is refused with one line, never half read.
"""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from tools.errors import SourceError

FILE = "taiwan_mof/exports_to_us_monthly.csv"
#: Where the figures come from (the release's table 8 as kept by the repository that collected it).
SOURCE_URL = ("https://github.com/CongJie-Pan/ROC_PreliminaryStatistics_on_CustomsImports_and_Exports_for_2025/"
              "blob/f1596e20ecd48f74172b98fccc89c828419bd0ee/data/"
              "August2025_PreliminaryStatistics_on_CustomsImports_and_Exports/"
              "Table8_Taiwans's_ExportValue_and_AnnualGrowthRate.xlsx")
#: Commit time of that repository: the latest the figures can have been captured.
CAPTURED_AT = datetime(2025, 10, 1, 8, 6, 1, tzinfo=UTC)
DATASET = "taiwan_mof.trade_stats"  # the release's table of exports by partner


class MofExport(BaseModel):
    """One published value: Taiwan's exports to the US in a month (``YYYY-MM``) or a year (``YYYY``)."""

    period: str
    basis: Literal["month", "year"]
    value_usd: float
    cell: str


def default_path() -> Path:
    """The bundled file (``AGENT_SAMPLE_DIR`` overrides the sample directory, as for fetches)."""
    sample = os.environ.get("AGENT_SAMPLE_DIR") or str(Path(__file__).resolve().parents[2] / "data" / "sample")
    return Path(sample) / FILE


def load(path: Path | None = None) -> list[MofExport]:
    """The recorded values; an empty list when the file is absent (the mirror check is then skipped)."""
    path = path or default_path()
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), start=2):
            try:
                millions = Decimal(r["exports_to_us_musd"])
                basis = r["basis"]
                period = r["period"]
            except (KeyError, InvalidOperation, TypeError):
                raise SourceError(f"taiwan_mof: {path} line {n} is not period,basis,exports_to_us_musd,cell") from None
            ok = (basis == "month" and len(period) == 7 and period[4] == "-") or (basis == "year" and len(period) == 4)
            if not ok:
                raise SourceError(f"taiwan_mof: {path} line {n}: period {period!r} does not match basis {basis!r}")
            rows.append(MofExport.model_validate({"period": period, "basis": basis, "cell": r.get("cell") or "",
                                                  "value_usd": float(millions * 1_000_000)}))
    return rows
