"""Federal Register client against recorded answers (respx): paging, nulls, refusals, retries, stored vintage."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import respx
from sources_helpers import FIXTURES, quick_http

from agent.config import load_settings
from tools.errors import SourceError
from tools.sources.federal_register import DOCUMENTS_PATH, FederalRegisterClient
from tools.sources.fetch import fetch_sample
from tools.store import Store

BASE = "http://fr.test"
URL = BASE + DOCUMENTS_PATH


def client(sleeps: list[float] | None = None, per_page: int = 100) -> FederalRegisterClient:
    return FederalRegisterClient(quick_http("federal-register", sleeps), BASE, per_page=per_page)


def result(number: str, day: str, abstract: str | None, **extra: Any) -> dict[str, Any]:
    return {"document_number": number, "title": "Additions to the Entity List", "type": "Rule",
            "publication_date": day, "abstract": abstract, "citation": "90 FR 48193",
            "html_url": f"https://www.federalregister.gov/documents/2025/10/09/{number}/additions-to-the-entity-list",
            "agencies": [{"name": "Commerce Department"}, {"name": "Industry and Security Bureau"}],
            "docket_ids": ["Docket No. 250929-0163"], **extra}


def next_url(params: list[tuple[str, str]], page: int) -> str:
    return "https://www.federalregister.gov" + DOCUMENTS_PATH + "?" + urlencode([*params, ("page", str(page))])


@respx.mock
def test_next_page_url_is_followed_at_the_configured_base() -> None:
    fr = client(per_page=1)
    _, params = fr.request_for("2025-10-01", "2025-10-31")
    route = respx.get(URL).mock(side_effect=[
        httpx.Response(200, json={"count": 2, "total_pages": 2, "next_page_url": next_url(params, 2),
                                  "results": [result("2025-19508", "2025-10-09", "Adds 26 entities.")]}),
        httpx.Response(200, json={"count": 2, "total_pages": 2,
                                  "results": [result("2025-19727", "2025-10-31", None, effective_on="2025-10-31")]}),
    ])
    fetched = fr.documents("2025-10-01", "2025-10-31")
    assert len(route.calls) == 2 and route.calls[1].request.url.host == "fr.test"
    first = dict(route.calls[0].request.url.params.multi_items())
    assert first["conditions[agencies][]"] == "industry-and-security-bureau"
    assert first["conditions[publication_date][lte]"] == "2025-10-31"
    assert route.calls[1].request.url.params["page"] == "2"
    one, two = (f.policy[0] for f in fetched)
    assert one.doc_number == "2025-19508" and one.citation == "90 FR 48193" and one.doc_type == "Rule"
    assert one.effective_dates == [] and one.language == "en"  # no effective_on: unknown, not the publication day
    assert one.url.startswith("https://www.federalregister.gov/documents/2025/10/09/2025-19508/")
    assert two.effective_dates == [date(2025, 10, 31)]
    assert two.body_text == two.title  # a null abstract leaves the title as the only text


@respx.mock
def test_next_page_url_skipping_a_page_is_refused() -> None:
    fr = client()
    _, params = fr.request_for("2025-10-01")
    respx.get(URL).mock(return_value=httpx.Response(200, json={
        "count": 3, "total_pages": 3, "next_page_url": next_url(params, 3),
        "results": [result("2025-19508", "2025-10-09", "x")]}))
    with pytest.raises(SourceError, match="asks for page 3, expected 2"):
        fr.documents("2025-10-01")


@respx.mock
def test_html_page_is_refused() -> None:
    respx.get(URL).mock(return_value=httpx.Response(
        200, content=(FIXTURES / "federal_register_error.html").read_bytes(), headers={"content-type": "text/html"}))
    with pytest.raises(SourceError, match="HTML page instead of JSON.*Request Access"):
        client().documents("2025-10-01")


@respx.mock
def test_errors_object_is_a_one_line_error() -> None:
    respx.get(URL).mock(return_value=httpx.Response(
        200, content=(FIXTURES / "federal_register_bad_condition.json").read_bytes()))
    with pytest.raises(SourceError, match="refused the search: conditions"):
        client().documents("2025-10-01")


@respx.mock
def test_429_then_500_are_retried() -> None:
    sleeps: list[float] = []
    respx.get(URL).mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(500),
        httpx.Response(200, json={"count": 1, "total_pages": 1, "results": [result("2025-19508", "2025-10-09", "x")]}),
    ])
    fetched = client(sleeps).documents("2025-10-01")
    assert fetched[0].policy[0].doc_number == "2025-19508" and sleeps[0] == 3.0


@respx.mock
def test_persistent_503_gives_up() -> None:
    respx.get(URL).mock(return_value=httpx.Response(503))
    with pytest.raises(SourceError, match=r"federal-register: HTTP 503 .* still failing after 3 attempts"):
        client().documents("2025-10-01")


@respx.mock
def test_malformed_document_number_is_refused() -> None:
    respx.get(URL).mock(return_value=httpx.Response(200, json={
        "count": 1, "total_pages": 1, "results": [result("E9-1234x", "2025-10-09", "x")]}))
    with pytest.raises(SourceError, match="document number 'E9-1234x'"):
        client().documents("2025-10-01")


def test_sample_pages_store_165_documents_with_their_capture_time(tmp_path: Path) -> None:
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path)})
    store = Store(tmp_path)
    outcome = fetch_sample(store, settings, ["federal-register"])[0]
    assert outcome.error == "" and outcome.answers == 2
    docs = {d.doc_number: d for d in store.policy_docs() if d.doc_number}
    assert len(docs) == 165
    october = sorted(n for n, d in docs.items() if d.publish_date.strftime("%Y-%m") == "2025-10")
    assert october == ["2025-19436", "2025-19508", "2025-19727"]
    rule = docs["2025-19508"]
    assert rule.citation == "90 FR 48193" and "Entity List" in rule.body_text
    vintages = set(store.manifest()["vintage"])
    assert len(vintages) == 2 and all(v.startswith("2026-08-") for v in vintages)
