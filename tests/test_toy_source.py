"""A new source plugs in without touching agent/: a toy client parses a recorded answer, a toy producer
registered in this file makes facts, and the week's sheet and on-demand lookups include them.

The toy answer below is SYNTHETIC (invented for the test; its facts say so through the source ref).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from test_facts_helpers import FakeStore, taiwan_census

from tools.facts import make
from tools.facts.build import build_fact_sheet
from tools.facts.key import FactKey
from tools.facts.model import Basis
from tools.facts.registry import Produced, Producers, StoreTables, register, unregister

RECORDED = json.dumps({"indicator": "NE.EXP.GNFS.ZS", "country": "TWN",
                       "data": [{"year": 2023, "value": 61.2}, {"year": 2024, "value": 64.9}]}).encode()
URL = "https://toy.example/v2/country/TWN/indicator/NE.EXP.GNFS.ZS?format=json"


@dataclass(frozen=True)
class ToyRow:
    country: str
    year: int
    value: float


def toy_parse(body: bytes) -> list[ToyRow]:
    """The toy client's parser: the wire format into rows (what tools/sources/<name>.py would do)."""
    doc = json.loads(body)
    return [ToyRow(doc["country"], int(d["year"]), float(d["value"])) for d in doc["data"]]


class ToyStore(FakeStore):
    def toy_rows(self) -> list[ToyRow]:
        return toy_parse(RECORDED)


class ToyProducer:
    source = "toy"

    def __init__(self, tables: StoreTables) -> None:
        reader = getattr(tables.store, "toy_rows", None)
        self.rows = reader() if reader else []

    def share(self, year: int) -> object:
        row = next((r for r in self.rows if r.year == year), None)
        if row is None:
            return None
        ref = make.source_ref("toy", URL, datetime(2026, 2, 13, tzinfo=UTC), "t1", True, dataset="toy.indicator",
                              window=str(year), reporter=row.country)
        return make.pct_fact(key=FactKey(source="toy", reporter=row.country, measure="exports_gdp",
                                         basis=Basis.YEAR, start=str(year), end=str(year)),
                             kind="share", value=row.value, period=make.year_period(year), sources=[ref],
                             label_zh="台灣出口占 GDP 比重（合成）")

    def week(self, week: object) -> Produced:
        latest = max(r.year for r in self.rows) if self.rows else None
        if latest is None:
            return Produced()
        return Produced(facts=[self.share(latest)], cutoff={"toy": str(latest)})  # type: ignore[list-item]


@pytest.fixture
def toy_registered() -> Iterator[None]:
    register("toy")(ToyProducer)
    try:
        yield
    finally:
        unregister("toy")


def test_a_registered_toy_source_appears_in_the_week_and_on_demand(toy_registered: None) -> None:
    store = ToyStore(census=taiwan_census())
    sheet = build_fact_sheet(store, "2026-W07")
    toy = sheet.find(source="toy")
    assert [f.display for f in toy] == ["64.9%"] and sheet.data_cutoff["toy"] == "2024"
    assert toy[0].id == "toy.TWN.exports_gdp.year.2024_2024" and toy[0].sources[0].synthetic
    asked = Producers.from_store(store, sheet).get("toy").share(2023)
    assert asked.display == "61.2%"


def test_without_the_toy_producer_the_sheet_is_as_before() -> None:
    sheet = build_fact_sheet(ToyStore(census=taiwan_census()), "2026-W07")
    assert sheet.find(source="toy") == [] and "toy" not in sheet.data_cutoff
