"""US Census international trade API: monthly country totals of exports and imports.

Why no commodity variable: asking ``get=CTY_CODE,CTY_NAME,ALL_VAL_MO`` without
``E_COMMODITY``/``COMM_LVL`` returns one total row per country and month, so nothing has to
be summed (summing HS2 rows is how the earlier system drifted). We still check that every
(CTY_CODE, time) pair arrives exactly once and refuse the answer otherwise.

Wire format: a JSON array of arrays of strings, header first; predicate variables (``time``,
``CTY_CODE``) are appended, so a column may appear twice. Empty body or 204 = no data; an
HTML body is the API's way of saying the key is invalid or the quota is used up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import RootModel, ValidationError

from tools.errors import InputError, SourceError
from tools.sources.http import SourceHttp
from tools.sources.records import CensusRow, Fetched, RawResponse

Flow = Literal["exports", "imports"]
#: (month variable, year-to-date variable) per flow: total exports, general imports.
VARIABLES: dict[Flow, tuple[str, str]] = {"exports": ("ALL_VAL_MO", "ALL_VAL_YR"), "imports": ("GEN_VAL_MO", "GEN_VAL_YR")}
#: Partners the briefing follows: China, Taiwan, Japan, South Korea, Germany (Schedule C codes).
DEFAULT_COUNTRIES = ("5700", "5830", "5880", "5800", "4280")

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class CensusTable(RootModel[list[list[str | None]]]):
    """The wire format: rows of string cells (null tolerated), header first."""


def check_month(value: str, what: str = "month") -> str:
    if not _MONTH.match(value):
        raise InputError(f"{what} must look like YYYY-MM, got {value!r}")
    return value


def time_predicate(since: str, until: str) -> str:
    """``time=2023-09`` for one month, ``time=from A to B`` for a range (API syntax)."""
    check_month(since, "--since")
    check_month(until, "--until")
    if since > until:
        raise InputError(f"--since {since} is after --until {until}")
    return since if since == until else f"from {since} to {until}"


class CensusClient:
    """Builds Census requests, sends them through ``SourceHttp``, validates the answer into rows."""

    def __init__(self, http: SourceHttp, base_url: str, api_key: str = "") -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    def request_for(
        self, flow: Flow, since: str, until: str, countries: Sequence[str] = DEFAULT_COUNTRIES, *, with_ytd: bool = True
    ) -> tuple[str, list[tuple[str, str]]]:
        month_var, ytd_var = VARIABLES[flow]
        get = ["CTY_CODE", "CTY_NAME", month_var] + ([ytd_var] if with_ytd else [])
        params = [("get", ",".join(get)), ("time", time_predicate(since, until))]
        params += [("CTY_CODE", code) for code in countries]
        if self.api_key:
            params.append(("key", self.api_key))
        return f"{self.base_url}/{flow}/hs", params

    def monthly_totals(
        self, flow: Flow, since: str, until: str, countries: Sequence[str] = DEFAULT_COUNTRIES, *, with_ytd: bool = True
    ) -> Fetched:
        url, params = self.request_for(flow, since, until, countries, with_ytd=with_ytd)
        raw = self.http.request("GET", url, params=params)
        return Fetched(raw=raw, census=parse_monthly(raw, flow))


def parse_monthly(raw: RawResponse, flow: Flow) -> list[CensusRow]:
    """Rows of one Census answer; raises ``SourceError`` for anything that is not clean data."""
    text = raw.body.decode("utf-8", errors="replace").strip()
    if raw.status == 204 or not text:
        return []  # the API's way of saying: no data for this question
    if text.startswith("<") or "html" in raw.content_type.lower():
        snippet = re.sub(r"<[^>]+>", " ", text)
        snippet = " ".join(snippet.split())[:100]
        raise SourceError(
            "census: the API answered with an HTML page instead of data, which means the key was refused or "
            f"the daily quota is used up (check CENSUS_API_KEY): {snippet!r}"
        )
    try:
        table = CensusTable.model_validate(json.loads(text)).root
    except json.JSONDecodeError as exc:
        raise SourceError(f"census: malformed JSON from {raw.url} ({exc.msg} at char {exc.pos})") from None
    except ValidationError:
        raise SourceError(f"census: {raw.url} did not answer with an array of string rows") from None
    if not table:
        return []
    header, body = table[0], table[1:]
    month_var, ytd_var = VARIABLES[flow]
    col = _first_index(header)
    for needed in ("CTY_CODE", month_var, "time"):
        if needed not in col:
            raise SourceError(f"census: answer from {raw.url} lacks column {needed} (header: {header})")
    rows: list[CensusRow] = []
    seen: set[tuple[str, str]] = set()
    for cells in body:
        if len(cells) != len(header):
            raise SourceError(f"census: a row has {len(cells)} cells but the header has {len(header)}")
        code = (cells[col["CTY_CODE"]] or "").strip()
        period = (cells[col["time"]] or "").strip()
        if not _MONTH.match(period):
            raise SourceError(f"census: unexpected time value {period!r} (want YYYY-MM)")
        if (code, period) in seen:
            raise SourceError(
                f"census: more than one row for country {code} in {period}; the answer is not a country total "
                "(was a commodity variable added?)"
            )
        seen.add((code, period))
        name = (cells[col["CTY_NAME"]] or "").strip() if "CTY_NAME" in col else ""
        rows.append(CensusRow(
            cty_code=code,
            cty_name=name,
            period=period,
            flow=flow,
            value_usd=_dollars(cells[col[month_var]], month_var),
            ytd_usd=_dollars(cells[col[ytd_var]], ytd_var) if ytd_var in col else None,
        ))
    return sorted(rows, key=lambda r: (r.cty_code, r.period))


def _first_index(header: list[str | None]) -> dict[str, int]:
    """Column positions; a duplicated column (predicate appended) keeps its first position."""
    col: dict[str, int] = {}
    for i, name in enumerate(header):
        if name is not None and name not in col:
            col[name] = i
    return col


def _dollars(cell: str | None, var: str) -> float | None:
    if cell is None or cell.strip() in ("", "-", "(D)", "(X)"):
        return None
    try:
        return float(int(cell.strip()))
    except ValueError:
        raise SourceError(f"census: {var} value {cell!r} is not a whole-dollar number") from None
