"""UN Comtrade: annual goods totals of one reporter with every partner, one year and one flow per call.

Why these filters: without ``partner2Code=0&customsCode=C00&motCode=0`` every partner comes
back once per customs procedure and transport mode, the preview's 500-row cap is hit, and
partners silently disappear (the earlier system showed Germany with 62 partners). An answer
that reaches the cap is refused, never used. One year per call: years are never summed.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from tools.errors import InputError, SourceError
from tools.sources.http import SourceHttp
from tools.sources.records import ComtradeRow, Fetched, Provenance, RawResponse

Flow = Literal["X", "M"]
TABLES = Path(__file__).resolve().parents[1] / "data" / "comtrade"
PREVIEW_CAP = 500
#: What we ask for with a key; an answer this long is refused just like a capped preview.
KEYED_MAX_RECORDS = 2500
DEFAULT_REPORTERS = (842, 156, 392, 410, 276, 490)
DEFAULT_YEARS = (2023, 2024)
FLOWS: tuple[Flow, ...] = ("X", "M")


class RowCapError(SourceError):
    """An answer reached the row cap, so it may be missing partners."""

    def __init__(self, message: str, seen_partners: frozenset[int] = frozenset()) -> None:
        super().__init__(message)
        self.seen_partners = seen_partners


#: Partners per request when a capped question is split (keeps URLs far below ~4,000 chars).
SPLIT_CHUNK = 90


class ComtradeRecord(BaseModel):
    """The fields of one data row we rely on (the API sends ~45; the rest are ignored)."""

    model_config = ConfigDict(extra="ignore")

    period: str
    refYear: int | None = None
    reporterCode: int
    reporterDesc: str | None = None
    flowCode: str
    partnerCode: int
    partnerDesc: str | None = None
    partner2Code: int | None = 0
    cmdCode: str = "TOTAL"
    customsCode: str | None = "C00"
    motCode: int | None = 0
    primaryValue: float | None


class ComtradeEnvelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    count: int = 0
    data: list[ComtradeRecord] = []
    error: str | None = ""


class ComtradeClient:
    """Preview API without a key, keyed ``/data/v1/get`` with one; same parsing for both."""

    def __init__(self, http: SourceHttp, base_url: str, api_key: str = "") -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    @property
    def cap(self) -> int:
        return KEYED_MAX_RECORDS if self.api_key else PREVIEW_CAP

    def request_for(
        self, reporter: int, year: int, flow: str, partner: int | None = None, *, totals_only: bool = True
    ) -> tuple[str, list[tuple[str, str]]]:
        if flow not in ("X", "M", "M,X", "X,M"):
            raise InputError(f"Comtrade flow must be X or M, got {flow!r}")
        if not 1962 <= year <= 2100:
            raise InputError(f"Comtrade year out of range: {year}")
        path = "/data/v1/get/C/A/HS" if self.api_key else "/public/v1/preview/C/A/HS"
        params = [("reporterCode", str(reporter)), ("period", str(year)), ("flowCode", flow), ("cmdCode", "TOTAL")]
        if partner is not None:
            params.append(("partnerCode", str(partner)))
        if totals_only:
            params += [("partner2Code", "0"), ("customsCode", "C00"), ("motCode", "0")]
        params.append(("includeDesc", "true"))
        if self.api_key:
            params.append(("maxRecords", str(KEYED_MAX_RECORDS)))
        return self.base_url + path, params

    def annual_partners(self, reporter: int, year: int, flow: Flow) -> Fetched:
        """Every partner of ``reporter`` in ``year`` for one flow (World = partner 0, kept as received)."""
        url, params = self.request_for(reporter, year, flow)
        return self._fetch(url, params, reporter, year, (flow,))

    def annual_partners_split(self, reporter: int, year: int, flow: Flow) -> list[Fetched]:
        """Like ``annual_partners``, but a capped answer is re-asked in partner chunks instead of failing.

        Each chunk must itself stay under the cap and no partner may come back twice, so the
        union is complete; if a chunk is capped too, the whole question is refused.
        """
        try:
            return [self.annual_partners(reporter, year, flow)]
        except RowCapError as capped:
            seen_in_capped = capped.seen_partners
        codes = sorted((set(_area_names("partnerAreas.csv")) | seen_in_capped) - {reporter})
        chunks = [codes[i:i + SPLIT_CHUNK] for i in range(0, len(codes), SPLIT_CHUNK)]
        answers: list[Fetched] = []
        seen: set[int] = set()
        for chunk in chunks:
            url, params = self.request_for(reporter, year, flow)
            params.insert(4, ("partnerCode", ",".join(str(c) for c in chunk)))
            fetched = self._fetch(url, params, reporter, year, (flow,))
            again = seen & {r.partner_code for r in fetched.comtrade}
            if again:
                raise SourceError(f"comtrade: split answers for {reporter} {year} {flow} repeat partners {sorted(again)[:5]}")
            seen |= {r.partner_code for r in fetched.comtrade}
            answers.append(fetched)
        if seen_in_capped - seen:
            raise SourceError(f"comtrade: split answers for {reporter} {year} {flow} lack partners the capped answer had")
        return answers

    def annual_pair(
        self, reporter: int, partner: int, year: int, flows: Sequence[Flow] = ("M", "X"), *, totals_only: bool = True
    ) -> Fetched:
        """One partner, both flows. ``totals_only=False`` reproduces a plain query; the parser still
        refuses any breakdown rows, so the answer is only used when it holds totals."""
        url, params = self.request_for(reporter, year, ",".join(flows), partner, totals_only=totals_only)
        return self._fetch(url, params, reporter, year, tuple(flows))

    def _fetch(self, url: str, params: list[tuple[str, str]], reporter: int, year: int, flows: tuple[str, ...]) -> Fetched:
        headers = {"Ocp-Apim-Subscription-Key": self.api_key} if self.api_key else None
        raw = self.http.request("GET", url, params=params, headers=headers)
        rows = parse_annual(raw, reporter=reporter, year=year, flows=flows, cap=self.cap)
        asked = dict(params)
        dataset = "comtrade.get.C.A.HS" if self.api_key else "comtrade.preview.C.A.HS"
        provenance = Provenance(dataset=dataset, flow=",".join(flows), window=str(year), reporter=str(reporter),
                                partner=asked.get("partnerCode", ""))
        return Fetched(raw=raw, comtrade=rows, provenance=provenance)


@functools.cache
def _area_names(table: str) -> dict[int, str]:
    with (TABLES / table).open(encoding="utf-8") as fh:
        return {int(row["id"]): row["text"].strip() for row in csv.DictReader(fh)}


def area_name(code: int, table: str) -> str:
    """Name from the shipped Comtrade reference table, for answers asked without ``includeDesc``."""
    return _area_names(table).get(code, str(code))


def parse_answer(raw: RawResponse) -> ComtradeEnvelope:
    text = raw.body.decode("utf-8", errors="replace").strip()
    if text.startswith("<"):
        raise SourceError(f"comtrade: {raw.url} answered with an HTML page instead of JSON (gateway or key problem)")
    try:
        envelope = ComtradeEnvelope.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise SourceError(f"comtrade: malformed JSON from {raw.url} ({exc.msg} at char {exc.pos})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SourceError(f"comtrade: unexpected answer shape from {raw.url} ({where}: {first['msg']})") from None
    if envelope.error:
        raise SourceError(f"comtrade: the API reported an error: {envelope.error}")
    return envelope


def parse_annual(raw: RawResponse, *, reporter: int, year: int, flows: tuple[str, ...], cap: int) -> list[ComtradeRow]:
    """Validated rows of one answer. Capped, duplicated or off-question answers raise ``SourceError``."""
    envelope = parse_answer(raw)
    records = envelope.data
    if len(records) >= cap or envelope.count >= cap:
        raise RowCapError(
            f"comtrade: the answer for reporter {reporter}, {year}, flow {'/'.join(flows)} has {max(len(records), envelope.count)} "
            f"rows, the {cap}-row cap; it may be truncated, so it is refused (narrow the query or set COMTRADE_API_KEY)",
            frozenset(r.partnerCode for r in records),
        )
    rows: list[ComtradeRow] = []
    seen: set[tuple[int, str]] = set()
    for rec in records:
        if rec.reporterCode != reporter or rec.period != str(year) or rec.flowCode not in flows:
            raise SourceError(
                f"comtrade: answer holds reporter {rec.reporterCode} {rec.period} {rec.flowCode}, "
                f"not the {reporter} {year} {'/'.join(flows)} asked for"
            )
        if rec.partner2Code not in (0, None) or rec.customsCode not in ("C00", None) or rec.motCode not in (0, None):
            raise SourceError("comtrade: answer holds customs/transport breakdown rows; totals only are accepted")
        key = (rec.partnerCode, rec.flowCode)
        if key in seen:
            raise SourceError(f"comtrade: partner {rec.partnerCode} appears twice for flow {rec.flowCode}")
        seen.add(key)
        if rec.primaryValue is None:
            continue
        rows.append(ComtradeRow(
            reporter_code=rec.reporterCode,
            reporter_desc=rec.reporterDesc or area_name(rec.reporterCode, "Reporters.csv"),
            partner_code=rec.partnerCode,
            partner_desc=rec.partnerDesc or area_name(rec.partnerCode, "partnerAreas.csv"),
            year=year,
            flow=rec.flowCode,  # type: ignore[arg-type]
            value_usd=float(rec.primaryValue),
        ))
    return rows
