"""Publishing rules on the Markdown itself: markers resolved, removals leave nothing dangling."""

from __future__ import annotations

from pathlib import Path

from agent.review.markers import ANY_MARKER_RE, claim_spans, resolve_claims, strip_markers

FIXTURE = Path(__file__).parent / "fixtures" / "review" / "2026-W07-trade-briefing.md"


def _page() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def test_claim_spans_finds_every_flagged_claim_in_page_order() -> None:
    spans = claim_spans(_page())
    assert list(spans) == ["summary-3f9a1c", "imports-c41e07", "policy-a1d4e2", "policy-e93b70", "watchlist-0c6d58"]
    assert spans["summary-3f9a1c"].endswith("（推測）。")


def test_keeping_everything_only_drops_the_markers() -> None:
    page = _page()
    out = resolve_claims(page, {})
    assert out == strip_markers(page)
    assert not ANY_MARKER_RE.search(out)
    assert "半導體進口增加可能是主要推力（推測）" in out


def test_rejecting_the_only_takeaway_claim_removes_the_empty_block_but_keeps_the_section() -> None:
    out = resolve_claims(_page(), {"summary-3f9a1c": None})
    assert "key-takeaway" not in out
    assert "USD 672 億增長" not in out
    assert "## 摘要" in out  # the unflagged summary paragraph is still there
    assert "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,894 億，較 2024 年 1–11 月收窄 29.9%。" in out


def test_rejecting_a_bullet_removes_the_whole_bullet_and_its_continuation_lines() -> None:
    out = resolve_claims(_page(), {"policy-a1d4e2": None})
    assert "加強對日本出口管制" not in out  # the bold label does not dangle
    assert "依據：" not in out  # nor the indented citation line under it
    assert "### 對日本兩用物項出口管制" not in out  # the subsection became empty
    assert "### 潛在供應鏈影響" in out


def test_rejecting_every_claim_of_a_section_removes_its_headings() -> None:
    out = resolve_claims(_page(), {"policy-a1d4e2": None, "policy-e93b70": None})
    assert "政策更新" not in out
    assert "{: .key-answer data-question=\"本週有哪些重要的貿易政策更新？\"}" not in out
    lines = [line for line in out.splitlines() if line.strip()]
    # no two horizontal rules in a row where the section used to be
    assert all(not (a == "---" and b == "---") for a, b in zip(lines, lines[1:], strict=False))


def test_a_labelled_bullet_goes_but_its_neighbour_stays() -> None:
    out = resolve_claims(_page(), {"watchlist-0c6d58": None})
    assert "德國出口資料覆蓋" not in out
    assert "- **美台逆差追蹤** — 持續關注台灣逆差走勢。" in out
    assert "## 三、觀察清單" in out


def test_removing_a_sentence_inside_a_paragraph_keeps_the_rest_of_the_line() -> None:
    page = "---\ntitle: t\n---\n\n## A\n\n甲句。<!--claim:x-->乙句（推測）。<!--/claim:x--> 丙句。\n"
    out = resolve_claims(page, {"x": None})
    assert "甲句。 丙句。" in out
    assert "## A" in out


def test_replacement_text_takes_the_claims_place() -> None:
    out = resolve_claims(_page(), {"imports-c41e07": "新的句子。"})
    assert "- 新的句子。" in out
    assert "較 2024 年同期收窄" not in out


def test_untouched_parts_of_the_page_are_unchanged_and_front_matter_is_kept() -> None:
    page = _page()
    out = resolve_claims(page, {"watchlist-0c6d58": None})
    assert out.startswith("---\nlayout: default\n")
    table = [line for line in page.splitlines() if line.startswith("| ")]
    assert table and all(line in out.splitlines() for line in table)


def test_orphan_markers_never_survive() -> None:
    out = resolve_claims("text <!--claim:a-->half open\n", {})
    assert not ANY_MARKER_RE.search(out)


DRAFTER_SHAPE = """---
title: t
---

## 摘要
{: .article-summary}

<div class="key-takeaway" markdown="1">
<!--claim:s1-->美國對台灣貿易逆差擴大，可能持續（推測）。<!--/claim:s1-->
</div>

*來源：US Census Bureau*

---

## 二、進口重點

**美國自台灣進口**

<!--claim:p1-->進口可能續增（推測）。<!--/claim:p1-->

*來源：US Census Bureau*

**美國自中國進口**

進口減少。

*來源：US Census Bureau*

### 潛在供應鏈影響

> 以下為推測性分析，不是事實陳述。

<!--claim:i1-->供應鏈可能調整（推測）。<!--/claim:i1-->

---

## 五、觀察清單

1. **追蹤一** — <!--claim:w1-->可能擴大（推測）。<!--/claim:w1-->
   *依據：census*
2. **追蹤二** — 持續觀察。
   *依據：census*
"""


def test_a_removed_paragraph_takes_its_title_and_source_lines_with_it() -> None:
    out = resolve_claims(DRAFTER_SHAPE, {"p1": None})
    assert "美國自台灣進口" not in out
    assert out.count("*來源：US Census Bureau*") == 2  # the neighbours keep theirs
    assert "**美國自中國進口**\n\n進口減少。\n\n*來源：US Census Bureau*" in out


def test_a_removed_takeaway_block_takes_its_source_line_and_an_emptied_section_goes() -> None:
    out = resolve_claims(DRAFTER_SHAPE, {"s1": None})
    assert "## 摘要" not in out and "key-takeaway" not in out
    assert out.count("*來源：US Census Bureau*") == 2


def test_a_section_left_with_only_its_caveat_note_is_removed() -> None:
    out = resolve_claims(DRAFTER_SHAPE, {"i1": None})
    assert "潛在供應鏈影響" not in out and "以下為推測性分析" not in out
    assert "## 二、進口重點" in out


def test_a_removed_numbered_watch_item_leaves_the_other_items() -> None:
    out = resolve_claims(DRAFTER_SHAPE, {"w1": None})
    assert "追蹤一" not in out and "依據：census" in out
    assert "2. **追蹤二** — 持續觀察。" in out


def test_removal_can_never_fuse_numbers_into_a_new_one() -> None:
    from agent.review.publish import new_numbers

    draft = "價值 12<!--claim:x-->，另有<!--/claim:x-->34 億。\n"
    published = resolve_claims(draft, {"x": None})
    assert new_numbers(published, draft, []) != []  # "12" + "34 億" would read as a new amount
    assert new_numbers(strip_markers(draft), draft, []) == []
    assert new_numbers("USD 1,894 億", draft, ["USD 1,894 億"]) == []
