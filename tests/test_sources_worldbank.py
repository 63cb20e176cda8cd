"""World Bank client against recorded answers (respx): paging, nulls, refusals, retries, stored vintage."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sources_helpers import FIXTURES, NOW, SAMPLE, quick_http

from agent.config import load_settings
from tools.errors import InputError, SourceError
from tools.sources.fetch import fetch_sample
from tools.sources.worldbank import WorldBankClient
from tools.store import Store

BASE = "http://wb.test"
GROWTH = "NY.GDP.MKTP.KD.ZG"
URL = f"{BASE}/v2/country/USA;CHN/indicator/{GROWTH}"


def client(sleeps: list[float] | None = None, per_page: int = 100) -> WorldBankClient:
    return WorldBankClient(quick_http("worldbank", sleeps), BASE, per_page=per_page)


def row(iso3: str, year: int, value: float | None) -> dict[str, Any]:
    names = {"USA": ("US", "United States"), "CHN": ("CN", "China")}
    return {"indicator": {"id": GROWTH, "value": "GDP growth (annual %)"},
            "country": {"id": names[iso3][0], "value": names[iso3][1]}, "countryiso3code": iso3,
            "date": str(year), "value": value, "unit": "", "obs_status": "", "decimal": 1}


def page(n: int, pages: int, rows: list[dict[str, Any]]) -> list[Any]:
    return [{"page": n, "pages": pages, "per_page": 2, "total": 4}, rows]


@respx.mock
def test_pages_are_followed_and_a_null_value_stays_missing() -> None:
    route = respx.get(URL).mock(side_effect=[
        httpx.Response(200, json=page(1, 2, [row("USA", 2024, 2.8), row("USA", 2023, None)])),
        httpx.Response(200, json=page(2, 2, [row("CHN", 2024, 5.0), row("CHN", 2023, 5.4)])),
    ])
    fetched = client(per_page=2).indicator(GROWTH, ["usa", "CHN"], (2023, 2024))
    assert len(fetched) == 2
    first, second = (dict(c.request.url.params) for c in route.calls)
    assert first == {"format": "json", "date": "2023:2024", "per_page": "2"}
    assert second["page"] == "2"
    rows = [r for f in fetched for r in f.worldbank]
    assert [(r.iso3, r.year) for r in rows] == [("USA", 2023), ("USA", 2024), ("CHN", 2023), ("CHN", 2024)]
    assert rows[0].value is None  # not published: never filled
    assert rows[1].value == 2.8 and rows[1].country_name == "United States"


@respx.mock
def test_refusal_in_a_200_answer_is_a_one_line_error() -> None:
    respx.get(URL).mock(return_value=httpx.Response(200, content=(FIXTURES / "worldbank_invalid_country.json").read_bytes()))
    with pytest.raises(SourceError, match="refused the question: 120 Invalid value"):
        client().indicator(GROWTH, ["USA", "CHN"], (2023, 2024))


@respx.mock
def test_html_page_is_refused() -> None:
    respx.get(URL).mock(return_value=httpx.Response(
        200, content=(FIXTURES / "worldbank_maintenance.html").read_bytes(), headers={"content-type": "text/html"}))
    with pytest.raises(SourceError, match="HTML page instead of JSON.*scheduled maintenance"):
        client().indicator(GROWTH, ["USA", "CHN"], (2023, 2024))


@respx.mock
def test_429_and_503_are_retried_with_the_server_hint() -> None:
    sleeps: list[float] = []
    respx.get(URL).mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(503),
        httpx.Response(200, json=page(1, 1, [row("USA", 2024, 2.8)])),
    ])
    fetched = client(sleeps).indicator(GROWTH, ["USA", "CHN"], (2023, 2024))
    assert fetched[0].worldbank[0].value == 2.8
    assert sleeps[0] == 7.0 and len(sleeps) == 2


@respx.mock
def test_persistent_5xx_gives_up_with_a_one_line_error() -> None:
    respx.get(URL).mock(return_value=httpx.Response(502))
    with pytest.raises(SourceError, match=r"worldbank: HTTP 502 .* still failing after 3 attempts"):
        client().indicator(GROWTH, ["USA", "CHN"], (2023, 2024))


def test_taiwan_is_not_asked_for_and_says_why() -> None:
    with pytest.raises(InputError, match="TWN is not covered"):
        client().request_for(GROWTH, ["USA", "TWN"], (2018, 2024))


@respx.mock
def test_an_answer_for_another_indicator_is_refused() -> None:
    other = row("USA", 2024, 3.0)
    other["indicator"]["id"] = "NE.TRD.GNFS.ZS"
    respx.get(URL).mock(return_value=httpx.Response(200, json=page(1, 1, [other])))
    with pytest.raises(SourceError, match="a row is for NE.TRD.GNFS.ZS"):
        client().indicator(GROWTH, ["USA", "CHN"], (2023, 2024))


def test_sample_is_stored_with_its_capture_time_as_vintage(tmp_path: Path) -> None:
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path)})
    store = Store(tmp_path)
    fetch_sample(store, settings, ["worldbank"])
    df = store.worldbank_indicators()
    assert len(df) == 4 * 5 * 7 and "TWN" not in set(df["iso3"])
    usa = df[(df.indicator == GROWTH) & (df.iso3 == "USA") & (df.year == 2024)]
    recorded = json.loads((SAMPLE / "worldbank" / f"{GROWTH}_USA_CHN_JPN_KOR_DEU_2018_2024.json").read_text())
    wanted = next(r["value"] for r in recorded[1] if r["countryiso3code"] == "USA" and r["date"] == "2024")
    assert math.isclose(float(usa["value"].iloc[0]), wanted)
    assert set(df["vintage"]) == {"2026-06-17T05:40:13Z"} and not df["synthetic"].any()
    assert str(usa["source_url"].iloc[0]).startswith("https://api.worldbank.org/v2/country/USA;CHN;JPN;KOR;DEU/")
    fetch_sample(store, settings, ["worldbank"])  # identical bytes: no new vintage
    assert len(store.manifest()) == 4 and NOW.year == 2026
