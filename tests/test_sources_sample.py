"""The bundled sample: in sync with its generators, honest about what is synthetic, coherent across sources."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest
from sources_helpers import REPO, SAMPLE


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["census", "comtrade", "mofcom", "worldbank", "federal_register"])
def test_committed_sample_is_exactly_what_its_script_writes(name: str, tmp_path: Path) -> None:
    if name == "census":  # the routes table is shared with make_census_api_sample.py, which adds its own
        (tmp_path / "routes.json").write_bytes((SAMPLE / "census" / "routes.json").read_bytes())
    script(f"make_{name}_sample").main(tmp_path)
    for written in tmp_path.rglob("*"):
        if written.is_file():
            committed = SAMPLE / name / written.relative_to(tmp_path)
            assert committed.read_bytes() == written.read_bytes(), f"{committed} is out of date: rerun the script"


def comtrade_tables() -> dict[tuple[int, int, str], dict[int, float]]:
    tables = {}
    for path in (SAMPLE / "comtrade").glob("synthetic_*.json"):
        answer = json.loads(path.read_text())
        r, y, f = path.stem.split("_")[1:]
        tables[(int(r), int(y), f)] = {row["partnerCode"]: row["primaryValue"] for row in answer["data"]}
        assert answer["count"] == len(answer["data"]) < 500
    return tables


def test_synthetic_tables_are_full_partner_lists_with_world_as_the_sum() -> None:
    tables = comtrade_tables()
    assert len(tables) == 6 * 2 * 2
    for (reporter, _year, _flow), table in tables.items():
        partners = {p: v for p, v in table.items() if p != 0}
        assert 200 <= len(partners) <= 230
        assert table[0] == sum(partners.values())
        assert 158 not in table and reporter not in partners and 899 in partners
        if reporter in (156, 392, 410, 842):  # Taiwan appears as 490 "Other Asia, nes", among the big partners
            top = sorted(partners, key=partners.get, reverse=True)[:15]  # type: ignore[arg-type]
            assert 490 in top and partners[490] / table[0] > 0.015


def test_every_generated_answer_is_marked_synthetic_and_the_real_one_is_not() -> None:
    routes = json.loads((SAMPLE / "comtrade" / "routes.json").read_text())
    flags = {Path(r["file"]).name: r["synthetic"] for r in routes}
    assert all(flags[n] for n in flags if n.startswith("synthetic_"))
    assert flags["un-comtrade-usa-jpn-total-goods-2023-import-export.json"] is False
    for other in ("census", "mofcom"):
        assert not any(r["synthetic"] for r in json.loads((SAMPLE / other / "routes.json").read_text()))


def test_us_rows_agree_with_the_census_sample_for_2024() -> None:
    census: dict[tuple[str, str], float] = defaultdict(float)
    with (SAMPLE / "census" / "census_balance_pages_first_release_2026-02-13.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row["year"] == "2024":
                census[(row["cty_code"], "X")] += float(row["exports_musd"]) * 1e6
                census[(row["cty_code"], "M")] += float(row["imports_musd"]) * 1e6
    tables = comtrade_tables()
    for cty, partner in {"5700": 156, "5880": 392, "5800": 410, "4280": 276, "5830": 490}.items():
        exports = tables[(842, 2024, "X")][partner]
        imports = tables[(842, 2024, "M")][partner]
        assert abs(exports / census[(cty, "X")] - 1) < 1e-6
        assert 1.01 <= imports / census[(cty, "M")] <= 1.03  # CIF vs customs value


def test_us_japan_2023_matches_the_real_answer() -> None:
    real = json.loads((SAMPLE / "comtrade" / "un-comtrade-usa-jpn-total-goods-2023-import-export.json").read_text())
    values = {r["flowCode"]: r["primaryValue"] for r in real["data"]}
    tables = comtrade_tables()
    assert tables[(842, 2023, "M")][392] == values["M"] and tables[(842, 2023, "X")][392] == values["X"]


def test_census_answers_are_whole_dollars_of_the_capture() -> None:
    answer = json.loads((SAMPLE / "census" / "imports_2024-01_2025-11.json").read_text())
    header, rows = answer[0], answer[1:]
    assert header == ["CTY_CODE", "CTY_NAME", "GEN_VAL_MO", "GEN_VAL_YR", "time", "CTY_CODE"]
    taiwan_nov = next(r for r in rows if r[0] == "5830" and r[4] == "2025-11")
    with (SAMPLE / "census" / "census_balance_pages_first_release_2026-02-13.csv").open() as fh:
        capture = next(r for r in csv.DictReader(fh) if r["cty_code"] == "5830" and r["year"] == "2025" and r["month"] == "11")
    assert int(taiwan_nov[2]) == round(float(capture["imports_musd"]) * 1e6)
