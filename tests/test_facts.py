"""The week's fact sheet on hand-built store frames: ids, bases, cut-off, flags."""

import json

import pandas as pd
import pytest
from test_facts_helpers import TAIWAN_MUSD, FakeStore, census_frame, comtrade_frame, taiwan_census

from tools.errors import DataGapError, InputError
from tools.facts.build import build_fact_sheet
from tools.facts.model import Fact, FactSheet


def _partner_table(reporter: int, year: int, flow: str, n: int, scale: float = 1.0) -> list[tuple]:
    """n country partners with falling values, plus World and an 'Areas, nes' row."""
    from tools.countries import _tables

    codes = [c for c in sorted(_tables().by_comtrade) if c not in (0, reporter, 899)
             and _tables().by_comtrade[c].iso2][:n]
    rows = [(reporter, p, year, flow, scale * 1e9 / (i + 1)) for i, p in enumerate(codes)]
    total = sum(r[4] for r in rows)
    rows.append((reporter, 899, year, flow, 0.01 * total))
    rows.append((reporter, 0, year, flow, 1.01 * total))
    return rows


@pytest.fixture(scope="module")
def sheet() -> FactSheet:
    rows = []
    for r in (842, 392, 490):
        for y in (2023, 2024):
            for f in ("X", "M"):
                rows += _partner_table(r, y, f, 40, scale=1.0 + (y - 2023) * 0.1)
    store = FakeStore(census=taiwan_census(), comtrade=comtrade_frame(rows, synthetic=True))
    return build_fact_sheet(store, "2026-W07")


@pytest.fixture(scope="module")
def sample_sheet(tmp_path_factory: pytest.TempPathFactory) -> FactSheet:
    """The 2026-W07 sheet of the bundled sample, stored through the live clients."""
    from agent.config import load_settings
    from tools.sources.fetch import fetch_sample
    from tools.store import Store

    store = Store(tmp_path_factory.mktemp("sample"))
    fetch_sample(store, load_settings({}), ["census", "comtrade"])
    return build_fact_sheet(store, "2026-W07")


def test_worked_example_on_the_sheet(sheet):
    cur = sheet.get("census.5830.balance.ytd.2025-01_2025-11")
    base = sheet.get("census.5830.balance.ytd.2024-01_2024-11")
    yoy = sheet.get("census.5830.balance.yoy.2025-01_2025-11")
    assert cur.display == "USD 1,269 億" and cur.period.label_zh == "2025 年 1–11 月" and cur.period.basis == "ytd"
    assert "逆差" in cur.label_zh and "台灣" in cur.label_zh
    assert base.display == "USD 672 億"
    assert yoy.display == "+88.7%" and yoy.direction == "up"
    assert yoy.compares == [cur.id, base.id]
    assert "擴大" in yoy.label_zh
    assert cur.subject["partner_name"] == "台灣" and cur.subject["reporter"] == "842"
    assert cur.source is not None and cur.source.dataset.startswith("census") and cur.source.vintage == "v1"
    # a "year" fact is always twelve months; the Jan–Nov sum is never labelled as a year
    for f in sheet.facts:
        if f.period.basis == "year" and f.id.startswith("census."):
            assert f.period.start.endswith("-01") and f.period.end.endswith("-12"), f.id
            assert f.period.start[:4] != "2025"


def test_largest_monthly_deficit_states_its_window(sheet):
    ext = sheet.get("census.5830.balance.max_deficit.2024-01_2025-11")
    assert ext.subject["month"] == "2025-10"
    assert ext.display == "USD 174 億"
    assert "2024 年以來" in ext.label_zh and "歷史" not in ext.label_zh


def test_cutoff_and_partial_year_flag(sheet):
    assert sheet.data_cutoff == {"census": "2025-11", "comtrade": "2024"}
    assert sheet.get("cutoff.census").display == "2025-11"
    codes = {f.code for f in sheet.flags}
    assert {"partial_year", "synthetic_sample", "excluded_aggregates"} <= codes


def test_comtrade_ids_and_hhi_facts(sheet):
    for r in ("842", "392", "490"):
        for f in ("X", "M"):
            base = f"comtrade.{r}.{f}.2024"
            hhi = sheet.get(f"{base}.hhi")
            assert hhi.unit == "index" and 0 < hhi.value <= 10_000
            assert sheet.get(f"{base}.hhi_band").display in ("低", "中", "高")
            assert sheet.get(f"{base}.partner_count").value == 40  # World and 899 excluded
            assert sheet.get(f"{base}.top3_share").unit == "pct"
            yoy = sheet.get(f"{base}.yoy")
            assert yoy.display == "+10.0%" and yoy.compares == [f"{base}.total", f"comtrade.{r}.{f}.2023.total"]
    assert sheet.get("comtrade.490.X.2024.hhi").subject["reporter_name"] == "台灣"
    shares = [f for f in sheet.find(kind="share", reporter="842", flow="X", year="2024")]
    assert shares and all(f.subject["partner_name"] for f in shares)


def test_every_fact_has_displays_labels_and_source(sheet):
    for f in sheet.facts:
        assert f.display and f.label_zh and f.period.label_zh, f.id
        if f.value is not None:
            assert f.display in f.displays, f.id
        assert f.source is not None, f.id


def test_json_roundtrip(sheet):
    again = FactSheet.model_validate(json.loads(sheet.model_dump_json()))
    assert again.get("census.5830.balance.yoy.2025-01_2025-11").display == "+88.7%"


def test_newer_months_do_not_leak_into_an_old_week():
    rows = [("5830", p, x, m) for p, x, m in TAIWAN_MUSD] + [("5830", "2025-12", 5000.0, 20000.0)]
    store = FakeStore(census=census_frame(rows))
    w07 = build_fact_sheet(store, "2026-W07")  # Dec-2025 released 2026-02-19, after W07 ends
    assert w07.data_cutoff["census"] == "2025-11"
    assert not any("2025-12" in f.id for f in w07.facts)
    w08 = build_fact_sheet(store, "2026-W08")
    full = w08.get("census.5830.balance.year.2025-01_2025-12")
    assert full.period.label_zh == "2025 年"
    assert w08.get("census.5830.balance.yoy.2025-01_2025-12").compares[1] == "census.5830.balance.year.2024-01_2024-12"
    assert w08.get("wow.census.cutoff").display != "無新資料"
    assert w07.get("wow.census.cutoff").display.startswith("無新資料")  # W06 saw the same months


def test_comtrade_year_not_yet_available_is_left_out():
    rows = _partner_table(392, 2024, "X", 10) + _partner_table(392, 2025, "X", 10)
    sheet = build_fact_sheet(FakeStore(comtrade=comtrade_frame(rows)), "2026-W07")
    assert sheet.data_cutoff["comtrade"] == "2024"
    assert not any(".2025." in f.id for f in sheet.facts)


def test_quality_flags_for_cap_coverage_missing_year_and_stale():
    rows = []
    for r, n in ((842, 200), (156, 210), (392, 205), (276, 60)):
        rows += _partner_table(r, 2024, "X", n) + _partner_table(r, 2024, "M", n)
    rows += _partner_table(842, 2023, "X", 200) + _partner_table(842, 2023, "M", 200)
    df = comtrade_frame(rows)
    df.loc[df["reporter_code"] == 156, "row_capped"] = True
    census = taiwan_census({p for p, _, _ in TAIWAN_MUSD if p <= "2025-10"})  # Nov-2025 was out by W07
    sheet = build_fact_sheet(FakeStore(census=census, comtrade=df), "2026-W07")
    by_code: dict[str, list] = {}
    for fl in sheet.flags:
        by_code.setdefault(fl.code, []).append(fl)
    assert [f.subject["reporter"] for f in by_code["low_partner_coverage"]] == ["276", "276"]
    assert {f.subject["reporter"] for f in by_code["row_cap"]} == {"156"}
    assert {(f.subject["reporter"], f.subject["year"]) for f in by_code["missing_year"]} >= {("156", "2023")}
    assert any(f.subject.get("scheme") == "census" for f in by_code["stale_source"])
    assert "synthetic_sample" not in by_code


def test_missing_month_is_flagged_and_yoy_withheld():
    census = taiwan_census({p for p, _, _ in TAIWAN_MUSD} - {"2024-02"})
    sheet = build_fact_sheet(FakeStore(census=census), "2026-W07")
    assert "census.5830.balance.yoy.2025-01_2025-11" not in sheet.by_id()
    flag = next(f for f in sheet.flags if f.code == "missing_month")
    assert "2024-02" in flag.message_zh


def test_revisions_become_facts():
    rev = pd.DataFrame([("5830", "2025-10", "imports", 22_000_000_000.0, 22_252_700_000.0, "v0", "v1"),
                        ("5830", "2025-12", "imports", 1.0, 2.0, "v0", "v1")],
                       columns=["cty_code", "period", "flow", "old_value", "new_value", "old_vintage", "new_vintage"])
    sheet = build_fact_sheet(FakeStore(census=taiwan_census(), revisions=rev), "2026-W07")
    f = sheet.get("census.5830.imports.revision.2025-10")
    assert f.value == pytest.approx(252_700_000.0)
    assert "census.5830.imports.revision.2025-12" not in sheet.by_id()  # after the cut-off
    assert any(fl.code == "revision" for fl in sheet.flags)


def test_reporter_filter_and_errors():
    rows = _partner_table(392, 2024, "X", 10) + _partner_table(490, 2024, "X", 10)
    store = FakeStore(census=taiwan_census(), comtrade=comtrade_frame(rows))
    only_tw = build_fact_sheet(store, "2026-W07", reporters=["台灣"])
    assert {f.subject.get("reporter") for f in only_tw.facts if f.id.startswith("comtrade.")} == {"490"}
    assert not any(f.id.startswith("census.") for f in only_tw.facts)  # Census is US data
    with pytest.raises(InputError):
        build_fact_sheet(store, "2026-W54")
    with pytest.raises(InputError):
        build_fact_sheet(store, "2026-W07", reporters=["Narnia"])
    with pytest.raises(DataGapError, match="no trade data"):
        build_fact_sheet(FakeStore(), "2026-W07")
    with pytest.raises(DataGapError, match="2020-W07"):
        build_fact_sheet(store, "2020-W07")


def test_our_sums_are_checked_against_published_year_to_date():
    census = taiwan_census()
    census["exports_ytd_usd"] = float("nan")
    census["imports_ytd_usd"] = float("nan")
    last = census["period"] == "2025-11"
    census.loc[last, "exports_ytd_usd"] = 49_867.0e6  # matches the monthly sum
    census.loc[last, "imports_ytd_usd"] = 170_000.0e6  # does not (176,726.5 M by month)
    sheet = build_fact_sheet(FakeStore(census=census), "2026-W07")
    bad = [f for f in sheet.flags if f.code == "ytd_mismatch"]
    assert [f.subject["flow"] for f in bad] == ["imports"]
    assert "台灣" in bad[0].message_zh


def test_week_comparisons_say_when_nothing_new_arrived(sheet):
    assert sheet.get("wow.census.5830.balance").display.startswith("無新資料")
    yago = sheet.get("yago.census.5830.balance")
    old = sheet.get(yago.compares[1])
    assert old.period.label_zh == "2024 年" and "口徑不同" in old.note_zh
    assert any(f.code == "annual_lag" for f in sheet.flags)


def test_display_forms_pass_the_verifier_and_wrong_numbers_do_not(sheet):
    from agent.verify import check_text

    yoy = sheet.get("census.5830.balance.yoy.2025-01_2025-11")
    cited = [yoy, *(sheet.get(i) for i in yoy.compares)]
    for text in ("2025 年 1–11 月美國對台灣貿易逆差 USD 1,269 億，較 2024 年 1–11 月擴大 88.7%。",
                 "逆差 1269 億美元（+88.7%）"):
        assert check_text(text, cited) == [], text
    assert check_text("逆差較 2024 年全年擴大 72%", cited)
    assert check_text("逆差 USD 1,270 億", cited)


def test_every_fact_has_a_key_and_its_id_is_the_keys_name(sample_sheet: FactSheet) -> None:
    """The id is printed from the key in one place; an old id-only fact reads back to the same key."""
    from tools.facts.key import fact_id, key_from_legacy_id

    assert sample_sheet.facts
    for fact in sample_sheet.facts:
        assert fact.id == fact_id(fact.key)
        legacy = key_from_legacy_id(fact.id, fact.period.basis, fact.period.start, fact.period.end)
        assert legacy == fact.key, fact.id
        old = fact.model_dump(mode="json", exclude={"key", "sources"})
        old["source"] = fact.source.model_dump(mode="json") if fact.source else None
        assert Fact.model_validate(old).key == fact.key


def test_find_and_get_go_by_key(sheet: FactSheet) -> None:
    tw = sheet.find(source="census", partner="5830", flow="balance", measure="value", basis="ytd", start="2025-01")
    assert [f.id for f in tw] == ["census.5830.balance.ytd.2025-01_2025-11"]
    yoy = sheet.get(tw[0].key.with_(measure="yoy"))
    assert yoy.display == "+88.7%"
    assert sheet.get(tw[0].key) is tw[0] and sheet.lookup(tw[0].key.with_(partner="0000")) is None


def test_a_balance_cites_both_queries_and_an_import_figure_the_imports_query(sample_sheet: FactSheet) -> None:
    sheet = sample_sheet
    key = sheet.get("census.5830.balance.ytd.2025-01_2025-11").key
    balance, imports = sheet.get(key), sheet.get(key.with_(flow="imports"))
    assert [s.flow for s in balance.sources] == ["exports", "imports"]
    assert [s.flow for s in imports.sources] == ["imports"]
    assert "/imports/" in imports.sources[0].url and "/exports/" in balance.sources[0].url
    assert imports.sources[0].dataset == "census.intltrade.hs" and imports.sources[0].window  # as the client asked
    hhi = sheet.get("comtrade.392.X.2024.hhi").sources[0]
    assert (hhi.reporter, hhi.window, hhi.flow) == ("392", "2024", "X")


def test_find_sees_facts_added_replaced_or_removed_after_an_earlier_question(sheet: FactSheet) -> None:
    """``find`` answers from an index; a sheet edited between two questions must still be answered right."""
    sheet = sheet.model_copy(update={"facts": list(sheet.facts)})
    first = sheet.find(source="census", partner="5830", flow="balance")
    assert first
    added = Fact.model_validate({**first[0].model_dump(exclude={"key", "id"}), "key": first[0].key.with_(partner="9999")})
    sheet.facts.append(added)
    assert [f.id for f in sheet.find(partner="9999")] == [added.id] and "9999" in added.id
    sheet.facts[-1] = Fact.model_validate({**first[0].model_dump(exclude={"key", "id"}),
                                           "key": first[0].key.with_(partner="8888")})
    assert sheet.find(partner="9999") == [] and len(sheet.find(partner="8888")) == 1
    sheet.facts = [f for f in sheet.facts if f.key.partner != "5830"]
    assert sheet.find(source="census", partner="5830", flow="balance") == []


@pytest.mark.parametrize("week", ["2026-W06", "2025-W07"])
def test_a_comparison_sheet_holds_the_full_sheets_headline_figures_and_compares_the_same(
        sample_sheet: FactSheet, week: str, tmp_path) -> None:
    """The previous and year-ago weeks are built comparison-only (faster): the tables a page shows against
    them must not change, so every fact the comparison-only sheet holds equals the full sheet's, and the
    week-on-week and year-ago tables read the same from either."""
    from agent.config import load_settings
    from agent.narrate.compare import compare_sheets
    from tools.sources.fetch import fetch_sample
    from tools.store import Store

    store = Store(tmp_path)
    fetch_sample(store, load_settings({}), ["census", "comtrade"])
    full = build_fact_sheet(store, week)
    light = build_fact_sheet(store, week, comparison_only=True)
    assert 0 < len(light.facts) < len(full.facts)
    by_id = full.by_id()
    assert all(f.model_dump() == by_id[f.id].model_dump() for f in light.facts)
    assert not any(f.kind in ("contribution", "mirror_gap", "hs_value", "world_share") or f.id.startswith(("wow.", "yago."))
               for f in light.facts)
    assert any(f.kind == "contribution" for f in full.facts) and any(f.id.startswith("wow.") for f in full.facts)
    for matched in (False, True):
        a = compare_sheets(sample_sheet, full, "那週", "本週", matched_only=matched)
        b = compare_sheets(sample_sheet, light, "那週", "本週", matched_only=matched)
        assert a.rows and a.rows == b.rows and a.this_ids == b.this_ids
        assert {k: v.model_dump() for k, v in a.other_facts.items()} == {k: v.model_dump() for k, v in b.other_facts.items()}
