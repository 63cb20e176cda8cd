"""Monthly supply-chain analysis sections from the bundled sample: every figure is a fact's display."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from agent.config import load_settings
from agent.reports.build import month_week, supply_chain_inputs
from agent.reports.policy_tracker import Month
from agent.reports.supply_chain import SupplyChainInputs, file_name, render, sections
from tools.sources.fetch import fetch_sample
from tools.store import Store


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> SupplyChainInputs:
    path = tmp_path_factory.mktemp("supply")
    settings = load_settings({"AGENT_DATA_DIR": str(path)})
    fetch_sample(Store(path), settings)
    return supply_chain_inputs(settings, Month.parse("2026-01"))


def test_january_2026_sees_the_census_months_released_by_its_end(inputs: SupplyChainInputs) -> None:
    assert month_week(Month.parse("2026-01")) == "2026-W05"
    trade = sections(inputs)[0]
    assert trade.lines[0].startswith("資料至 2025 年 11 月")
    taiwan = next(line for line in trade.lines if line.startswith("| 台灣"))
    facts = inputs.sheet.by_id()
    assert f"逆差 {facts['census.5830.balance.ytd.2025-01_2025-11'].display}" in taiwan
    assert facts["census.5830.balance.yoy.2025-01_2025-11"].display == "+88.7%" and "+88.7%" in taiwan
    assert "census.5830.balance.3m.2025-09_2025-11" in trade.fact_ids


def test_three_month_trend_is_a_derived_fact_with_its_inputs(inputs: SupplyChainInputs) -> None:
    sections(inputs)
    extra = {f.id: f for f in inputs.extra}
    change = extra["census.5830.balance.3m_change.2025-09_2025-11"]
    cur, prev = (extra[i] for i in change.derived_from)
    assert cur.value is not None and prev.value is not None and change.value is not None
    assert abs(change.value - (abs(cur.value) - abs(prev.value)) / abs(prev.value) * 100) < 1e-9
    census = inputs.census
    assert census is not None
    months = census[(census.cty_code == "5830") & census.period.between("2025-09", "2025-11")]
    assert abs(cur.value - float((months.exports_usd - months.imports_usd).sum())) < 1


def test_macro_context_is_labelled_by_year_and_taiwan_is_said_to_be_uncovered(inputs: SupplyChainInputs) -> None:
    macro = next(s for s in sections(inputs) if s.heading.startswith("總體經濟背景"))
    assert "GDP 成長率 2024 年" in macro.lines[0] and "worldbank.CHN.gdp_growth.year.2024_2024" in macro.fact_ids
    assert any("世界銀行未涵蓋台灣" in line for line in macro.lines)
    assert not any(line.startswith("| 台灣") for line in macro.lines)


def test_every_figure_in_a_table_row_is_a_cited_fact_display(inputs: SupplyChainInputs) -> None:
    facts = {**inputs.sheet.by_id(), **{f.id: f for f in inputs.worldbank.facts}}
    for section in sections(inputs):
        facts.update({f.id: f for f in inputs.extra})
        shown = {facts[i].display for i in section.fact_ids if i in facts}
        for line in section.lines:
            if not line.startswith("| ") or line.startswith("| 夥伴") or line.startswith("| 經濟體"):
                continue
            for cell in line.strip("| ").split(" | ")[1:]:
                cell = re.sub(r"^(逆差|順差) ", "", cell).split("（")[0]
                assert cell in shown or cell in {"—", "低", "中", "高"}, (section.heading, cell)


def test_policy_developments_come_from_both_sources(tmp_path: Path, inputs: SupplyChainInputs) -> None:
    october = SupplyChainInputs(month=Month.parse("2025-10"), sheet=inputs.sheet, census=inputs.census,
                                worldbank=inputs.worldbank, docs=inputs.docs)
    policy = next(s for s in sections(october) if s.heading.endswith("政策動態"))
    assert {"mofcom-1175", "mofcom-1176", "fr-2025-19508"} <= set(policy.doc_ids)
    assert "mofcom-1172" not in policy.doc_ids  # the spokesperson answer explains, it is not a measure


def test_commodity_section_says_when_no_hs_detail_is_stored(inputs: SupplyChainInputs) -> None:
    commodity = next(s for s in sections(inputs) if s.heading.startswith("商品結構"))
    assert "本期無 HS 細項資料" in commodity.lines[0]


def test_page_front_matter_and_file_name(inputs: SupplyChainInputs) -> None:
    page = render(inputs, date(2026, 12, 2))
    assert "parent: 供應鏈分析報告" in page and page.startswith("---\nlayout: default\n")
    assert file_name(Month.parse("2026-01")) == "2026-01-supply-chain-analysis.md"


def test_hs2_structure_when_detail_is_stored(inputs: SupplyChainInputs) -> None:
    """A hand-made HS2 frame (test data, not a capture): top chapters with their share of the month's imports."""
    import pandas as pd

    from tools.facts.monthly_facts import hs_facts

    census = inputs.census
    assert census is not None
    total = float(census[(census.cty_code == "5830") & (census.period == "2025-11")]["imports_usd"].iloc[0])
    hs = pd.DataFrame([
        {"comm_lvl": "HS2", "flow": "imports", "commodity": c, "cty_code": "5830", "period": "2025-11", "value_usd": v}
        for c, v in (("84", total * 0.5), ("85", total * 0.3), ("90", total * 0.05))
    ])
    facts = {f.id: f for f in hs_facts(hs, census, inputs.sheet, top=2)}
    value_84, share_84 = "census.5830.hs84.imports.month.2025-11_2025-11", "census.5830.hs84.imports.share.2025-11_2025-11"
    assert set(facts) == {value_84, share_84, "census.5830.hs85.imports.month.2025-11_2025-11",
                          "census.5830.hs85.imports.share.2025-11_2025-11"}
    assert facts[share_84].display == "50.0%"
    with_hs = SupplyChainInputs(month=inputs.month, sheet=inputs.sheet, census=census, worldbank=inputs.worldbank,
                                extra=list(facts.values()))
    section = next(s for s in sections(with_hs) if s.heading.startswith("商品結構"))
    assert section.lines == [f"- 台灣：HS84 {facts[value_84].display}（50.0%）；"
                             f"HS85 {facts['census.5830.hs85.imports.month.2025-11_2025-11'].display}（30.0%）"]
