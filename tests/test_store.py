"""Store behaviour a user relies on: nothing lost, nothing half-written, revisions visible."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from tools.errors import StoreError
from tools.sources.models import PolicyDoc
from tools.sources.records import CensusHsRow, CensusRow, ComtradeRow, Fetched, RawResponse
from tools.store import Store

T1 = datetime(2026, 2, 13, 23, 51, 6, tzinfo=UTC)
T2 = datetime(2026, 3, 13, 12, 0, 0, tzinfo=UTC)


def census_answer(flow: str, values: dict[str, float | None], when: datetime, *, key: str = "SECRET") -> Fetched:
    body = json.dumps([["CTY_CODE", "CTY_NAME", "VAL", "time"]] + [
        ["5830", "TAIWAN", "" if v is None else str(int(v)), p] for p, v in values.items()
    ]).encode()
    raw = RawResponse(
        source="census", method="GET", url=f"http://census.test/{flow}/hs",
        params=(("get", "CTY_CODE,CTY_NAME"), ("time", "from 2024-01 to 2024-12"), ("key", key)),
        status=200, content_type="application/json", body=body, fetched_at=when,
    )
    rows = [CensusRow("5830", "TAIWAN", p, flow, v) for p, v in values.items()]  # type: ignore[arg-type]
    return Fetched(raw=raw, census=rows)


def test_new_store_is_empty_and_returns_typed_empty_tables(tmp_path: Path) -> None:
    store = Store(tmp_path / "nothing-yet")
    assert store.is_empty()
    assert store.census_monthly().empty and "exports_usd" in store.census_monthly().columns
    assert store.comtrade_annual().empty and store.policy_docs() == []
    assert not (tmp_path / "nothing-yet").exists()  # reading creates nothing


def test_census_rows_join_flows_and_keep_provenance(tmp_path: Path) -> None:
    store = Store(tmp_path)
    report = store.save([
        census_answer("exports", {"2024-01": 3_000_000_000, "2024-02": None}, T1),
        census_answer("imports", {"2024-01": 9_000_000_000, "2024-02": 8_000_000_000}, T1),
    ])
    assert report.new == 2 and not store.is_empty()
    df = store.census_monthly()
    assert list(df["period"]) == ["2024-01", "2024-02"]
    jan = df.iloc[0]
    assert (jan["exports_usd"], jan["imports_usd"]) == (3e9, 9e9)
    assert pd.isna(df.iloc[1]["exports_usd"])  # missing flow stays missing, never 0
    assert jan["fetched_at"] == pd.Timestamp(T1)
    assert "key=" not in jan["source_url"] and "SECRET" not in store.db_path.read_bytes().decode("latin-1")
    raw_files = list((tmp_path / "raw" / "census").iterdir())
    assert len(raw_files) == 2 and all(len(p.name) == 64 for p in raw_files)


def test_identical_answer_is_a_no_op_but_counts_as_checked(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save([census_answer("exports", {"2024-01": 1.0}, T1)])
    before = store.census_monthly()
    again = store.save([census_answer("exports", {"2024-01": 1.0}, T2, key="OTHER")])
    assert (again.new, again.unchanged) == (0, 1)
    assert len(store.manifest()) == 1
    pd.testing.assert_frame_equal(before, store.census_monthly())
    assert store.manifest()["checked_at"].iloc[0] == "2026-03-13T12:00:00Z"


def test_revised_month_becomes_latest_and_is_listed(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save([census_answer("exports", {"2024-01": 100.0, "2024-02": 200.0}, T1)])
    store.save([census_answer("exports", {"2024-01": 100.0, "2024-02": 250.0}, T2)])
    df = store.census_monthly()
    assert df.set_index("period").loc["2024-02", "exports_usd"] == 250.0
    rev = store.census_revisions()
    assert rev.to_dict("records") == [{
        "cty_code": "5830", "period": "2024-02", "flow": "exports", "old_value": 200.0, "new_value": 250.0,
        "old_vintage": "2026-02-13T23:51:06Z", "new_vintage": "2026-03-13T12:00:00Z",
    }]
    assert len(store.manifest()) == 2  # both vintages kept


def test_failed_fetch_leaves_previous_snapshot_unchanged(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save([census_answer("exports", {"2024-01": 100.0}, T1)])
    before_table, before_manifest = store.census_monthly(), store.manifest()
    good = census_answer("exports", {"2024-01": 999.0}, T2)
    broken = Fetched(raw=census_answer("imports", {}, T2).raw,
                     census=[CensusRow("5830", "TAIWAN", "2024-01", "sideways", 1.0)])  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        store.save([good, broken])
    pd.testing.assert_frame_equal(before_table, store.census_monthly())
    pd.testing.assert_frame_equal(before_manifest, store.manifest())


def comtrade_answer(partner_vals: dict[int, float], when: datetime, *, synthetic: bool, url: str) -> Fetched:
    raw = RawResponse(source="comtrade", method="GET", url=url, params=(("period", "2023"),), status=200,
                      content_type="application/json", body=json.dumps(partner_vals).encode(),
                      fetched_at=when, synthetic=synthetic)
    rows = [ComtradeRow(842, "USA", p, f"P{p}", 2023, "M", v) for p, v in partner_vals.items()]
    return Fetched(raw=raw, comtrade=rows)


def test_real_answer_wins_over_synthetic_for_the_same_cell(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save([
        comtrade_answer({0: 300.0, 392: 150.0, 156: 150.0}, T2, synthetic=True, url="http://c.test/all"),
        comtrade_answer({392: 151.0}, T1, synthetic=False, url="http://c.test/jpn"),
    ])
    df = store.comtrade_annual().set_index("partner_code")
    assert len(df) == 3
    assert df.loc[392, "value_usd"] == 151.0 and not df.loc[392, "synthetic"]
    assert df.loc[156, "synthetic"] and df["row_capped"].eq(False).all()


def test_policy_docs_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path)
    doc = PolicyDoc(url="http://m.test/a/1.html", title="标题", publish_date=date(2025, 10, 9), body_text="正文",
                    notice_no="商务部公告2025年第61号", effective_dates=[date(2025, 12, 1)], fetched_at=T1)
    raw = RawResponse(source="mofcom", method="GET", url=doc.url, params=(), status=200,
                      content_type="text/html", body="<p>正文</p>".encode(), fetched_at=T1)
    store.save([Fetched(raw=raw, policy=[doc])])
    assert store.policy_docs() == [doc]


def test_status_says_what_is_stale(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save([census_answer("exports", {"2024-01": 1.0}, T1)])
    status = store.status(now=datetime(2026, 2, 20, tzinfo=UTC)).set_index("source")
    assert not status.loc["census", "stale"] and status.loc["comtrade", "stale"]
    later = store.status(now=datetime(2026, 6, 1, tzinfo=UTC)).set_index("source")
    assert later.loc["census", "stale"]


def test_corrupt_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "store.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(tmp_path).census_monthly()


def hs_answer(values: dict[tuple[str, str], float | None], when: datetime, level: str = "HS2") -> Fetched:
    body = json.dumps([["E_COMMODITY", "ALL_VAL_MO", "time", "COMM_LVL", "CTY_CODE"]] + [
        [code, "" if v is None else str(int(v)), period, level, "5830"] for (code, period), v in values.items()
    ]).encode()
    raw = RawResponse(
        source="census", method="GET", url="http://census.test/exports/hs",
        params=(("get", "E_COMMODITY,ALL_VAL_MO"), ("COMM_LVL", level), ("CTY_CODE", "5830"),
                ("time", "from 2025-01 to 2025-02"), ("key", "SECRET")),
        status=200, content_type="application/json", body=body, fetched_at=when,
    )
    rows = [CensusHsRow(level, code, f"chapter {code}", "5830", period, "exports", v)
            for (code, period), v in values.items()]
    return Fetched(raw=raw, census_hs=rows)


def test_hs_detail_has_its_own_table_with_provenance_and_latest_vintage(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save([census_answer("exports", {"2025-01": 5e9}, T1)])
    assert store.census_hs().empty and "commodity" in store.census_hs().columns  # table exists, nothing in it
    store.save([hs_answer({("84", "2025-01"): 1e9, ("85", "2025-01"): 2e9, ("85", "2025-02"): None}, T1)])
    store.save([hs_answer({("84", "2025-01"): 1e9, ("85", "2025-01"): 2.5e9, ("85", "2025-02"): None}, T2)])
    hs = store.census_hs()
    assert len(hs) == 3 and set(hs["comm_lvl"]) == {"HS2"} and set(hs["flow"]) == {"exports"}
    cell = hs.set_index(["commodity", "period"]).loc[("85", "2025-01")]
    assert cell["value_usd"] == 2.5e9 and cell["fetched_at"] == pd.Timestamp(T2)  # newest vintage wins
    assert "COMM_LVL=HS2" in cell["source_url"] and "SECRET" not in cell["source_url"]
    assert pd.isna(hs.set_index(["commodity", "period"]).loc[("85", "2025-02"), "value_usd"])
    assert store.census_hs("hs4").empty and len(store.census_hs("HS2")) == 3
    # detail never leaks into the country totals or their revisions
    assert store.census_monthly()["exports_usd"].tolist() == [5e9] and store.census_revisions().empty


def test_hs_table_reads_as_empty_on_a_store_written_before_it_existed(tmp_path: Path) -> None:
    import sqlite3

    store = Store(tmp_path)
    store.save([census_answer("exports", {"2025-01": 5e9}, T1)])
    with sqlite3.connect(store.db_path) as conn:
        conn.execute("DROP TABLE census_hs_values")
    assert store.census_hs().empty and len(store.census_monthly()) == 1


def test_an_answer_keeps_what_the_client_asked_and_an_old_store_is_migrated(tmp_path: Path) -> None:
    """Provenance (dataset, flow, window, partners) is stored with the answer; a v1 store gains the columns."""
    import sqlite3

    from tools.sources.records import Provenance
    from tools.store.schema import PROVENANCE_COLUMNS, SCHEMA_VERSION

    store = Store(tmp_path)
    item = census_answer("exports", {"2024-01": 1.0e9}, T1)
    asked = Provenance(dataset="census.intltrade.hs", flow="exports", window="2024-01–2024-12", reporter="842",
                       partner="5830")
    store.save([Fetched(raw=item.raw, census=item.census, provenance=asked)])
    df = store.census_monthly()
    assert df.loc[0, "dataset"] == "census.intltrade.hs" and df.loc[0, "exports_window"] == "2024-01–2024-12"

    with sqlite3.connect(store.db_path) as conn:  # make it look like a store written by version 1
        for column in PROVENANCE_COLUMNS:
            conn.execute(f"ALTER TABLE manifest DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    old = Store(tmp_path)
    monthly = old.census_monthly()  # reading migrates in place
    assert monthly.loc[0, "exports_usd"] == 1.0e9 and monthly.loc[0, "exports_window"] == ""
    with sqlite3.connect(store.db_path) as conn:
        have = {row[1] for row in conn.execute("PRAGMA table_info(manifest)")}
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert set(PROVENANCE_COLUMNS) <= have and version == str(SCHEMA_VERSION)
    assert len(old.manifest()) == 1  # nothing lost


def test_a_table_read_again_after_a_save_shows_the_new_answer_and_edits_never_leak(tmp_path: Path) -> None:
    """Tables are remembered per stored content: a draft reads them twice, a fetch in between must show."""
    store = Store(tmp_path)
    store.save([census_answer("exports", {"2024-01": 100.0, "2024-02": 200.0}, T1)])
    first = store.census_monthly()
    first.loc[:, "exports_usd"] = -1.0  # a caller editing its copy
    assert store.census_monthly().set_index("period").loc["2024-02", "exports_usd"] == 200.0
    store.save([census_answer("exports", {"2024-01": 100.0, "2024-02": 250.0}, T2)])
    assert store.census_monthly().set_index("period").loc["2024-02", "exports_usd"] == 250.0
    other = Store(tmp_path)  # another process's view of the same file agrees
    assert other.census_monthly().set_index("period").loc["2024-02", "exports_usd"] == 250.0


def test_hs_detail_keeps_the_newest_answer_per_cell_when_two_answers_overlap(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save([hs_answer({("85", "2024-01"): 10.0, ("84", "2024-01"): 5.0}, T1)])
    store.save([hs_answer({("85", "2024-01"): 12.0}, T2)])
    hs = store.census_hs("HS2").set_index("commodity")
    assert hs.loc["85", "value_usd"] == 12.0 and hs.loc["84", "value_usd"] == 5.0
    assert hs.loc["85", "fetched_at"] == pd.Timestamp(T2) and hs.loc["84", "fetched_at"] == pd.Timestamp(T1)
