"""World Bank facts from the bundled sample: labelled by year, nulls stay gaps, Taiwan said to be uncovered."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from agent.config import load_settings
from tools.facts.model import Basis
from tools.facts.worldbank_facts import NOT_COVERED_ZH, worldbank_facts
from tools.sources.fetch import fetch_sample
from tools.store import Store


@pytest.fixture(scope="module")
def frame(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("wb")
    store = Store(path)
    fetch_sample(store, load_settings({"AGENT_DATA_DIR": str(path)}), ["worldbank"])
    return store.worldbank_indicators()


def test_each_figure_is_labelled_by_its_year_with_the_shared_formatting(frame: pd.DataFrame) -> None:
    facts = {f.id: f for f in worldbank_facts(frame).facts}
    assert len(facts) == 4 * 5 * 7
    growth = facts["worldbank.CHN.gdp_growth.year.2024_2024"]
    assert growth.period.basis == Basis.YEAR and growth.period.label_zh == "2024 年"
    assert growth.label_zh == "中國實質 GDP 成長率（2024 年）" and growth.display == "+5.0%"
    trade = facts["worldbank.DEU.trade_pct_gdp.year.2023_2023"]
    assert trade.unit == "pct" and not trade.display.startswith("+")
    gdp = facts["worldbank.USA.gdp.year.2024_2024"]
    assert gdp.unit == "USD" and gdp.display.endswith("兆")
    assert gdp.source is not None and gdp.source.vintage == "2026-06-17T05:40:13Z"
    assert gdp.source.dataset == "worldbank.wdi.NY.GDP.MKTP.CD"


def test_a_null_year_is_a_gap_not_a_figure_and_taiwan_is_flagged(frame: pd.DataFrame) -> None:
    gapped = frame.copy()
    hole = (gapped.iso3 == "KOR") & (gapped.indicator == "NY.GDP.MKTP.KD.ZG") & (gapped.year == 2024)
    gapped.loc[hole, "value"] = math.nan
    result = worldbank_facts(gapped)
    assert "worldbank.KOR.gdp_growth.year.2024_2024" not in {f.id for f in result.facts}
    assert "worldbank.KOR.gdp_growth.year.2023_2023" in {f.id for f in result.facts}
    codes = {(f.code, f.subject.get("economy")) for f in result.flags}
    assert ("missing_year", "KOR") in codes and ("not_covered", "TWN") in codes
    assert any(f.message_zh == NOT_COVERED_ZH for f in result.flags)
    assert not any(f.subject.get("economy") == "TWN" for f in result.facts)


def test_years_narrow_the_facts(frame: pd.DataFrame, tmp_path: Path) -> None:
    facts = worldbank_facts(frame, years=(2023, 2024)).facts
    assert {f.period.start for f in facts} == {"2023", "2024"}


def test_the_registered_producer_reads_the_store(tmp_path: Path) -> None:
    from tools.facts.registry import Producers, registered

    store = Store(tmp_path)
    fetch_sample(store, load_settings({"AGENT_DATA_DIR": str(tmp_path)}), ["worldbank"])
    assert "worldbank" in registered()
    result = Producers.from_store(store).get("worldbank").sheet(years=(2024, 2024))
    assert len(result.facts) == 4 * 5 and {f.period.start for f in result.facts} == {"2024"}
