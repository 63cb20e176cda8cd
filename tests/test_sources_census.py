"""Census client against recorded wire-format answers (respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx
from sources_helpers import FIXTURES, SAMPLE, quick_http

from tools.errors import InputError, SourceError
from tools.sources.census import CensusClient

BASE = "https://census.test/data/timeseries/intltrade"
EXPORTS = f"{BASE}/exports/hs"


def client(sleeps: list[float] | None = None, key: str = "") -> CensusClient:
    return CensusClient(quick_http("census", sleeps), BASE, key)


def sample_answer() -> bytes:
    return (SAMPLE / "census" / "exports_2024-01_2025-11.json").read_bytes()


@respx.mock
def test_country_totals_parse_with_duplicate_predicate_column() -> None:
    route = respx.get(EXPORTS).mock(return_value=httpx.Response(200, content=sample_answer()))
    fetched = client(key="k123").monthly_totals("exports", "2024-01", "2025-11")
    sent = route.calls.last.request.url.params
    assert sent["get"] == "CTY_CODE,CTY_NAME,ALL_VAL_MO,ALL_VAL_YR"
    assert sent["time"] == "from 2024-01 to 2025-11" and sent.get_list("CTY_CODE")[:2] == ["5700", "5830"]
    assert sent["key"] == "k123"
    rows = {(r.cty_code, r.period): r for r in fetched.census}
    assert len(rows) == 5 * 23
    taiwan = rows[("5830", "2024-01")]
    assert (taiwan.cty_name, taiwan.value_usd, taiwan.ytd_usd) == ("TAIWAN", 3_118_000_000.0, 3_118_000_000.0)
    feb = rows[("5830", "2024-02")]
    assert taiwan.value_usd is not None and feb.value_usd is not None
    assert feb.ytd_usd == taiwan.value_usd + feb.value_usd  # YTD column read, not the duplicated CTY_CODE
    assert ("key", "k123") not in fetched.raw.public_params


@respx.mock
def test_rate_limited_then_success_waits_as_told() -> None:
    respx.get(EXPORTS).mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "7"}, text="Too Many Requests"),
        httpx.Response(200, content=sample_answer()),
    ])
    sleeps: list[float] = []
    fetched = client(sleeps).monthly_totals("exports", "2024-01", "2025-11")
    assert sleeps == [7.0] and len(fetched.census) == 115


@respx.mock
def test_server_errors_exhausted_give_a_clear_error() -> None:
    route = respx.get(EXPORTS).mock(return_value=httpx.Response(500, text="Internal Server Error"))
    sleeps: list[float] = []
    with pytest.raises(SourceError, match=r"census: HTTP 500 .* after 3 attempts"):
        client(sleeps).monthly_totals("exports", "2024-01", "2024-12")
    assert route.call_count == 3 and sleeps == [1.0, 2.0]  # exponential backoff without a hint


@respx.mock
def test_timeout_is_a_source_error() -> None:
    respx.get(EXPORTS).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(SourceError, match="did not answer within 2 s"):
        client().monthly_totals("exports", "2024-01", "2024-12")


@respx.mock
def test_html_body_means_key_or_quota_problem() -> None:
    page = (FIXTURES / "census_invalid_key.html").read_bytes()
    respx.get(EXPORTS).mock(return_value=httpx.Response(200, content=page, headers={"content-type": "text/html"}))
    with pytest.raises(SourceError, match="CENSUS_API_KEY") as err:
        client(key="bad").monthly_totals("exports", "2024-01", "2024-12")
    assert "Invalid Key" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("response", [httpx.Response(200, content=b""), httpx.Response(204)])
def test_empty_body_or_204_is_no_data_not_an_error(response: httpx.Response) -> None:
    with respx.mock:
        respx.get(EXPORTS).mock(return_value=response)
        assert client().monthly_totals("exports", "2030-01", "2030-02").census == []


@respx.mock
def test_two_rows_for_one_country_month_are_refused() -> None:
    table = [["CTY_CODE", "CTY_NAME", "ALL_VAL_MO", "time", "CTY_CODE"],
             ["5830", "TAIWAN", "100", "2024-01", "5830"], ["5830", "TAIWAN", "7", "2024-01", "5830"]]
    respx.get(EXPORTS).mock(return_value=httpx.Response(200, json=table))
    with pytest.raises(SourceError, match="more than one row for country 5830 in 2024-01"):
        client().monthly_totals("exports", "2024-01", "2024-01", with_ytd=False)


@respx.mock
def test_malformed_json_is_refused() -> None:
    respx.get(EXPORTS).mock(return_value=httpx.Response(200, content=b'[["CTY_CODE","time"],["5830",'))
    with pytest.raises(SourceError, match="malformed JSON"):
        client().monthly_totals("exports", "2024-01", "2024-01")


@respx.mock
def test_suppressed_value_stays_missing() -> None:
    table = [["CTY_CODE", "CTY_NAME", "GEN_VAL_MO", "time", "CTY_CODE"], ["5830", "TAIWAN", "", "2024-01", "5830"]]
    respx.get(f"{BASE}/imports/hs").mock(return_value=httpx.Response(200, content=json.dumps(table).encode()))
    rows = client().monthly_totals("imports", "2024-01", "2024-01", with_ytd=False).census
    assert rows[0].value_usd is None


@pytest.mark.parametrize(("since", "until"), [("2024-13", "2024-12"), ("2024/01", "2024-02"), ("2025-01", "2024-01")])
def test_bad_months_are_input_errors(since: str, until: str) -> None:
    with pytest.raises(InputError):
        client().request_for("exports", since, until)
