"""Comtrade client against recorded wire-format answers (respx)."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
import respx
from sources_helpers import FIXTURES, SAMPLE, quick_http

from tools.errors import SourceError
from tools.sources.comtrade import ComtradeClient, _area_names

BASE = "https://comtrade.test"
PREVIEW = f"{BASE}/public/v1/preview/C/A/HS"
REAL = json.loads((SAMPLE / "comtrade" / "un-comtrade-usa-jpn-total-goods-2023-import-export.json").read_text())


def client(sleeps: list[float] | None = None, key: str = "") -> ComtradeClient:
    return ComtradeClient(quick_http("comtrade", sleeps), BASE, key)


def partner_table(n_partners: int, flow: str = "X") -> dict[str, Any]:
    """A preview answer of USA 2023 with ``n_partners`` rows, built from the real record shape."""
    template = next(r for r in REAL["data"] if r["flowCode"] == flow)
    rows = []
    for code in range(1, n_partners + 1):
        row = copy.deepcopy(template)
        row.update(partnerCode=code, partnerDesc=f"Area {code}", primaryValue=1000 + code)
        rows.append(row)
    return {"elapsedTime": "1.0 secs", "count": len(rows), "data": rows, "error": ""}


@respx.mock
def test_real_answer_parses_with_both_flows() -> None:
    route = respx.get(PREVIEW).mock(return_value=httpx.Response(200, json=REAL))
    fetched = client().annual_pair(842, 392, 2023)
    values = {r.flow: r.value_usd for r in fetched.comtrade}
    assert values == {"M": 151_580_564_290.0, "X": 76_154_045_176.0}
    assert {r.partner_desc for r in fetched.comtrade} == {"Japan"}
    sent = route.calls.last.request.url.params
    assert (sent["partner2Code"], sent["customsCode"], sent["motCode"], sent["cmdCode"]) == ("0", "C00", "0", "TOTAL")


@respx.mock
def test_all_partner_query_asks_one_year_one_flow_with_total_filters() -> None:
    route = respx.get(PREVIEW).mock(return_value=httpx.Response(200, json=partner_table(220)))
    fetched = client().annual_partners(842, 2023, "X")
    sent = dict(route.calls.last.request.url.params.multi_items())
    assert sent["period"] == "2023" and sent["flowCode"] == "X" and "partnerCode" not in sent
    assert len(fetched.comtrade) == 220 and not fetched.row_capped


@respx.mock
def test_rate_limit_hint_in_body_is_honoured() -> None:
    respx.get(PREVIEW).mock(side_effect=[
        httpx.Response(429, content=(FIXTURES / "comtrade_429.json").read_bytes()),
        httpx.Response(200, json=partner_table(3)),
    ])
    sleeps: list[float] = []
    assert len(client(sleeps).annual_partners(842, 2023, "X").comtrade) == 3
    assert sleeps == [2.0]


@respx.mock
def test_answer_at_exactly_the_cap_is_refused_one_below_is_used() -> None:
    respx.get(PREVIEW).mock(side_effect=[
        httpx.Response(200, json=partner_table(500)), httpx.Response(200, json=partner_table(499)),
    ])
    with pytest.raises(SourceError, match="500-row cap"):
        client().annual_partners(842, 2023, "X")
    assert len(client().annual_partners(842, 2023, "X").comtrade) == 499


@respx.mock
def test_no_data_answer_is_empty() -> None:
    respx.get(PREVIEW).mock(return_value=httpx.Response(200, content=(FIXTURES / "comtrade_no_data.json").read_bytes()))
    assert client().annual_partners(490, 2024, "M").comtrade == []


@respx.mock
def test_breakdown_rows_are_refused() -> None:
    answer = partner_table(2)
    answer["data"][1]["customsCode"] = "C01"
    respx.get(PREVIEW).mock(return_value=httpx.Response(200, json=answer))
    with pytest.raises(SourceError, match="breakdown"):
        client().annual_partners(842, 2023, "X")


@respx.mock
def test_answer_for_another_year_is_refused() -> None:
    respx.get(PREVIEW).mock(return_value=httpx.Response(200, json=partner_table(2)))
    with pytest.raises(SourceError, match="not the 842 2024 X asked for"):
        client().annual_partners(842, 2024, "X")


@respx.mock
def test_keyed_requests_use_the_data_endpoint_and_keep_the_key_out_of_the_url() -> None:
    route = respx.get(f"{BASE}/data/v1/get/C/A/HS").mock(return_value=httpx.Response(200, json=partner_table(3)))
    fetched = client(key="sekrit").annual_partners(842, 2023, "X")
    request = route.calls.last.request
    assert request.headers["Ocp-Apim-Subscription-Key"] == "sekrit"
    assert "sekrit" not in str(request.url) and "sekrit" not in fetched.raw.query_key


@pytest.mark.parametrize("body", [b'{"count": 1, "data": [', b"<html><body>Gateway Timeout</body></html>"])
def test_malformed_or_html_answers_are_refused(body: bytes) -> None:
    with respx.mock:
        respx.get(PREVIEW).mock(return_value=httpx.Response(200, content=body))
        with pytest.raises(SourceError, match="malformed JSON|HTML page"):
            client().annual_partners(842, 2023, "X")


@respx.mock
def test_api_error_field_is_reported() -> None:
    respx.get(PREVIEW).mock(return_value=httpx.Response(200, json={"count": 0, "data": [], "error": "Invalid period"}))
    with pytest.raises(SourceError, match="Invalid period"):
        client().annual_partners(842, 2023, "X")


@respx.mock
def test_names_come_from_the_reference_tables_when_the_answer_has_none() -> None:
    answer = partner_table(1)
    row = answer["data"][0]
    row.update(partnerCode=490, reporterDesc=None, partnerDesc=None)
    respx.get(PREVIEW).mock(return_value=httpx.Response(200, json=answer))
    parsed = client().annual_partners(842, 2023, "X").comtrade[0]
    assert (parsed.reporter_desc, parsed.partner_desc) == ("USA", "Other Asia, nes")


@respx.mock
def test_capped_answer_is_split_into_partner_chunks_and_completed() -> None:
    rows: list[dict[str, Any]] = partner_table(520)["data"]  # more partners than one preview answer may hold

    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get("partnerCode")
        wanted = rows[:500] if asked is None else [r for r in rows if str(r["partnerCode"]) in asked.split(",")]
        return httpx.Response(200, json={"elapsedTime": "1 secs", "count": len(wanted), "data": wanted, "error": ""})

    route = respx.get(PREVIEW).mock(side_effect=answer)
    answers = client().annual_partners_split(842, 2023, "X")
    partners = [r.partner_code for a in answers for r in a.comtrade]
    reference = set(_area_names("partnerAreas.csv"))
    expected = {c for c in range(1, 521) if c <= 500 or c in reference}
    assert sorted(partners) == sorted(expected)  # nothing lost, nothing twice
    assert route.call_count == 1 + len(answers) and len(answers) >= 3
    assert all(dict(a.raw.params).get("partnerCode") for a in answers)  # every stored answer names its chunk
