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


# ---------------------------------------------------------------- optional HS-level detail (COMM_LVL)
# The census_hs2_* fixtures follow the API's wire layout (string cells, requested variables then the
# appended predicates time, COMM_LVL, CTY_CODE); their dollar values are made up for the tests.
def hs_answer(flow: str = "exports") -> bytes:
    return (FIXTURES / f"census_hs2_{flow}_2025-01_2025-02.json").read_bytes()


@respx.mock
def test_hs_detail_request_and_rows() -> None:
    route = respx.get(EXPORTS).mock(return_value=httpx.Response(200, content=hs_answer()))
    fetched = client(key="k9").hs_detail("exports", "hs2", "2025-01", "2025-02", ["5830", "5880"])
    sent = route.calls.last.request.url.params
    assert sent["get"] == "E_COMMODITY,E_COMMODITY_LDESC,ALL_VAL_MO,ALL_VAL_YR"
    assert (sent["COMM_LVL"], sent["time"], sent.get_list("CTY_CODE")) == ("HS2", "from 2025-01 to 2025-02", ["5830", "5880"])
    assert fetched.census == [] and len(fetched.census_hs) == 12  # detail never lands in the totals
    cells = {(r.cty_code, r.commodity, r.period): r for r in fetched.census_hs}
    jan, feb = cells[("5830", "85", "2025-01")], cells[("5830", "85", "2025-02")]
    assert (jan.comm_lvl, jan.flow, jan.value_usd) == ("HS2", "exports", 823_456_789.0)
    assert jan.commodity_desc.startswith("ELECTRICAL MACHINERY")
    assert feb.ytd_usd == 823_456_789 + 790_123_456
    assert ("key", "k9") not in fetched.raw.public_params


@respx.mock
def test_hs_imports_ask_the_import_variables() -> None:
    route = respx.get(f"{BASE}/imports/hs").mock(return_value=httpx.Response(200, content=hs_answer("imports")))
    rows = client().hs_detail("imports", "HS2", "2025-01", "2025-02", ["5830", "5880"]).census_hs
    assert route.calls.last.request.url.params["get"] == "I_COMMODITY,I_COMMODITY_LDESC,GEN_VAL_MO,GEN_VAL_YR"
    assert {r.flow for r in rows} == {"imports"} and len(rows) == 6


@respx.mock
def test_hs_answer_with_a_column_repeated_by_its_predicate() -> None:
    # layout of a real HS6 answer where CTY_CODE was both requested and used as a predicate
    table = [["E_COMMODITY", "CTY_CODE", "ALL_VAL_MO", "time", "COMM_LVL", "CTY_CODE"],
             ["841790", "-", "100705", "2026-07", "HS6", "-"],
             ["711510", "0003", "2500", "2026-07", "HS6", "0003"]]
    respx.get(EXPORTS).mock(return_value=httpx.Response(200, content=json.dumps(table).encode()))
    rows = client().hs_detail("exports", "HS6", "2026-07", "2026-07", ["-", "0003"]).census_hs
    assert [(r.commodity, r.cty_code, r.value_usd, r.ytd_usd) for r in rows] == [
        ("841790", "-", 100705.0, None), ("711510", "0003", 2500.0, None)]


@pytest.mark.parametrize(("row", "message"), [
    (["85", "X", "1", "1", "2025-01", "HS2", "5830"], "more than one HS2 row for commodity 85, country 5830 in 2025-01"),
    (["8517", "X", "1", "1", "2025-01", "HS4", "5830"], "is at level 'HS4'"),
    (["8517", "X", "1", "1", "2025-01", "HS2", "5830"], "'8517' is not a HS2 code"),
])
def test_hs_answers_that_would_double_count_are_refused(row: list[str], message: str) -> None:
    table = json.loads(hs_answer()) + [row]
    with respx.mock:
        respx.get(EXPORTS).mock(return_value=httpx.Response(200, content=json.dumps(table).encode()))
        with pytest.raises(SourceError, match=message):
            client().hs_detail("exports", "HS2", "2025-01", "2025-02", ["5830", "5880"])


@pytest.mark.parametrize("response", [httpx.Response(200, content=b""), httpx.Response(204)])
def test_hs_empty_body_is_no_data(response: httpx.Response) -> None:
    with respx.mock:
        respx.get(EXPORTS).mock(return_value=response)
        assert client().hs_detail("exports", "HS4", "2030-01", "2030-01", ["5830"]).census_hs == []


@respx.mock
def test_hs_html_body_is_a_key_problem() -> None:
    page = (FIXTURES / "census_invalid_key.html").read_bytes()
    respx.get(EXPORTS).mock(return_value=httpx.Response(200, content=page, headers={"content-type": "text/html"}))
    with pytest.raises(SourceError, match="CENSUS_API_KEY"):
        client(key="bad").hs_detail("exports", "HS2", "2025-01", "2025-02", ["5830"])


@pytest.mark.parametrize("level", ["HS3", "chapter", ""])
def test_unknown_hs_level_is_an_input_error(level: str) -> None:
    with pytest.raises(InputError, match="--hs must be one of HS2, HS4, HS6, HS10"):
        client().hs_detail("exports", level, "2025-01", "2025-02", ["5830"])
