import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_facts_helpers import TAIWAN_MUSD, census_frame, comtrade_frame, taiwan_census

from tools.metrics import census as cm
from tools.metrics import concentration as conc
from tools.metrics import mirror as mir
from tools.metrics import quality
from tools.metrics.growth import balance_change, flow_change


def test_worked_example_us_taiwan_deficit_same_basis_yoy():
    df = cm.with_balance(taiwan_census())
    rng = cm.current_range("2025-11")
    assert (rng.basis, rng.key, rng.label_zh) == ("ytd", "2025-01_2025-11", "2025 年 1–11 月")
    yoy = cm.same_basis_yoy(df, rng).loc["5830"]
    # Jan–Nov 2025: exports 49,867.0 M, imports 176,726.5 M; Jan–Nov 2024: 38,931.8 M and 106,165.3 M.
    assert yoy["exports_cur"] == pytest.approx(49_867.0e6)
    assert yoy["imports_cur"] == pytest.approx(176_726.5e6)
    assert yoy["balance_cur"] == pytest.approx(-126_859.5e6)
    assert yoy["balance_base"] == pytest.approx(-67_233.5e6)
    assert yoy["balance_pct"] == pytest.approx((126_859.5 / 67_233.5 - 1) * 100)
    assert round(yoy["balance_pct"], 1) == 88.7


def test_full_year_basis_when_december_is_in():
    rng = cm.current_range("2024-12")
    assert (rng.basis, rng.label_zh, rng.year_before().key) == ("year", "2024 年", "2023-01_2023-12")


def test_partial_year_compares_with_same_months_not_full_year():
    df = cm.with_balance(taiwan_census())
    # Data through March 2025 only: compare Jan–Mar 2025 with Jan–Mar 2024, never with all of 2024.
    early = cm.up_to(df, "2025-03")
    rng = cm.current_range(str(early["period"].max()))
    yoy = cm.same_basis_yoy(early, rng).loc["5830"]
    cur = (3366.6 + 3692.7 + 4643.2) - (11069.8 + 10588.1 + 12403.1)
    base = (3118.0 + 3104.2 + 3402.5) - (8195.7 + 6795.9 + 7940.3)
    assert yoy["balance_cur"] == pytest.approx(cur * 1e6)
    assert yoy["balance_base"] == pytest.approx(base * 1e6)
    assert yoy["balance_pct"] == pytest.approx((abs(cur) / abs(base) - 1) * 100)


def test_missing_month_blocks_the_sum_and_is_reported():
    periods = {p for p, _, _ in TAIWAN_MUSD}
    df = cm.with_balance(taiwan_census(periods - {"2024-02"}))
    rng = cm.current_range("2025-11")
    yoy = cm.same_basis_yoy(df, rng).loc["5830"]
    assert not math.isnan(yoy["balance_cur"])
    assert math.isnan(yoy["balance_base"]) and math.isnan(yoy["balance_pct"])
    assert yoy["balance_base_months"] == 10
    assert cm.missing_months(df, rng.year_before()) == {"5830": ["2024-02"]}


def test_monthly_extreme_uses_contiguous_window_only():
    df = cm.with_balance(taiwan_census())  # 2023-09 is stored, then a gap until 2024-01
    ext = cm.monthly_extremes(df).loc["5830"]
    assert ext["window_start"] == "2024-01" and ext["window_end"] == "2025-11"
    assert ext["months"] == 23
    assert ext["min_period"] == "2025-10"
    assert ext["min_value"] == pytest.approx((4832.0 - 22252.7) * 1e6)


def test_balance_change_is_on_magnitude_and_sign_flip_has_no_percent():
    c = balance_change(-126.0, -67.0)
    assert c.direction == "up" and c.pct == pytest.approx((126 / 67 - 1) * 100)
    narrowing = balance_change(-50.0, -100.0)
    assert narrowing.direction == "down" and narrowing.pct == pytest.approx(-50.0)
    flip = balance_change(-5.0, 10.0)
    assert flip.sign_flip and flip.pct is None
    assert flow_change(110.0, 100.0).pct == pytest.approx(10.0)
    assert flow_change(1.0, 0.0).pct is None


def test_yoy_balance_sign_flip_in_frames():
    df = cm.with_balance(census_frame([("1", "2024-01", 10, 5), ("1", "2025-01", 5, 10)]))
    row = cm.same_basis_yoy(df, cm.current_range("2025-01")).loc["1"]
    assert bool(row["balance_flip"]) and math.isnan(row["balance_pct"])


def _four_partner_frame():
    return comtrade_frame([
        (392, 0, 2024, "X", 105.0),  # World: excluded
        (392, 490, 2024, "X", 40.0),  # Other Asia, nes = Taiwan: kept
        (392, 842, 2024, "X", 30.0),
        (392, 156, 2024, "X", 20.0),
        (392, 410, 2024, "X", 10.0),
        (392, 899, 2024, "X", 5.0),  # Areas, nes: excluded
    ])


def test_hhi_of_four_partners_by_hand():
    countries, excluded = conc.split_aggregates(_four_partner_frame())
    assert sorted(excluded["partner_code"]) == [0, 899]
    assert 490 in set(countries["partner_code"])
    shared = conc.with_shares(countries)
    s = conc.summary(shared).loc[(392, 2024, "X")]
    assert s["hhi"] == pytest.approx(40**2 + 30**2 + 20**2 + 10**2)  # 3,000
    assert s["band"] == "高"
    assert s["partner_count"] == 4
    assert s["top3_share"] == pytest.approx(90.0)
    assert s["top3"] == [490, 842, 156]


def test_bands():
    assert conc.hhi_band(1499.9) == "低"
    assert conc.hhi_band(1500) == "中"
    assert conc.hhi_band(2500) == "中"
    assert conc.hhi_band(2500.1) == "高"


def test_mirror_gap_flagged_above_threshold():
    df = comtrade_frame([(842, 490, 2024, "X", 100.0), (490, 842, 2024, "M", 130.0),
                         (490, 842, 2024, "X", 110.0), (842, 490, 2024, "M", 115.0)])
    pairs = mir.mirror_pairs(df).set_index(["a", "b"])
    assert pairs.loc[(842, 490), "gap_pct"] == pytest.approx((100 - 130) / 130 * 100)
    assert bool(pairs.loc[(842, 490), "flagged"])
    assert not bool(pairs.loc[(490, 842), "flagged"])


def test_low_coverage_against_peers():
    counts = pd.Series({(1, 2024, "X"): 220, (2, 2024, "X"): 218, (3, 2024, "X"): 225, (4, 2024, "X"): 62})
    counts.index = counts.index.set_names(["reporter_code", "year", "flow"])
    low = quality.low_coverage(counts)
    assert list(low.index) == [(4, 2024, "X")]


shares_lists = st.lists(st.floats(min_value=0.01, max_value=1e12, allow_nan=False), min_size=1, max_size=60)


@given(shares_lists)
def test_hhi_bounds(values):
    h = conc.hhi(conc.shares_pct(values))
    n = len(values)
    assert 10_000 / n - 1e-6 <= h <= 10_000 + 1e-6


@given(shares_lists, st.randoms())
def test_hhi_order_invariant(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert conc.hhi(conc.shares_pct(values)) == pytest.approx(conc.hhi(conc.shares_pct(shuffled)))


@given(st.floats(min_value=0.01, max_value=1e13, allow_nan=False))
def test_one_partner_is_10000(v):
    assert conc.hhi(conc.shares_pct([v])) == pytest.approx(10_000)


@settings(max_examples=25, deadline=None)
@given(shares_lists)
def test_shares_sum_to_100_in_frames(values):
    rows = [(392, 4 + i, 2024, "X", v) for i, v in enumerate(values)]  # codes 4.. are countries or aggregates
    countries, _ = conc.split_aggregates(comtrade_frame(rows))
    if countries.empty:
        return
    shared = conc.with_shares(countries)
    assert shared["share_pct"].sum() == pytest.approx(100.0)
    s = conc.summary(shared).iloc[0]
    assert 10_000 / s["partner_count"] - 1e-6 <= s["hhi"] <= 10_000 + 1e-6


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.floats(min_value=1, max_value=1e10), st.floats(min_value=1, max_value=1e10)),
                min_size=12, max_size=12))
def test_yoy_of_identical_series_is_zero(months):
    rows = []
    for year in (2024, 2025):
        for m, (x, i) in enumerate(months, start=1):
            rows.append(("1", f"{year}-{m:02d}", x, i))
    df = cm.with_balance(census_frame(rows))
    for last in ("2025-12", "2025-07"):
        row = cm.same_basis_yoy(df, cm.current_range(last)).loc["1"]
        assert row["exports_pct"] == pytest.approx(0.0, abs=1e-9)
        assert row["imports_pct"] == pytest.approx(0.0, abs=1e-9)
        if row["balance_cur"] != 0:
            assert row["balance_pct"] == pytest.approx(0.0, abs=1e-9)
