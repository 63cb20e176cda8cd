"""Facts from the World Bank indicators: GDP growth, trade % of GDP, GDP, current account, by year.

Keys: ``FactKey(source='worldbank', reporter=ISO3, measure=gdp_growth | trade_pct_gdp | gdp |
current_account, basis=year, start=end=YYYY)``. There is deliberately no "latest" fact: a macro figure is always labelled by
its own year (an annual 2024 figure beside January 2026 trade must say 2024).

A year the World Bank did not publish (``null``) yields no fact and a ``missing_year`` flag;
Taiwan yields a ``not_covered`` flag, never a figure borrowed from elsewhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tools.countries import name_zh
from tools.facts import make
from tools.facts.key import Basis, FactKey
from tools.facts.model import Fact, QualityFlag, SourceRef

#: indicator code → (measure key, zh-Hant label, unit)
MEASURES: dict[str, tuple[str, str, str]] = {
    "NY.GDP.MKTP.KD.ZG": ("gdp_growth", "實質 GDP 成長率", "pct"),
    "NE.TRD.GNFS.ZS": ("trade_pct_gdp", "貿易占 GDP 比重", "pct"),
    "NY.GDP.MKTP.CD": ("gdp", "名目 GDP", "USD"),
    "BN.CAB.XOKA.CD": ("current_account", "經常帳餘額", "USD"),
}
#: ISO3 → Comtrade code, for the zh-Hant names the rest of the product uses.
ECONOMY_CODES = {"USA": 842, "CHN": 156, "JPN": 392, "KOR": 410, "DEU": 276}
NOT_COVERED_ZH = "世界銀行未涵蓋台灣，本報告不列台灣的總體指標"


@dataclass
class WorldBankResult:
    facts: list[Fact] = field(default_factory=list)
    flags: list[QualityFlag] = field(default_factory=list)


def fact_key(iso3: str, measure: str, year: int) -> FactKey:
    return FactKey(source="worldbank", reporter=iso3, measure=measure, basis=Basis.YEAR, start=str(year),
                   end=str(year))


def economy_zh(iso3: str, fallback: str = "") -> str:
    code = ECONOMY_CODES.get(iso3)
    return name_zh(code, fallback=fallback or iso3) if code is not None else (fallback or iso3)


def worldbank_facts(df: pd.DataFrame, years: tuple[int, int] | None = None) -> WorldBankResult:
    """One fact per (economy, indicator, year) in ``years`` (inclusive) that the World Bank published."""
    out = WorldBankResult()
    for row in df.itertuples(index=False):
        if row.indicator not in MEASURES or (years and not years[0] <= int(row.year) <= years[1]):
            continue
        measure, label, unit = MEASURES[row.indicator]
        iso3, year = str(row.iso3), int(row.year)
        who = economy_zh(iso3, str(row.country_name))
        if row.value is None or (isinstance(row.value, float) and math.isnan(row.value)):
            out.flags.append(QualityFlag(
                code="missing_year", severity="info", message_zh=f"世界銀行尚未公布{who} {year} 年{label}",
                subject={"scheme": "worldbank", "economy": iso3, "indicator": str(row.indicator), "year": str(year)},
            ))
            continue
        common: dict[str, Any] = dict(
            key=fact_key(iso3, measure, year), kind=measure, value=float(row.value),
            period=make.year_period(year),
            subject={"scheme": "worldbank", "economy": iso3, "economy_name": who, "indicator": str(row.indicator),
                     "year": str(year)},
            label_zh=f"{who}{label}（{year} 年）",
            sources=[SourceRef(dataset=f"worldbank.wdi.{row.indicator}", url=str(row.source_url),
                               fetched_at=row.fetched_at, vintage=str(row.vintage), synthetic=bool(row.synthetic))],
        )
        if unit == "pct":
            out.facts.append(make.pct_fact(signed=measure == "gdp_growth", **common))
        else:
            out.facts.append(make.usd_fact(**common))
    out.flags.append(QualityFlag(code="not_covered", severity="info", message_zh=NOT_COVERED_ZH,
                                 subject={"scheme": "worldbank", "economy": "TWN"}))
    return out


def latest_year(df: pd.DataFrame, indicator: str, iso3: str) -> int | None:
    """The newest year with a published value (None when the economy has none)."""
    part = df[(df["indicator"] == indicator) & (df["iso3"] == iso3) & df["value"].notna()]
    return int(part["year"].max()) if not part.empty else None
