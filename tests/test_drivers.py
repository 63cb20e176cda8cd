"""What drove the numbers (issue 12): HS sample, contributions, since-when extremes, revisions, Taiwan mirror."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from agent.config import load_settings
from agent.narrate.sections import imports_section
from tools.errors import InputError
from tools.facts.build import build_fact_sheet
from tools.facts.model import FactSheet
from tools.metrics import contributions as cb
from tools.metrics import revisions as rv
from tools.metrics.census import Range
from tools.sources import taiwan_mof
from tools.sources.fetch import FetchOptions, fetch_sample, run_fetch
from tools.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    data = tmp_path_factory.mktemp("drivers")
    settings = load_settings({"AGENT_DATA_DIR": str(data)})
    s = Store(data)
    fetch_sample(s, settings, ["census"])
    return s


@pytest.fixture(scope="module")
def sheet(store: Store) -> FactSheet:
    return build_fact_sheet(store, "2026-W07")


# ---------------------------------------------------------------- contribution arithmetic (pure)
def hs_rows(cells: dict[tuple[str, str], float]) -> pd.DataFrame:
    return pd.DataFrame([{"commodity": c, "commodity_desc": f"CH {c}", "period": p, "value_usd": v}
                         for (c, p), v in cells.items()])


def test_contributions_add_up_to_the_total_change_and_shares_to_100() -> None:
    cells = {("84", "2023-01"): 100.0, ("84", "2023-02"): 50.0, ("84", "2024-01"): 300.0, ("84", "2024-02"): 90.0,
             ("85", "2023-01"): 80.0, ("85", "2023-02"): 20.0, ("85", "2024-01"): 40.0, ("85", "2024-02"): 10.0,
             ("30", "2024-02"): 7.0}  # chapter 30 absent in 2023: the API omits zero cells
    res = cb.contributions(hs_rows(cells), Range("2024-01", "2024-02", "ytd"), Range("2023-01", "2023-02", "ytd"))
    t = res.table
    assert res.total_base == 250.0 and res.total_current == 447.0 and res.total_change == 197.0
    assert t["change"].sum() == res.total_change
    assert t.loc["84", "change"] == 240.0 and t.loc["85", "change"] == -50.0 and t.loc["30", "base"] == 0.0
    assert list(t.index) == ["84", "85", "30"]  # largest change first, falls included
    assert t["share_of_change"].sum() == pytest.approx(100.0)
    assert t.loc["84", "share_of_change"] == pytest.approx(240 / 197 * 100)  # a share of change may exceed 100 %
    assert t["share_of_total"].sum() == pytest.approx(100.0)
    top, other = cb.leading(res, 1)
    assert top["change"].sum() + other["change"] == res.total_change


def test_a_missing_month_means_no_comparison() -> None:
    cells = {("84", "2023-01"): 1.0, ("84", "2024-01"): 2.0, ("84", "2024-02"): 3.0}  # 2023-02 never answered
    assert cb.latest_comparable(hs_rows(cells), "2024-12") is None
    cells[("85", "2023-02")] = 4.0
    assert cb.latest_comparable(hs_rows(cells), "2024-12") == (Range("2024-01", "2024-02", "ytd"),
                                                                 Range("2023-01", "2023-02", "ytd"))


# ---------------------------------------------------------------- HS2 sample through the live client path
def test_hs_sample_is_stored_with_the_published_check_figures(store: Store) -> None:
    hs = store.census_hs("HS2")
    assert set(hs["flow"]) == {"imports"} and (hs["period"].min(), hs["period"].max()) == ("2023-01", "2024-12")
    taiwan = hs[(hs.cty_code == "5830") & hs.period.str.startswith("2024")]
    assert taiwan["value_usd"].sum() == 116_255_001_638  # SOURCES.md: imports from Taiwan 2024 = 116.26 bn
    assert taiwan[taiwan.commodity == "84"]["value_usd"].sum() == 57_442_159_174  # of which HS 84 = 57.44 bn
    assert not hs["synthetic"].any() and hs["vintage"].unique().tolist() == ["2025-10-18T20:02:21Z"]


def test_hs_fetch_from_sample_asks_the_hs_question_and_refuses_other_levels(tmp_path: Path) -> None:
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path)})
    s = Store(tmp_path)
    [outcome] = run_fetch(s, settings, FetchOptions(sources=("census",), from_sample=True, hs_level="hs2"))
    assert outcome.error == "" and outcome.answers == 1 and outcome.rows == 13984
    assert s.census_monthly().empty and "COMM_LVL=HS2" in s.manifest()["source_url"].iloc[0]
    with pytest.raises(InputError, match="HS2 detail only"):
        run_fetch(s, settings, FetchOptions(sources=("census",), from_sample=True, hs_level="HS6"))


# ---------------------------------------------------------------- facts and the import section
def test_taiwan_change_is_explained_by_chapters_for_the_period_with_detail(sheet: FactSheet) -> None:
    total = sheet.get("census.5830.imports.hs2.change.2024-01_2024-12")
    parts = [f for f in sheet.facts if f.kind == "contribution" and f.subject["partner"] == "5830"]
    assert sum(p.value or 0.0 for p in parts) == pytest.approx(total.value)  # named chapters + the rest
    machinery = sheet.get("census.5830.imports.hs2.84.change.2024-01_2024-12")
    assert machinery.display == "USD 233 億" and machinery.period.label_zh == "2024 年"
    assert sheet.get("census.5830.imports.hs2.84.share.2024-01_2024-12").display == "49.4%"
    assert sheet.get("cutoff.census_hs").display == "2024-12"
    plan = imports_section(sheet)
    text = " ".join(p.fallback for p in plan.spec.plans if p.key.startswith("imports.5830."))
    assert "商品別明細只到 2024-12" in text and "2024 年說明" in text and "HS 84" in text and "81.8%" in text
    table = next(t for t in plan.tables if t.headers[0].startswith("美國自台灣進口：商品別"))
    assert table.rows[-1][:3] == ["合計（各章加總）", "USD 1,163 億", total.display]
    gap = next(f for f in sheet.flags if f.code == "hs_detail_gap")
    assert "2024-12 之後" in gap.message_zh and "出口沒有商品別明細" in gap.message_zh


def test_extremes_say_since_when(sheet: FactSheet) -> None:
    ext = sheet.get("census.5830.balance.max_deficit.2013-01_2025-11")
    assert "2013 年以來最大" in ext.label_zh and ext.subject["month"] == "2025-10"
    assert not [f for f in sheet.facts if f.kind == "balance" and f.subject.get("partner") == "-"]  # not a partner


def test_partner_shares_of_all_us_trade(sheet: FactSheet) -> None:
    share = sheet.get("census.5830.imports.world_share.year.2024-01_2024-12")
    world = sheet.get("census.-.imports.year.2024-01_2024-12")
    assert share.derived_from == [world.id] and share.display == "3.6%"
    assert world.display == "USD 3.27 兆"


# ---------------------------------------------------------------- revisions told apart from rounding
def test_revision_summary_tells_rounding_from_revisions() -> None:
    rev = pd.DataFrame([
        {"cty_code": "5830", "period": "2024-01", "flow": "imports", "old_value": 8_195_654_030.0,
         "new_value": 8_195_700_000.0, "old_vintage": "api", "new_vintage": "pages"},
        {"cty_code": "5830", "period": "2024-02", "flow": "imports", "old_value": 6_795_869_681.0,
         "new_value": 6_795_900_000.0, "old_vintage": "api", "new_vintage": "pages"},
        {"cty_code": "5830", "period": "2024-03", "flow": "imports", "old_value": 7_940_317_047.0,
         "new_value": 7_990_300_000.0, "old_vintage": "api", "new_vintage": "pages"},
    ])
    s = rv.summarise(rev)
    assert (s.differing, s.revised, s.periods, s.rounding_usd) == (3, 1, ("2024-03",), 50_000.0)
    assert s.max_abs_revision == 7_990_300_000.0 - 7_940_317_047.0


def test_sample_vintages_differ_only_by_rounding_and_the_limits_say_so(store: Store, sheet: FactSheet) -> None:
    s = rv.summarise(store.census_revisions())
    assert s.differing == 130 and s.revised == 0 and s.max_abs_difference <= 50_000
    flag = next(f for f in sheet.flags if f.code == "revision")
    assert "130 筆" in flag.message_zh and "沒有月份被實質修正" in flag.message_zh
    assert sheet.get("census.revisions.revised").value == 0


# ---------------------------------------------------------------- Taiwan's own statistics
def test_taiwan_mof_mirror_fact_has_both_sides_and_the_gap(store: Store, sheet: FactSheet) -> None:
    rows = taiwan_mof.load()
    assert sum(r.value_usd for r in rows if r.basis == "month") == pytest.approx(117_173_944_000)  # check figure
    key = "2025-01_2025-08"
    tw = sheet.get(f"mirror.taiwan_mof.5830.exports.{key}")
    us = sheet.get(f"mirror.taiwan_mof.5830.census_imports.{key}")
    gap = sheet.get(f"mirror.taiwan_mof.5830.gap.{key}")
    census = store.census_monthly()
    expected = census[(census.cty_code == "5830") & census.period.between("2025-01", "2025-08")]["imports_usd"].sum()
    assert us.value == expected and tw.value == pytest.approx(117_173_944_000)
    assert tw.value is not None and us.value is not None
    assert gap.value == pytest.approx(tw.value - us.value) and "FOB" in gap.note_zh
    assert tw.source is not None and tw.source.dataset.startswith("taiwan_mof") and us.source is not None
    assert us.source.dataset.startswith("census")


def test_a_malformed_mof_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "mof.csv"
    bad.write_text("period,basis,exports_to_us_musd,cell\n2025-01,year,12.5,G1\n", encoding="utf-8")
    from tools.errors import SourceError
    with pytest.raises(SourceError, match="does not match basis"):
        taiwan_mof.load(bad)
    assert taiwan_mof.load(tmp_path / "absent.csv") == []
