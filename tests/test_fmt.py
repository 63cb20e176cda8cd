import math

from hypothesis import given
from hypothesis import strategies as st

from tools.fmt import direction_word, index, pct, pct_forms, signed_pct, usd, usd_forms


def test_usd_in_yi_and_zhao():
    assert usd(126_859_600_000) == "USD 1,269 億"
    assert usd(67_233_300_000) == "USD 672 億"
    assert usd(1.03e12) == "USD 1.03 兆"
    assert usd(17_400_000_000) == "USD 174 億"
    assert usd(534_000_000) == "USD 5.3 億"
    assert usd(45_000_000) == "USD 4,500 萬"
    assert usd(-126_859_600_000) == "USD -1,269 億"


def test_usd_rounding_never_shows_10000_yi():
    assert usd(999_990_000_000) == "USD 1.00 兆"


def test_usd_forms_accepts_writer_variants_but_not_wrong_numbers():
    forms = usd_forms(126_859_600_000)
    assert forms[0] == "USD 1,269 億"
    for ok in ["1,269 億美元", "1,269 億", "1269 億", "USD 1269 億", "1,269億", "US$1,269 億", "1,268.6 億", "1269億"]:
        assert ok in forms
    assert "USD 1,270 億" not in forms
    assert "1.27 兆" not in forms
    zh = usd_forms(1.03e12)
    assert "USD 1.03 兆" in zh and "1.03 兆美元" in zh and "10,300 億" in zh


def test_negative_amount_forms_include_magnitude():
    forms = usd_forms(-126_859_600_000)
    assert "USD -1,269 億" in forms and "1,269 億" in forms


def test_percentages_one_decimal_half_up():
    assert pct(88.66) == "88.7%"
    assert pct(88.65) == "88.7%"
    assert signed_pct(88.66) == "+88.7%"
    assert signed_pct(-36.04) == "-36.0%"
    assert signed_pct(0.04) == "0.0%"
    assert "+88.7%" in pct_forms(88.66, signed=True) and "88.7%" in pct_forms(88.66, signed=True)


def test_direction_words():
    assert direction_word(5, "balance") == "擴大"
    assert direction_word(-5, "balance") == "收窄"
    assert direction_word(5) == "增長"
    assert direction_word(-5, "flow") == "減少"
    assert direction_word(0) == "持平"
    assert direction_word(0, "balance") == "持平"


def test_index_display():
    assert index(1183.15) == "1,183"


@given(st.floats(min_value=1e6, max_value=5e13, allow_nan=False))
def test_primary_usd_display_is_first_form_and_close_to_value(v):
    forms = usd_forms(v)
    assert forms[0] == usd(v)
    num, unit = usd(v).removeprefix("USD ").split(" ")
    scale = {"兆": 1e12, "億": 1e8, "萬": 1e4}[unit]
    shown = float(num.replace(",", "")) * scale
    assert math.isclose(shown, v, rel_tol=0.06)


@given(st.floats(min_value=-1e13, max_value=1e13, allow_nan=False), st.integers(min_value=0, max_value=2))
def test_fast_rounding_matches_exact_half_up(x, nd):
    from decimal import ROUND_HALF_UP, Decimal

    from tools.fmt import _num

    exact = Decimal(repr(x)).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)
    assert _num(x, nd) == f"{exact:,.{nd}f}"
