"""Per-source knowledge, declared once: a source is one client (tools/sources/<name>.py) plus this spec.

Why: base-URL setting names, staleness and the dataset label used to live in
five shared modules (records.SOURCES, fetch.BASE_SETTINGS, store.STALE_AFTER, facts.make.dataset_of,
provenance parsing URLs). Adding a source meant finding all of them. Now they are fields of
one ``SourceSpec``; the fetcher, the store and the fact layer read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

SourceName = Literal["census", "comtrade", "mofcom", "worldbank", "federal-register"]


@dataclass(frozen=True)
class SourceSpec:
    """Everything the shared layers need to know about one source."""

    name: SourceName
    title_zh: str  # how a page names the source
    base_setting: str  # setting holding the base URL (tools.settings.SPECS)
    key_setting: str  # setting holding the API key ('' when the source takes none)
    stale_after: timedelta  # `agent sources` calls the newest check older than this stale
    dataset: str  # dataset label when the client records none (e.g. answers stored before provenance)
    # The offline sample needs no entry here: every data/sample/*/routes.json is read (tools.sources.sample).
    kind: Literal["trade", "documents"] = "trade"


SOURCE_SPECS: dict[SourceName, SourceSpec] = {
    spec.name: spec for spec in (
        # Annual data trickles in over months.
        SourceSpec("comtrade", "UN Comtrade", "COMTRADE_BASE_URL", "COMTRADE_API_KEY", timedelta(days=90),
                   "comtrade"),
        # Census publishes monthly.
        SourceSpec("census", "US Census 國際貿易 API", "CENSUS_API_BASE", "CENSUS_API_KEY", timedelta(days=35),
                   "census.intltrade"),
        # MOFCOM posts weekly.
        SourceSpec("mofcom", "商務部出口管制資訊網", "MOFCOM_BASE_URL", "", timedelta(days=7), "mofcom.exportcontrol",
                   kind="documents"),
        # Annual indicators, revised a few times a year.
        SourceSpec("worldbank", "世界銀行 WDI", "WORLDBANK_API_BASE", "", timedelta(days=180), "worldbank.wdi"),
        # BIS publishes most weekdays.
        SourceSpec("federal-register", "美國聯邦公報（BIS）", "FEDERAL_REGISTER_BASE_URL", "", timedelta(days=7),
                   "federalregister.documents", kind="documents"),
    )
}

#: Fetch order (and the order `agent sources` lists them).
SOURCES: tuple[SourceName, ...] = tuple(SOURCE_SPECS)


def spec(name: str) -> SourceSpec:
    """The spec of a known source (KeyError naming the known ones otherwise)."""
    try:
        return SOURCE_SPECS[name]  # type: ignore[index]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCE_SPECS)}") from None
