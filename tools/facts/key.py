"""The fact key: what a figure is, as typed fields; and the ONE place its printable id is made.

Why: the briefing, the chat and the fact table all need "the Jan–Nov balance of US trade with
Taiwan" or "Japan's 2024 export HHI". When that identity lived only in an id string, five
modules parsed it back with regexes and splits, and each parser was a place for the scheme to
drift. Now a fact carries a ``FactKey``; callers find facts by key fields
(``FactSheet.find``/``FactSheet.get``), and ``fact_id`` turns a key into the stable printable
name (``census.5830.balance.ytd.2025-01_2025-11``) that prompts, sidecars and reviewers see.
Nothing outside ``tools.facts`` parses an id; ``key_from_legacy_id`` below exists only so
sidecars and fixtures written before keys existed still load.

Field meanings (codes are in the scheme of ``source``: Census country codes for ``census``,
Comtrade M49 codes for ``comtrade`` and ``mirror``):
- ``source``: the producer that made the figure (census, comtrade, mirror, ...).
- ``reporter``/``partner``/``commodity``: who reports, about whom, for which goods ('' = all).
- ``flow``: exports | imports | balance (Census) or X | M (Comtrade); '' when not a flow.
- ``measure``: what is computed over the flow: ``value`` (a sum), ``yoy``, ``max_deficit``,
  ``revision`` (Census); ``total``, ``hhi``, ``share``, ``partner`` (a partner's value), ... (Comtrade);
  ``gap`` (mirror); ``cutoff`` and counts for page-level facts.
- ``basis``/``start``/``end``: the period and how it was aggregated (never mixed silently).
- ``view``: '' for a figure; ``wow``/``yago`` for a comparison with the previous/year-ago week's
  sheet; ``cutoff`` for a source's data cut-off; ``sources`` for counts of the 資料來源 line;
  ``named`` for an old id that fits no scheme (kept verbatim in ``measure``).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Basis(StrEnum):
    """How a period was aggregated. Comparisons are only made between equal bases."""

    MONTH = "month"  # one calendar month
    YTD = "ytd"  # January through month N of one year (incomplete year)
    YEAR = "year"  # a full calendar year
    WINDOW = "window"  # a stored window of months (extremes: "since 2024-01")
    SNAPSHOT = "snapshot"  # a point-in-time statement (counts, flags)


class FactKey(BaseModel):
    """What a fact is: typed, hashable, comparable; ``fact_id`` prints it."""

    model_config = ConfigDict(frozen=True)

    source: str
    reporter: str = ""
    partner: str = ""
    commodity: str = ""
    flow: str = ""
    measure: str = "value"
    basis: Basis
    start: str = ""
    end: str = ""
    view: str = ""

    def with_(self, **changes: Any) -> FactKey:
        """The key of a sibling fact (same series, another measure or period)."""
        return self.model_copy(update=changes)

    @property
    def series(self) -> tuple[str, str, str, str, str, str]:
        """Everything but the period: two facts of one series differ only in when they cover."""
        return (self.source, self.reporter, self.partner, self.commodity, self.flow, self.measure)


def _range(key: FactKey) -> str:
    return f"{key.start}_{key.end}"


def fact_id(key: FactKey) -> str:
    """The stable printable name of a key (the only function that writes one)."""
    if key.view == "named":
        return f"{key.source}.{key.measure}" if key.measure else key.source
    if key.view == "cutoff":
        return f"cutoff.{key.source}"
    if key.view == "sources":
        return f"sources.{key.source}.{key.measure}"
    if key.view:  # a comparison with another week's sheet: wow.census.5830.balance, wow.census.cutoff
        parts = [key.view, key.source, key.partner, key.flow, "" if key.measure == "value" else key.measure]
        return ".".join(p for p in parts if p)
    if key.source == "census":
        goods = f".hs{key.commodity}" if key.commodity else ""
        head = f"census.{key.partner}{goods}.{key.flow}"
        if key.measure == "value":
            return f"{head}.{key.basis.value}.{_range(key)}"
        if key.measure == "revision":
            return f"{head}.revision.{key.start}"
        return f"{head}.{key.measure}.{_range(key)}"
    if key.source == "comtrade":
        goods = f".hs{key.commodity}" if key.commodity else ""
        head = f"comtrade.{key.reporter}{goods}.{key.flow}.{key.start}.{key.measure}"
        return f"{head}.{key.partner}" if key.measure in ("partner", "share") else head
    if key.source == "mirror":
        if key.flow:  # the US Census side against the partner's Comtrade record; partner = Census code
            return f"mirror.census.{key.partner}.{key.start}.{key.flow}.gap"
        return f"mirror.{key.reporter}.{key.partner}.{key.start}.{key.measure}"
    parts = [key.source, key.reporter, key.partner, key.commodity, key.flow, key.measure, key.basis.value,
             _range(key) if key.start else ""]
    return ".".join(p for p in parts if p)


# --- reading ids written before facts had keys (old sidecars, fixtures) ------------------------
_LEGACY: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^cutoff\.(?P<source>\w+)$"), "cutoff"),
    (re.compile(r"^(?P<view>wow|yago)\.(?P<source>\w+)\.cutoff$"), "view_cutoff"),
    (re.compile(r"^(?P<view>wow|yago)\.(?P<source>census)\.(?P<partner>\w+)\.(?P<flow>\w+)$"), "view_flow"),
    (re.compile(r"^sources\.(?P<source>\w+)\.(?P<measure>\w+)$"), "sources"),
    (re.compile(r"^census\.(?P<partner>\w+)\.(?P<flow>exports|imports|balance)\.(?P<basis>ytd|year|month)\."
                r"(?P<start>[\d-]+)_(?P<end>[\d-]+)$"), "census_value"),
    (re.compile(r"^census\.(?P<partner>\w+)\.(?P<flow>exports|imports|balance)\.revision\.(?P<start>[\d-]+)$"),
     "census_revision"),
    (re.compile(r"^census\.(?P<partner>\w+)\.(?P<flow>exports|imports|balance)\.(?P<measure>\w+)\."
                r"(?P<start>[\d-]+)_(?P<end>[\d-]+)$"), "census_measure"),
    (re.compile(r"^comtrade\.(?P<reporter>\d+)\.(?P<flow>[XM])\.(?P<start>\d{4})\.(?P<measure>partner|share)\."
                r"(?P<partner>\d+)$"), "comtrade"),
    (re.compile(r"^comtrade\.(?P<reporter>\d+)\.(?P<flow>[XM])\.(?P<start>\d{4})\.(?P<measure>\w+)$"), "comtrade"),
    (re.compile(r"^mirror\.census\.(?P<partner>\w+)\.(?P<start>\d{4})\.(?P<flow>exports|imports)\.gap$"), "mirror"),
    (re.compile(r"^mirror\.(?P<reporter>\d+)\.(?P<partner>\d+)\.(?P<start>\d{4})\.(?P<measure>gap)$"), "mirror"),
]


def key_from_legacy_id(fid: str, basis: Basis, start: str, end: str) -> FactKey:
    """The key of an id written before keys existed; ``basis/start/end`` come from the fact's period.

    Only the Fact model calls this, when it reads JSON without a ``key``. An id fitting no
    known scheme is kept verbatim (``view='named'``) so it still prints as itself.
    """
    for pattern, form in _LEGACY:
        m = pattern.match(fid)
        if m is None:
            continue
        g = {k: v for k, v in m.groupdict().items() if v is not None}
        common: dict[str, Any] = {"basis": basis, "start": start, "end": end}
        if form == "cutoff":
            key = FactKey(source=g["source"], measure="cutoff", view="cutoff", **common)
        elif form == "view_cutoff":
            key = FactKey(source=g["source"], measure="cutoff", view=g["view"], **common)
        elif form == "view_flow":
            key = FactKey(source=g["source"], reporter="842", partner=g["partner"], flow=g["flow"], view=g["view"],
                          **common)
        elif form == "sources":
            key = FactKey(source=g["source"], measure=g["measure"], view="sources", **common)
        elif form == "census_value":
            key = FactKey(source="census", reporter="842", partner=g["partner"], flow=g["flow"],
                          basis=Basis(g["basis"]), start=g["start"], end=g["end"])
        elif form == "census_revision":
            key = FactKey(source="census", reporter="842", partner=g["partner"], flow=g["flow"], measure="revision",
                          basis=basis, start=g["start"], end=end or g["start"])
        elif form == "census_measure":
            key = FactKey(source="census", reporter="842", partner=g["partner"], flow=g["flow"],
                          measure=g["measure"], basis=basis, start=g["start"], end=g["end"])
        elif form == "comtrade":
            key = FactKey(source="comtrade", reporter=g["reporter"], partner=g.get("partner", ""), flow=g["flow"],
                          measure=g["measure"], basis=Basis.YEAR, start=g["start"], end=g["start"])
        else:  # mirror
            key = FactKey(source="mirror", reporter=g.get("reporter", "842" if g.get("flow") else ""),
                          partner=g["partner"], flow=g.get("flow", ""), measure="gap", basis=Basis.YEAR,
                          start=g["start"], end=g["start"])
        if fact_id(key) == fid:
            return key
    head, _, rest = fid.partition(".")
    return FactKey(source=head, measure=rest, view="named", basis=basis, start=start, end=end)
