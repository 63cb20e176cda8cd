"""Country codes and Traditional-Chinese names (Comtrade M49-based codes, Census Schedule C).

Why a table and not the LLM: the earlier system left partner codes numeric and let the
model translate them, so 490 ("Other Asia, nes" — Taiwan's own data in Comtrade) and 899
("Areas, nes") came out wrong. Names here come from ``tools/data/country_names.csv``
(CLDR zh-Hant names, hand-fixed for Comtrade specials); the rule for which partner codes
are aggregates (excluded from shares and HHI) also lives here, next to the codes.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tools.errors import InputError

_DATA = Path(__file__).parent / "data"
NAMES_CSV = _DATA / "country_names.csv"
PARTNER_AREAS_CSV = _DATA / "comtrade" / "partnerAreas.csv"

#: Comtrade codes that are not countries although the reference table does not mark them
#: as groups: Areas nes, Bunkers, Free Zones, Special Categories, Neutral Zone, EU, ASEAN.
SPECIAL_AGGREGATES = frozenset({899, 837, 838, 839, 536, 97, 975})
#: "Other Asia, nes" is Taiwan's own trade in Comtrade (and 158 is Taiwan's M49 code):
#: never treat these as aggregates.
TAIWAN_CODES = frozenset({490, 158})


@dataclass(frozen=True)
class Country:
    name_zh: str
    name_en: str
    comtrade: int | None
    census: str | None
    iso2: str | None
    aliases: tuple[str, ...] = field(default=(), compare=False)


def _norm(text: str) -> str:
    t = text.strip().casefold().replace("臺", "台")
    return re.sub(r"\s+", " ", t)


@dataclass(frozen=True)
class _Tables:
    by_comtrade: dict[int, Country]
    by_census: dict[str, Country]
    by_key: dict[str, Country]
    groups: frozenset[int]


def _canonical(rows: list[Country]) -> dict[str, Country]:
    """ISO2 -> the row used for data: the one carrying the Census code, else the first current one."""
    out: dict[str, Country] = {}
    for c in rows:
        if not c.iso2:
            continue
        if c.census or c.iso2 not in out:
            if c.iso2 in out and out[c.iso2].census:
                continue
            out[c.iso2] = c
    return out


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    rows: list[Country] = []
    expired: set[int] = set()
    with NAMES_CSV.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            c = Country(
                name_zh=r["name_zh"],
                name_en=r["name_en"],
                comtrade=int(r["comtrade"]),
                census=r["census"] or None,
                iso2=r["iso2"] or None,
                aliases=tuple(a for a in r["aliases"].split("|") if a),
            )
            rows.append(c)
            if r.get("expired"):
                expired.add(int(r["comtrade"]))
    by_comtrade = {c.comtrade: c for c in rows if c.comtrade is not None}
    by_census = {c.census: c for c in rows if c.census}
    canonical = _canonical([c for c in rows if c.comtrade not in expired])
    by_key: dict[str, Country] = {}
    # Later assignments win: aliases first, then names, ISO2 and codes (most specific last).
    current = [c for c in rows if c.comtrade not in expired] + [c for c in rows if c.comtrade in expired]
    for c in reversed(current):
        target = canonical.get(c.iso2 or "", c)
        for a in c.aliases:
            by_key.setdefault(_norm(a), target)
    for c in reversed(current):
        target = canonical.get(c.iso2 or "", c)
        by_key[_norm(c.name_zh)] = target
        by_key[_norm(c.name_en)] = target
    for iso2, c in canonical.items():
        by_key[_norm(iso2)] = c
    groups: set[int] = set()
    with PARTNER_AREAS_CSV.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["isGroup"].strip().lower() == "true":
                groups.add(int(r["PartnerCode"]))
    return _Tables(by_comtrade, by_census, by_key, frozenset(groups))


def name_zh(code: int | str, scheme: str = "comtrade", fallback: str | None = None) -> str:
    """zh-Hant name of a Comtrade code (default) or a Census Schedule C code (``scheme='census'``).

    Unknown code: ``fallback`` if given (e.g. the source's English description), else InputError.
    """
    t = _tables()
    c: Country | None
    if scheme == "census":
        c = t.by_census.get(str(code).strip())
    elif scheme == "comtrade":
        try:
            c = t.by_comtrade.get(int(code))
        except (TypeError, ValueError):
            c = None
    else:
        raise InputError(f"unknown code scheme {scheme!r}: use 'comtrade' or 'census'")
    if c is not None:
        return c.name_zh
    if fallback is not None:
        return fallback
    raise InputError(f"unknown {scheme} country code {code!r}")


def by_comtrade(code: int) -> Country | None:
    return _tables().by_comtrade.get(int(code))


def by_census(code: str) -> Country | None:
    return _tables().by_census.get(str(code))


def resolve(text: str | int) -> Country:
    """A country from a zh-Hant/zh-Hans/English name, ISO2, Comtrade code or Census code.

    Taiwan resolves to Comtrade 490 (the code its data is published under) whether asked
    as 台灣, 台湾, Taiwan, TW, 158, 490 or 5830.
    """
    t = _tables()
    raw = str(text).strip()
    if not raw:
        raise InputError("empty country name")
    if raw.isdigit():
        if len(raw) == 4 and raw in t.by_census:
            return t.by_census[raw]
        c = t.by_comtrade.get(int(raw))
        if c is not None:
            canon = t.by_key.get(_norm(c.iso2)) if c.iso2 else None
            # Fold onto the row used for data only when it is the same country (158 -> 490, 840 -> 842).
            return canon if canon is not None and canon.name_zh == c.name_zh else c
        raise InputError(f"unknown country code {raw!r}")
    c = t.by_key.get(_norm(raw))
    if c is None:
        raise InputError(f"unknown country {raw!r}: try a name (台灣, Japan), ISO2 (TW) or a code (490, 5830)")
    return c


def aggregate_reason(code: int, desc: str | None = None) -> str | None:
    """Why a Comtrade partner code is not a country (so it is left out of shares/HHI), or None.

    Rule: World (0); codes flagged ``isGroup`` in the Comtrade partner table; descriptions
    containing ", nes" (not elsewhere specified); Bunkers, Free Zones, Special Categories,
    Neutral Zone, Areas nes, EU, ASEAN. Exception: 490 "Other Asia, nes" and 158 are Taiwan.
    """
    code = int(code)
    if code in TAIWAN_CODES:
        return None
    if code == 0:
        return "world"
    if code in _tables().groups:
        return "group"
    if code in SPECIAL_AGGREGATES:
        return "special"
    known = by_comtrade(code)
    name = desc if desc is not None else (known.name_en if known else "")
    if ", nes" in name or name.strip().lower().endswith(" nes"):
        return "nes"
    return None
