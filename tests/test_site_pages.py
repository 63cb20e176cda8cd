"""What goes on the site and how a page is made safe for Jekyll (no Ruby needed)."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from agent.site.charts import _checked, hhi_chart
from agent.site.pages import index_page, page_url, sections, site_page
from tools.errors import VerificationError
from tools.facts.model import Fact

FIXTURES = Path(__file__).parent / "fixtures"
PUBLISHED = """---
layout: default
title: 2026 年第 07 週
parent: 貿易動態週報
nav_order: 1
date: '2026-02-14'
published_at: '2026-02-15T10:00:00+00:00'
reviewed_by:
- ann
---
# 貿易動態簡報

標題「{{ site.title }}」與 {% include secret.html %} 是抓取文字。

{% include report-nav.html prev="/Narrator/trade_briefing/2026-W06-trade-briefing/" prev_title="2026 年第 06 週" next="/Narrator/trade_briefing/2026-W08-trade-briefing/" next_title="2026 年第 08 週" %}
"""


def test_a_draft_is_never_a_site_page() -> None:
    draft = PUBLISHED.replace("published_at: '2026-02-15T10:00:00+00:00'\n", "")
    assert site_page(PurePosixPath("Narrator/trade_briefing/2026-W07-trade-briefing.md"), draft) is None


def test_a_published_page_keeps_the_url_its_links_expect_and_its_liquid_is_switched_off() -> None:
    page = site_page(PurePosixPath("Narrator/trade_briefing/published/2026-W07-trade-briefing.md"), PUBLISHED)
    assert page is not None
    assert page.url == "/Narrator/trade_briefing/2026-W07-trade-briefing/"
    assert page.front["permalink"] == page.url and page.front["render_with_liquid"] is False
    assert page.front["report_nav"] == {"prev": "/Narrator/trade_briefing/2026-W06-trade-briefing/",
                                        "prev_title": "2026 年第 06 週",
                                        "next": "/Narrator/trade_briefing/2026-W08-trade-briefing/",
                                        "next_title": "2026 年第 08 週"}
    assert "report-nav.html" not in page.body
    # Scraped Liquid stays in the text, to be shown as written.
    assert "{{ site.title }}" in page.body and "{% include secret.html %}" in page.body


def test_sections_follow_parent_and_nav_order_and_the_index_escapes_titles() -> None:
    weekly = site_page(PurePosixPath("Narrator/trade_briefing/2026-W07-trade-briefing.md"), PUBLISHED)
    monthly = site_page(PurePosixPath("Narrator/supply_chain_analysis/2026-01-supply-chain-analysis.md"),
                        PUBLISHED.replace("parent: 貿易動態週報", "parent: 供應鏈月報").replace("nav_order: 1", "nav_order: 2")
                        .replace("title: 2026 年第 07 週", "title: <b>2026 年 1 月</b>"))
    assert weekly and monthly
    secs = sections([monthly, weekly])
    assert [s.title for s in secs] == ["貿易動態週報", "供應鏈月報"]
    assert secs[1].url == "/Narrator/supply_chain_analysis/"
    index = index_page(secs)
    assert "&lt;b&gt;2026 年 1 月&lt;/b&gt;" in index and "<b>" not in index
    assert "render_with_liquid: false" in index


def test_page_url_drops_only_the_old_published_folder() -> None:
    assert page_url(PurePosixPath("Narrator/x/published/a.md")) == "/Narrator/x/a/"
    assert page_url(PurePosixPath("Narrator/x/a.md")) == "/Narrator/x/a/"


def _hhi_facts() -> list[Fact]:
    raw = json.loads((FIXTURES / "narrator_factsheet_2026-W07.json").read_text(encoding="utf-8"))
    facts = raw["facts"].values() if isinstance(raw["facts"], dict) else raw["facts"]
    return [Fact.model_validate(f) for f in facts if f["kind"] == "hhi"]


def test_the_hhi_chart_says_only_numbers_of_the_facts_it_draws() -> None:
    facts = _hhi_facts()
    chart = hhi_chart(facts)
    assert chart is not None
    assert set(chart.ref.fact_ids) == {f.id for f in facts}
    assert all(f.display in chart.ref.labels for f in facts)
    assert "2024 年" in chart.ref.caption and "單一年度" in chart.ref.caption
    assert chart.ref.file == "charts/export-hhi.svg"
    bad = type(chart)(chart.ref.model_copy(update={"labels": [*chart.ref.labels, "1,234"]}), chart.style,
                      chart.y_label, chart.series, chart.facts)
    with pytest.raises(VerificationError, match="1,234"):
        _checked(bad)


def _contribution(hs: str, name: str, value: float, display: str) -> Fact:
    from tools.facts.model import Basis, Period

    return Fact(id=f"census.5830.imports.hs{hs}.contribution.2025-01_2025-11", kind="contribution", value=value,
                unit="USD", period=Period(start="2025-01", end="2025-11", basis=Basis.YTD, label_zh="2025 年 1–11 月"),
                subject={"partner": "5830", "hs": hs, "hs_name": name, "change_label": "美國自台灣進口增加"},
                label_zh=f"HS {hs} 對美國自台灣進口變動的貢獻", display=display, displays=[display])


def test_hs_contributions_are_drawn_largest_first_from_contribution_facts() -> None:
    from agent.site.charts import contribution_chart

    facts = [_contribution("84", "HS 84 機械", 2.1e10, "USD 210 億"),
             _contribution("85", "HS 85 電機", 6.3e10, "USD 630 億"),
             _contribution("90", "HS 90 光學儀器", -1.2e9, "USD -12 億")]
    chart = contribution_chart(facts)
    assert chart is not None and chart.style == "hbars"
    assert [p[0] for p in chart.series[0].points] == ["HS 85 電機", "HS 84 機械", "HS 90 光學儀器"]
    assert "2025 年 1–11 月" in chart.ref.caption and set(chart.ref.fact_ids) == {f.id for f in facts}
    assert contribution_chart([]) is None


def test_an_unreadable_page_is_named_not_silently_dropped(tmp_path: Path) -> None:
    from agent.site.build import published_pages

    docs = tmp_path / "docs" / "Narrator" / "trade_briefing"
    docs.mkdir(parents=True)
    (docs / "2026-W07-trade-briefing.md").write_text(PUBLISHED, encoding="utf-8")
    (docs / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    (docs / "draft.md").write_text(PUBLISHED.replace("published_at", "drafted_at"), encoding="utf-8")
    skipped: list[str] = []
    found = published_pages(tmp_path, skipped)
    assert [p.url for _, p in found] == ["/Narrator/trade_briefing/2026-W07-trade-briefing/"]
    assert len(skipped) == 1 and "broken.md" in skipped[0]


def test_a_build_never_empties_a_folder_it_did_not_make(tmp_path: Path) -> None:
    from agent.site.build import MARKER, check_out_dir
    from tools.errors import InputError

    source = tmp_path / "site"
    (source / "docs").mkdir(parents=True)
    with pytest.raises(InputError, match="holds the site source"):
        check_out_dir(source, tmp_path)
    with pytest.raises(InputError, match="holds the site source"):
        check_out_dir(source, source)
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        check_out_dir(source, other)
    (other / MARKER).write_text("", encoding="utf-8")
    check_out_dir(source, other)  # an earlier build may be replaced
    check_out_dir(source, source / "_site")  # the default, inside the source, is fine


def test_a_figure_cannot_open_markup_from_the_names_it_quotes() -> None:
    from agent.sidecar import ChartRef
    from agent.site.attach import figure_markdown

    ref = ChartRef(id="x", kind="hhi", file="charts/x.svg", title="t", alt="圖](javascript:alert(1)) {{ site.title }}",
                   caption="名稱 <script>|{% raw %}", fact_ids=[], labels=[])
    figure = figure_markdown(ref)
    assert figure.count("](") == 1 and figure.startswith("![") and "](charts/x.svg)" in figure
    assert "{{" not in figure and "{%" not in figure and "<script>" not in figure and "|" not in figure


def test_the_hhi_history_a_chart_draws_is_what_the_fact_engine_makes_for_each_year(tmp_path: Path) -> None:
    """Charts take HHI facts the sheet already holds instead of making them again; each must still be the
    fact a lookup makes for that economy and year, and no year the store holds may go missing."""
    from agent.chat.lookup import Lookup
    from agent.config import load_settings
    from agent.site.chart_facts import _reporters, chart_facts
    from tools.facts.build import build_fact_sheet
    from tools.sources.fetch import fetch_sample
    from tools.store import Store

    store = Store(tmp_path)
    fetch_sample(store, load_settings({}), ["census", "comtrade"])
    sheet = build_fact_sheet(store, "2026-W07")
    drawn = {f.id: f.model_dump() for f in chart_facts(store, sheet).hhi}
    empty = sheet.model_copy(update={"facts": []})  # a lookup that cannot borrow from the sheet
    lookup = Lookup(census=store.census_monthly().iloc[0:0], comtrade=store.comtrade_annual(), sheet=empty)
    made = {}
    reporters = _reporters(sheet)
    assert set(reporters) == {842, 156, 392, 410, 276, 490}
    for reporter, name in reporters.items():
        for year in lookup.comtrade_years(reporter):
            facts = lookup.comtrade_facts(reporter, "X", year, name, {})
            if facts and "hhi" in facts:
                made[facts["hhi"].id] = facts["hhi"].model_dump()
    assert len(made) >= 12 and drawn.keys() == made.keys()
    assert drawn == made


def test_the_contribution_chart_draws_one_partners_change_under_its_caption(tmp_path: Path) -> None:
    """Every partner's chapters under "美國自台灣進口增減" misnamed most bars: the chart shows the lead story's
    partner only (the one the import section explains first), and refuses to mix changes it is handed."""
    from agent.config import load_settings
    from agent.site.chart_facts import chart_facts
    from agent.site.charts import contribution_chart
    from tools.facts.build import build_fact_sheet
    from tools.sources.fetch import fetch_sample
    from tools.store import Store

    store = Store(tmp_path)
    fetch_sample(store, load_settings({}), ["census", "comtrade"])
    sheet = build_fact_sheet(store, "2026-W07")
    every = [f for f in sheet.facts if f.kind == "contribution"]
    assert len({f.subject["partner"] for f in every}) > 1  # the sheet explains several partners
    drawn = chart_facts(store, sheet).contributions
    assert {(f.subject["partner"], f.subject["flow"]) for f in drawn} == {("5830", "imports")}
    chart = contribution_chart(every)
    assert chart is not None
    partner = every[0].subject["partner_name"]
    assert {f.subject["partner"] for f in chart.facts} == {every[0].subject["partner"]}
    assert f"美國自{partner}進口增減" in chart.ref.caption
