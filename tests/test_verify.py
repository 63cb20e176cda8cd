"""The verifier refuses every number, period, direction and script a cited fact does not vouch for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.verify import (
    check_directions,
    check_sentence,
    check_text,
    find_speculative,
    has_simplified,
    number_tokens,
    render_refs,
    tag_speculative,
    to_traditional,
)
from tools.facts.model import Basis, Fact, Period, SourceRef
from tools.fmt import usd, usd_forms

SRC = SourceRef(dataset="census.test", url="https://example.test/q", fetched_at=datetime(2026, 2, 13, tzinfo=UTC),
                vintage="v1")
YTD25 = Period(start="2025-01", end="2025-11", basis=Basis.YTD, label_zh="2025 年 1–11 月")
YTD24 = Period(start="2024-01", end="2024-11", basis=Basis.YTD, label_zh="2024 年 1–11 月")

DEFICIT = Fact(id="census.5830.balance.ytd.2025-01_2025-11", kind="balance", value=-126_859_600_000, unit="USD",
               period=YTD25, subject={"reporter": "842", "partner": "5830", "partner_name": "台灣"},
               label_zh="美國對台灣貿易逆差", display="USD 1,269 億",
               displays=["USD 1,269 億", "1,269 億美元", "USD 1,268.6 億"], sources=[SRC])
DEFICIT_BASE = Fact(id="census.5830.balance.ytd.2024-01_2024-11", kind="balance", value=-67_233_300_000, unit="USD",
                    period=YTD24, subject={"reporter": "842", "partner": "5830"}, label_zh="美國對台灣貿易逆差",
                    display="USD 672 億", displays=["USD 672 億"], sources=[SRC])
YOY = Fact(id="census.5830.balance.yoy.2025-01_2025-11", kind="yoy", value=88.686, unit="pct", period=YTD25,
           subject={"reporter": "842", "partner": "5830"}, label_zh="美國對台灣貿易逆差年增率",
           display="+88.7%", displays=["+88.7%", "88.7%"], direction="up",
           compares=[DEFICIT.id, DEFICIT_BASE.id], sources=[SRC])
CN_YOY = Fact(id="census.5700.balance.yoy.2025-01_2025-11", kind="yoy", value=-34.9, unit="pct", period=YTD25,
              subject={"reporter": "842", "partner": "5700"}, label_zh="美國對中國貿易逆差年增率",
              display="-34.9%", displays=["-34.9%", "34.9%"], direction="down", sources=[SRC])
EXTREME = Fact(id="census.5830.balance.max_deficit.2024-01_2025-11", kind="monthly_extreme", value=-17_420_700_000,
               unit="USD", period=Period(start="2024-01", end="2025-11", basis=Basis.WINDOW,
                                         label_zh="2024 年 1 月至 2025 年 11 月"),
               subject={"reporter": "842", "partner": "5830", "month": "2025-10"},
               label_zh="單月最大逆差", display="USD 174 億", displays=["USD 174 億"], sources=[SRC])
FACTS = [DEFICIT, DEFICIT_BASE, YOY]
GOOD = "美國對台灣貿易逆差 2025 年 1–11 月為 USD 1,269 億，較 2024 年同期的 USD 672 億擴大 88.7%。"


def test_tokens_keep_one_quantity_together() -> None:
    kinds = [(t.kind, t.text) for t in number_tokens("2025 年 1–11 月 USD 1,269 億，88.7%，2024-01，2023-2024 年")]
    assert kinds == [("month_range", "2025 年 1–11 月"), ("amount", "USD 1,269 億"), ("amount", "88.7%"),
                     ("month", "2024-01"), ("year_range", "2023-2024 年")]


def test_correct_sentence_passes() -> None:
    assert check_text(GOOD, FACTS) == []
    assert check_sentence(GOOD, FACTS) == []


@pytest.mark.parametrize("bad", [
    "逆差為 USD 1,270 億。",            # invented (off by one)
    "逆差為 USD 1,269 萬。",            # right digits, wrong unit
    "逆差擴大 72%。",                   # the apples-to-oranges figure
    "逆差為 USD 126.9B。",              # disguised amount
    "逆差約一千二百億美元。",            # Chinese numerals
    "逆差增加三成。",
    "2023-2024 年逆差 USD 1,269 億。",   # two years summed under one label
    "2025 年 1–12 月逆差 USD 1,269 億。",
    "2025 年 12 月逆差 USD 1,269 億。",
])
def test_unbacked_numbers_fail(bad: str) -> None:
    assert check_text(bad, FACTS), bad


def test_bare_year_for_year_to_date_figure_fails_but_same_period_phrase_passes() -> None:
    problems = check_text("2025 年美國對台灣逆差 USD 1,269 億。", FACTS)
    assert any("2025 年" in p for p in problems)
    assert check_text("2025 全年逆差 USD 1,269 億。", FACTS)
    assert check_text("較 2024 年同期擴大 88.7%。", FACTS) == []


def test_number_without_citation_fails() -> None:
    assert check_text(GOOD, []) != []


def test_fact_refs_render_and_must_be_cited() -> None:
    text = "逆差 {{F:census.5830.balance.ytd.2025-01_2025-11}}，擴大 {{F:census.5830.balance.yoy.2025-01_2025-11}}。"
    assert check_text(text, FACTS) == []
    assert render_refs(text, FACTS) == "逆差 USD 1,269 億，擴大 +88.7%。"
    assert any("census.9999" in p for p in check_text("逆差 {{F:census.9999.x}}。", FACTS))


def test_dates_must_belong_to_a_cited_doc_or_fact() -> None:
    text = "商務部於 2026-01-06（2026 年 1 月 6 日）公告。"
    assert check_text(text, [], doc_dates=["2026-01-06"]) == []
    assert check_text(text, [], doc_dates=["2025-11-08"]) != []
    assert check_text("2025 年 10 月單月逆差 USD 174 億。", [EXTREME]) == []
    assert check_text("2025 年 9 月單月逆差 USD 174 億。", [EXTREME]) != []


def test_direction_words_must_match_the_change() -> None:
    assert check_directions("逆差擴大 88.7%。", [YOY]) == []
    assert check_directions("逆差收窄 88.7%。", [YOY])
    assert check_directions("對台逆差擴大 88.7%，對中逆差收窄 34.9%。", [YOY, CN_YOY]) == []
    assert check_directions("對台逆差收窄 88.7%，對中逆差擴大 34.9%。", [YOY, CN_YOY])
    assert check_directions("逆差明顯下降。", [YOY])


def test_speculation_is_detected_and_tagged_once() -> None:
    assert find_speculative("日本對中出口恐面臨對等措施") == ["恐"]
    assert find_speculative("原材料與資料顯示恐怖攻擊") == []
    assert find_speculative("預計明年將持續") == ["預計"]
    tagged = tag_speculative("供應鏈可能調整。")
    assert tagged == "供應鏈可能調整（推測）。"
    assert tag_speculative(tagged) == tagged


def test_simplified_is_detected_and_converted() -> None:
    assert has_simplified("美国对台湾贸易逆差扩大")
    assert not has_simplified("美國對台灣貿易逆差擴大，占比下降，布魯塞爾磋商")
    assert to_traditional("美国对台湾贸易逆差扩大，信息") == "美國對台灣貿易逆差擴大，資訊"
    assert any("簡體" in p for p in check_sentence("美国对台湾逆差 USD 1,269 億。", FACTS))


def test_subject_swaps_are_caught() -> None:
    # the small model keeps the figure but calls the deficit "exports"
    problems = check_sentence("2025 年 1–11 月美國對台灣出口為 USD 1,269 億。", [DEFICIT])
    assert any("逆差" in p for p in problems)
    assert any("台灣" in p for p in check_sentence("2025 年 1–11 月美國對日本貿易逆差為 USD 1,269 億。", [DEFICIT]))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=10**9, max_value=9 * 10**12))
def test_any_amount_passes_in_its_own_display_and_fails_when_off_by_one_unit(value: int) -> None:
    fact = DEFICIT.model_copy(update={"value": float(value), "display": usd(value), "displays": usd_forms(value)})
    assert check_text(f"2025 年 1–11 月逆差為 {usd(value)}。", [fact]) == []
    number, unit = usd(value).removeprefix("USD ").rsplit(" ", 1)
    digits = number.replace(",", "")
    bumped = f"{float(digits) + (1 if '.' not in digits else 0.01):,.{len(digits.split('.')[1]) if '.' in digits else 0}f}"
    assert check_text(f"2025 年 1–11 月逆差為 USD {bumped} {unit}。", [fact]) != []


def test_simplified_detection_flags_what_s2tw_converts_and_nothing_taiwan_writes() -> None:
    import opencc

    from agent.verify.script import _SHARED, simplified_chars

    s2tw = opencc.OpenCC("s2tw")
    block = "".join(chr(i) for i in range(0x4E00, 0xA000))
    assert simplified_chars(block) == [c for c in block if c not in _SHARED and s2tw.convert(c) != c]
    assert simplified_chars("台灣占比布魯塞爾硅谷") == []


def _page_and_fact_strings() -> list[str]:
    """Every line of the golden page, every display and label of a bundled fact sheet, and hostile odds."""
    import json
    from pathlib import Path

    root = Path(__file__).parent
    texts = (root / "data" / "golden" / "2026-W07-trade-briefing.md").read_text(encoding="utf-8").splitlines()
    sheet = json.loads((root / "fixtures" / "narrator_factsheet_2026-W07.json").read_text(encoding="utf-8"))
    for fact in sheet["facts"]:
        texts += [fact.get("display", ""), fact.get("label_zh", ""), *fact.get("displays", [])]
    texts += ["逾百家企業", "貳拾億", "½ 成", "nine hundred billion dollars", "ⅩⅤ%", "３Ａ０９０", "第 7 週", "W07",
              "二〇二五年", "百分之三十", "十分重要", "2025年1月至11月", "USD１２６.９億", "126.9B", "一〇五"]
    return [t for t in texts if t]


@given(st.text(alphabet="0123456789０１２３億萬十百千一二〇年月日週W-–.,% USDabcⅫ½第至", max_size=24))
@settings(max_examples=300, deadline=None)
def test_skipping_patterns_that_cannot_match_finds_the_same_tokens_on_random_text(text: str) -> None:
    _assert_gate_changes_nothing([text])


def test_skipping_patterns_that_cannot_match_finds_the_same_tokens_on_real_pages() -> None:
    _assert_gate_changes_nothing(_page_and_fact_strings())


def _assert_gate_changes_nothing(texts: list[str]) -> None:
    import re

    from agent.verify import tokens

    gated = [tokens._scan(t) for t in texts]
    saved = tokens._NEEDS
    tokens._NEEDS = [re.compile("")] * len(saved)  # every pattern runs on every text
    try:
        full = [tokens._scan(t) for t in texts]
    finally:
        tokens._NEEDS = saved
    assert gated == full


def _assert_joined_pass_finds_each_texts_tokens(texts: list[str]) -> None:
    from agent.verify import tokens

    one_by_one = [tok for t in dict.fromkeys(texts) if t for tok in tokens._scan(t)]
    tokens._CACHE.clear()  # every text new: all of them go through the joined pass
    assert tokens.tokens_of_all(texts) == one_by_one
    assert tokens.tokens_of_all(texts) == one_by_one  # and read back from what was remembered


@given(st.lists(st.text(alphabet="0123456789０１２億萬十百千一二〇年月日週W-–.,% USDabcⅫ½第至nine hundred\t",
                        max_size=16), max_size=8))
@settings(max_examples=300, deadline=None)
def test_one_pass_over_many_texts_finds_what_each_text_holds_on_random_text(texts: list[str]) -> None:
    """The page trace tokenises all display forms in one pass: no token may span two of them, vanish at
    a join or change kind there (a year at one text's end must not read as a range with the next's)."""
    _assert_joined_pass_finds_each_texts_tokens(texts)


def test_one_pass_over_many_texts_finds_what_each_text_holds_on_real_pages() -> None:
    texts = _page_and_fact_strings()
    _assert_joined_pass_finds_each_texts_tokens(texts)
    _assert_joined_pass_finds_each_texts_tokens(["2025", "–2026 年", "USD 12", "億", "nine", "hundred", "-", "5%"])
