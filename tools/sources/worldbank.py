"""World Bank Indicators API (v2): annual macro indicators per economy → ``WorldBankRow``.

Why this shape: the monthly supply-chain report sets the trade figures against each
economy's GDP growth and trade openness, labelled by year. The API needs no key; it
answers ``[metadata, rows]`` where ``metadata`` carries ``page``/``pages`` (so a long
answer is asked page by page), a missing observation is ``"value": null`` (kept as None,
never filled or carried forward), and a refused question is answered with HTTP 200 and
``[{"message": [...]}]``, which is turned into a ``SourceError`` here.

Taiwan is not covered by the World Bank (no ``TWN`` economy), so it is never asked for;
reports say so instead of borrowing another source's figure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

from tools.errors import InputError, SourceError
from tools.sources.http import SourceHttp
from tools.sources.records import Fetched, RawResponse, WorldBankRow

#: Indicator code → what it measures (the reports' labels come from tools.facts, not from here).
INDICATORS: dict[str, str] = {
    "NY.GDP.MKTP.KD.ZG": "GDP growth (annual %)",
    "NE.TRD.GNFS.ZS": "Trade (% of GDP)",
    "NY.GDP.MKTP.CD": "GDP (current US$)",
    "BN.CAB.XOKA.CD": "Current account balance (BoP, current US$)",
}
#: Economies the reports follow (ISO3); Taiwan is absent because the World Bank does not cover it.
DEFAULT_ECONOMIES = ("USA", "CHN", "JPN", "KOR", "DEU")
NOT_COVERED = {"TWN": "the World Bank publishes no indicators for Taiwan"}
DEFAULT_YEARS = (2018, 2024)
PER_PAGE = 100
#: Stop paging here even if the metadata claims more: a runaway answer is a source fault.
MAX_PAGES = 50

_ISO3 = re.compile(r"^[A-Z]{3}$")


class _Meta(BaseModel):
    model_config = ConfigDict(extra="ignore")

    page: int
    pages: int
    total: int = 0
    lastupdated: str | None = None


class _Named(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    value: str = ""


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore")

    indicator: _Named
    country: _Named
    countryiso3code: str = ""
    date: str
    value: float | None = None


def check_economies(codes: Sequence[str]) -> tuple[str, ...]:
    """Upper-cased ISO3 codes; Taiwan and malformed codes are the caller's mistake, said in one line."""
    out = []
    for code in codes:
        iso3 = code.strip().upper()
        if iso3 in NOT_COVERED:
            raise InputError(f"worldbank: {iso3} is not covered ({NOT_COVERED[iso3]})")
        if not _ISO3.match(iso3):
            raise InputError(f"worldbank: {code!r} is not an ISO3 economy code")
        out.append(iso3)
    if not out:
        raise InputError("worldbank: at least one economy is needed")
    return tuple(out)


class WorldBankClient:
    """Builds indicator requests, pages through them, validates every page into rows."""

    def __init__(self, http: SourceHttp, base_url: str, per_page: int = PER_PAGE) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.per_page = per_page

    def request_for(
        self, indicator: str, economies: Sequence[str], years: tuple[int, int], page: int = 1
    ) -> tuple[str, list[tuple[str, str]]]:
        if indicator not in INDICATORS:
            raise InputError(f"worldbank: unknown indicator {indicator!r}; known: {', '.join(INDICATORS)}")
        first, last = years
        if first > last:
            raise InputError(f"worldbank: first year {first} is after last year {last}")
        path = f"{self.base_url}/v2/country/{';'.join(check_economies(economies))}/indicator/{indicator}"
        params = [("format", "json"), ("date", f"{first}:{last}"), ("per_page", str(self.per_page))]
        if page > 1:
            params.append(("page", str(page)))
        return path, params

    def indicator(
        self, indicator: str, economies: Sequence[str] = DEFAULT_ECONOMIES, years: tuple[int, int] = DEFAULT_YEARS
    ) -> list[Fetched]:
        """Every page of one indicator for some economies and years (one ``Fetched`` per page)."""
        fetched: list[Fetched] = []
        page = 1
        while True:
            url, params = self.request_for(indicator, economies, years, page)
            raw = self.http.request("GET", url, params=params)
            meta, rows = parse_page(raw, indicator)
            if meta.page != page:
                raise SourceError(f"worldbank: asked for page {page} of {indicator}, the answer is page {meta.page}")
            fetched.append(Fetched(raw=raw, worldbank=rows))
            if page >= meta.pages or not rows:
                return fetched
            if page >= MAX_PAGES:
                raise SourceError(f"worldbank: {indicator} claims {meta.pages} pages; stopped after {MAX_PAGES}")
            page += 1


def parse_page(raw: RawResponse, indicator: str) -> tuple[_Meta, list[WorldBankRow]]:
    """Metadata and rows of one answer page; every non-data answer becomes a one-line ``SourceError``."""
    text = raw.body.decode("utf-8", errors="replace").strip()
    if text.startswith("<") or "html" in raw.content_type.lower():
        snippet = " ".join(re.sub(r"<[^>]+>", " ", text).split())[:100]
        raise SourceError(f"worldbank: the API answered with an HTML page instead of JSON: {snippet!r}")
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"worldbank: malformed JSON from {raw.url} ({exc.msg} at char {exc.pos})") from None
    if isinstance(answer, list) and answer and isinstance(answer[0], dict) and "message" in answer[0]:
        raise SourceError(f"worldbank: the API refused the question: {_message(answer[0]['message'])}")
    if not (isinstance(answer, list) and len(answer) == 2 and isinstance(answer[0], dict)):
        raise SourceError(f"worldbank: {raw.url} did not answer with [metadata, rows]")
    try:
        meta = _Meta.model_validate(answer[0])
        rows = [_Row.model_validate(r) for r in (answer[1] or [])]
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise SourceError(f"worldbank: unexpected answer shape from {raw.url} (at {where})") from None
    out: list[WorldBankRow] = []
    seen: set[tuple[str, int]] = set()
    for row in rows:
        if row.indicator.id != indicator:
            raise SourceError(f"worldbank: asked for {indicator}, a row is for {row.indicator.id}")
        if not re.fullmatch(r"\d{4}", row.date):
            raise SourceError(f"worldbank: unexpected date {row.date!r} (want an annual YYYY)")
        iso3 = row.countryiso3code or row.country.id
        key = (iso3, int(row.date))
        if key in seen:
            raise SourceError(f"worldbank: more than one {indicator} row for {iso3} in {row.date}")
        seen.add(key)
        out.append(WorldBankRow(
            iso3=iso3, country_name=row.country.value, indicator=indicator,
            indicator_name=row.indicator.value, year=int(row.date), value=row.value,
        ))
    return meta, sorted(out, key=lambda r: (r.iso3, r.year))


def _message(messages: object) -> str:
    if isinstance(messages, list):
        parts = [
            " ".join(str(m.get(k, "")) for k in ("id", "key", "value") if m.get(k)) if isinstance(m, dict) else str(m)
            for m in messages
        ]
        return "; ".join(p for p in parts if p) or "no detail"
    return str(messages)
