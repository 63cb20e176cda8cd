"""The shared HTTP behaviour: waits the server asks for, spacing, and readable failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from tools.errors import SourceError
from tools.sources.http import MAX_HINT_WAIT, USER_AGENT, HttpPolicy, SourceHttp, wait_hint

URL = "https://api.test/data"


def http(sleeps: list[float], *, attempts: int = 3, min_interval: float = 0.0) -> SourceHttp:
    return SourceHttp("census", HttpPolicy(timeout=1, attempts=attempts, min_interval=min_interval, sleep=sleeps.append))


def test_wait_hints_from_header_date_and_body() -> None:
    assert wait_hint(httpx.Response(429, headers={"Retry-After": "3"})) == 3.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    hinted = wait_hint(httpx.Response(503, headers={"Retry-After": later}))
    assert hinted is not None and 25 <= hinted <= 31
    assert wait_hint(httpx.Response(429, text="Rate limit is exceeded. Try again in 11 seconds.")) == 11.0
    assert wait_hint(httpx.Response(500, text="boom")) is None


@respx.mock
def test_a_hint_longer_than_the_maximum_fails_at_once_naming_it() -> None:
    route = respx.get(URL).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "86400"}),
                                             httpx.Response(200, text="ok")])
    sleeps: list[float] = []
    with pytest.raises(SourceError) as err:
        http(sleeps).request("GET", URL)
    assert sleeps == [] and route.call_count == 1
    assert "86400 s" in str(err.value) and f"{MAX_HINT_WAIT:.0f} s" in str(err.value)


@respx.mock
def test_a_hint_within_the_maximum_is_honoured() -> None:
    respx.get(URL).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, text="ok")])
    sleeps: list[float] = []
    assert http(sleeps).request("GET", URL).body == b"ok"
    assert sleeps == [7.0]


@respx.mock
def test_requests_are_spaced_by_the_rate_limit_and_identify_themselves() -> None:
    route = respx.get(URL).mock(return_value=httpx.Response(200, text="ok"))
    sleeps: list[float] = []
    client = http(sleeps, min_interval=5.0)
    client.request("GET", URL)
    client.request("GET", URL)
    assert len(sleeps) == 1 and 4.0 < sleeps[0] <= 5.0
    assert route.calls.last.request.headers["User-Agent"] == USER_AGENT


@respx.mock
def test_client_errors_are_not_retried_and_say_what_the_server_said() -> None:
    route = respx.get(URL).mock(return_value=httpx.Response(400, text="error: unknown variable 'ALL_VAL_MOO'"))
    with pytest.raises(SourceError, match="HTTP 400 .*unknown variable 'ALL_VAL_MOO'"):
        http([]).request("GET", URL, params=[("key", "secret")])
    assert route.call_count == 1


@respx.mock
def test_connection_failure_retries_then_names_the_host_not_the_key() -> None:
    respx.get(URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(SourceError) as err:
        http([]).request("GET", URL, params=[("key", "secret")])
    assert "cannot reach https://api.test/data" in str(err.value) and "secret" not in str(err.value)
