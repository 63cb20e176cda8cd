"""What a client hands the store: the raw answer as received plus the rows parsed from it.

Why a separate module: the store must know the shape of parsed rows without importing
any HTTP client, and the clients must not know how the store keeps them. A ``Fetched``
is built only after parsing and validation succeeded, so the store never sees bytes it
could not read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from tools.sources.models import PolicyDoc
from tools.sources.registry import SOURCES, SourceName

__all__ = ["SOURCES", "SourceName", "RawResponse", "Provenance", "Fetched", "CensusRow", "CensusHsRow", "ComtradeRow", "WorldBankRow"]

#: Query parameters that are credentials: never stored, never part of a query key.
SECRET_PARAMS = frozenset({"key", "subscription-key"})


@dataclass(frozen=True)
class RawResponse:
    """One HTTP answer exactly as received, with the request that produced it."""

    source: SourceName
    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    synthetic: bool = False
    form: tuple[tuple[str, str], ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def public_params(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.params if k not in SECRET_PARAMS]

    @property
    def query_key(self) -> str:
        """Identity of the question asked (credentials excluded): re-asking it makes a new vintage."""
        return json.dumps(
            [self.source, self.method.upper(), self.url, sorted(self.public_params), sorted(self.form)],
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class CensusRow:
    """One country total for one month and one flow (whole USD; None = not published)."""

    cty_code: str
    cty_name: str
    period: str  # YYYY-MM
    flow: Literal["exports", "imports"]
    value_usd: float | None
    ytd_usd: float | None = None


@dataclass(frozen=True)
class CensusHsRow:
    """One commodity's value for one partner, month and flow at one HS level (whole USD; None = not published).

    Kept apart from ``CensusRow`` on purpose: HS rows are detail, never summed into a country total.
    """

    comm_lvl: str  # HS2 | HS4 | HS6 | HS10
    commodity: str  # E_COMMODITY (exports, Schedule B) or I_COMMODITY (imports, HTS)
    commodity_desc: str
    cty_code: str
    period: str  # YYYY-MM
    flow: Literal["exports", "imports"]
    value_usd: float | None
    ytd_usd: float | None = None


@dataclass(frozen=True)
class ComtradeRow:
    """One annual reporter→partner total for one flow (primaryValue, USD)."""

    reporter_code: int
    reporter_desc: str
    partner_code: int
    partner_desc: str
    year: int
    flow: Literal["X", "M"]
    value_usd: float


@dataclass(frozen=True)
class WorldBankRow:
    """One annual observation of one World Bank indicator for one economy (None = not published)."""

    iso3: str
    country_name: str
    indicator: str  # e.g. NY.GDP.MKTP.KD.ZG
    indicator_name: str
    year: int
    value: float | None


@dataclass(frozen=True)
class Provenance:
    """What the client knew when it asked, stored with the answer so nobody re-parses the URL.

    ``window`` is the period asked for ('2024-01–2025-11' for months, '2024' for a year);
    ``reporter``/``partner`` the codes named in the question ('' = none / all).
    """

    dataset: str = ""
    flow: str = ""
    window: str = ""
    reporter: str = ""
    partner: str = ""


@dataclass(frozen=True)
class Fetched:
    """A validated answer: its raw bytes and what was parsed from them."""

    raw: RawResponse
    census: list[CensusRow] = field(default_factory=list)
    census_hs: list[CensusHsRow] = field(default_factory=list)
    comtrade: list[ComtradeRow] = field(default_factory=list)
    policy: list[PolicyDoc] = field(default_factory=list)
    worldbank: list[WorldBankRow] = field(default_factory=list)
    row_capped: bool = False
    provenance: Provenance = field(default_factory=Provenance)
