"""US Census international trade API: monthly country totals, and optional HS-level detail.

Why no commodity variable: asking ``get=CTY_CODE,CTY_NAME,ALL_VAL_MO`` without
``E_COMMODITY``/``COMM_LVL`` returns one total row per country and month, so nothing has to
be summed (summing HS2 rows is how the earlier system drifted). We still check that every
(CTY_CODE, time) pair arrives exactly once and refuse the answer otherwise.

Wire format: a JSON array of arrays of strings, header first; predicate variables (``time``,
``CTY_CODE``) are appended, so a column may appear twice. Empty body or 204 = no data; an
HTML body is the API's way of saying the key is invalid or the quota is used up.

HS detail (``E_COMMODITY``/``I_COMMODITY`` with ``COMM_LVL``) is a separate question whose
rows go to their own table; they are never summed into the country totals above.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import RootModel, ValidationError

from tools.errors import InputError, SourceError
from tools.sources.http import SourceHttp
from tools.sources.records import CensusHsRow, CensusRow, Fetched, Provenance, RawResponse

Flow = Literal["exports", "imports"]
#: (month variable, year-to-date variable) per flow: total exports, general imports.
VARIABLES: dict[Flow, tuple[str, str]] = {"exports": ("ALL_VAL_MO", "ALL_VAL_YR"), "imports": ("GEN_VAL_MO", "GEN_VAL_YR")}
#: HS-level detail per flow: (commodity code, its description, month value, year-to-date value).
HS_VARIABLES: dict[Flow, tuple[str, str, str, str]] = {
    "exports": ("E_COMMODITY", "E_COMMODITY_LDESC", "ALL_VAL_MO", "ALL_VAL_YR"),
    "imports": ("I_COMMODITY", "I_COMMODITY_LDESC", "GEN_VAL_MO", "GEN_VAL_YR"),
}
#: ``COMM_LVL`` values and the number of digits a commodity code has at that level.
HS_LEVELS: dict[str, int] = {"HS2": 2, "HS4": 4, "HS6": 6, "HS10": 10}
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


def check_level(value: str) -> str:
    """``hs2``/``HS2`` → ``HS2``; anything else is the user's mistake."""
    level = value.strip().upper()
    if level not in HS_LEVELS:
        raise InputError(f"--hs must be one of {', '.join(HS_LEVELS)}, got {value!r}")
    return level


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
        return Fetched(raw=raw, census=parse_monthly(raw, flow), provenance=_provenance(flow, since, until, countries))

    def hs_detail(
        self, flow: Flow, level: str, since: str, until: str, countries: Sequence[str] = DEFAULT_COUNTRIES,
        *, with_ytd: bool = True,
    ) -> Fetched:
        """The optional HS-level detail (``COMM_LVL``) for some partners and months, stored apart from totals."""
        url, params = hs_request(self.base_url, self.api_key, flow, level, since, until, countries, with_ytd=with_ytd)
        raw = self.http.request("GET", url, params=params)
        return Fetched(raw=raw, census_hs=parse_hs(raw, flow, check_level(level)),
                       provenance=_provenance(flow, since, until, countries, HS_DATASET + level.upper()))


#: Dataset label of HS-detail answers, completed with the level (HS2 … HS10).
HS_DATASET = "census.intltrade.hs."


def _provenance(flow: str, since: str, until: str, countries: Sequence[str],
                dataset: str = "census.intltrade.hs") -> Provenance:
    """What a Census question asked: the flow, the months and the partners (recorded with the answer)."""
    return Provenance(dataset=dataset, flow=flow, window=f"{since}–{until}" if since != until else since,
                      reporter="842", partner=",".join(countries))


def hs_request(
    base_url: str, api_key: str, flow: Flow, level: str, since: str, until: str, countries: Sequence[str],
    *, with_ytd: bool = True,
) -> tuple[str, list[tuple[str, str]]]:
    """The optional HS-detail question: commodities at one level for some partners and months.

    ``with_ytd=False`` leaves the year-to-date variable out (the bundled pull never asked for it).
    """
    level = check_level(level)
    if not countries:
        raise InputError("HS detail needs at least one country code")
    code_var, desc_var, month_var, ytd_var = HS_VARIABLES[flow]
    get = (code_var, desc_var, month_var) + ((ytd_var,) if with_ytd else ())
    params = [("get", ",".join(get)), ("COMM_LVL", level)]
    params += [("CTY_CODE", code) for code in countries]
    params.append(("time", time_predicate(since, until)))
    if api_key:
        params.append(("key", api_key))
    return f"{base_url}/{flow}/hs", params


def parse_hs(raw: RawResponse, flow: Flow, level: str) -> list[CensusHsRow]:
    """Rows of one HS-detail answer: exactly one per (commodity, country, month), all at ``level``.

    Why so strict: an answer mixing levels (HS2 and HS4 rows) or repeating a cell would be
    double-counted by anyone summing it, so it is refused rather than stored.
    """
    table = read_table(raw)
    if table is None:
        return []
    header, body = table
    code_var, desc_var, month_var, ytd_var = HS_VARIABLES[flow]
    col = _first_index(header)
    for needed in (code_var, month_var, "time", "CTY_CODE"):
        if needed not in col:
            raise SourceError(f"census: HS answer from {raw.url} lacks column {needed} (header: {header})")
    digits = HS_LEVELS[level]
    rows: list[CensusHsRow] = []
    seen: set[tuple[str, str, str]] = set()
    for cells in body:
        if len(cells) != len(header):
            raise SourceError(f"census: a row has {len(cells)} cells but the header has {len(header)}")
        code = (cells[col[code_var]] or "").strip()
        country = (cells[col["CTY_CODE"]] or "").strip()
        period = (cells[col["time"]] or "").strip()
        if not _MONTH.match(period):
            raise SourceError(f"census: unexpected time value {period!r} (want YYYY-MM)")
        if "COMM_LVL" in col and (cells[col["COMM_LVL"]] or "").strip().upper() != level:
            raise SourceError(f"census: asked for {level} but a row is at level {cells[col['COMM_LVL']]!r}")
        if not (code.isdigit() and len(code) == digits):
            raise SourceError(f"census: commodity code {code!r} is not a {level} code ({digits} digits)")
        if (code, country, period) in seen:
            raise SourceError(f"census: more than one {level} row for commodity {code}, country {country} in {period}")
        seen.add((code, country, period))
        rows.append(CensusHsRow(
            comm_lvl=level,
            commodity=code,
            commodity_desc=(cells[col[desc_var]] or "").strip() if desc_var in col else "",
            cty_code=country,
            period=period,
            flow=flow,
            value_usd=_dollars(cells[col[month_var]], month_var),
            ytd_usd=_dollars(cells[col[ytd_var]], ytd_var) if ytd_var in col else None,
        ))
    return sorted(rows, key=lambda r: (r.cty_code, r.period, r.commodity))


def read_table(raw: RawResponse) -> tuple[list[str | None], list[list[str | None]]] | None:
    """Header and body rows of one Census answer; None when the answer says "no data".

    Raises ``SourceError`` for an HTML page (key/quota problem), malformed JSON or a body
    that is not an array of string rows, so every Census query tells these apart the same way.
    """
    text = raw.body.decode("utf-8", errors="replace").strip()
    if raw.status == 204 or not text:
        return None  # the API's way of saying: no data for this question
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
        return None
    return table[0], table[1:]


def parse_monthly(raw: RawResponse, flow: Flow) -> list[CensusRow]:
    """Rows of one Census answer; raises ``SourceError`` for anything that is not clean data."""
    table = read_table(raw)
    if table is None:
        return []
    header, body = table
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
