"""Constructors for facts of each unit, so every fact gets its displays from ``tools.fmt``.

Why: a fact's ``display``/``displays`` are what the verifier accepts in prose. Building them
in one place per unit keeps "USD 1,269 億" on the table and in the sentence identical.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from tools import fmt
from tools.facts.model import Basis, Fact, Period, SourceRef
from tools.sources.registry import spec

_CENSUS_DS = re.compile(r"intltrade/(?:exports|imports)/(\w+)")
_COMTRADE_DS = re.compile(r"/(preview|get|previewTariffline)/(\w)/(\w)/(\w+)")


def dataset_of(source: str, url: str) -> str:
    """The dataset label of an answer stored before clients recorded one (manifest ``dataset`` = '').

    New answers carry the label their client recorded; for old Census and Comtrade rows it is
    read from the stored URL once here; any other source gets its SourceSpec's label.
    """
    if source == "census":
        m = _CENSUS_DS.search(url or "")
        return f"census.intltrade.{m.group(1)}" if m else "census.intltrade"
    if source == "comtrade":
        m = _COMTRADE_DS.search(url or "")
        return f"comtrade.{m.group(1)}.{m.group(2)}.{m.group(3)}.{m.group(4)}" if m else "comtrade"
    return spec(source).dataset


def source_ref(source: str, url: str, fetched_at: datetime, vintage: str, synthetic: bool, *,
               dataset: str = "", flow: str = "", window: str = "", reporter: str = "",
               partner: str = "") -> SourceRef:
    """A citation of one stored answer; ``dataset``/``flow``/``window`` as the client recorded them."""
    return SourceRef(dataset=dataset or dataset_of(source, url), url=url or "", fetched_at=fetched_at,
                     vintage=str(vintage), synthetic=bool(synthetic), flow=flow, window=window, reporter=reporter,
                     partner=partner)


@lru_cache(maxsize=4096)
def period(start: str, end: str, basis: Basis | str, label_zh: str) -> Period:
    """A Period (cached: many facts share one; nothing mutates them)."""
    return Period(start=start, end=end, basis=Basis(basis), label_zh=label_zh)


def year_period(year: int) -> Period:
    return period(str(year), str(year), Basis.YEAR, f"{year} 年")


def _clean(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _fact(**kw: Any) -> Fact:
    return Fact(**kw)


def usd_fact(*, magnitude: bool = False, **kw: object) -> Fact:
    """A USD amount. ``magnitude=True`` displays |value| (a balance whose label says 逆差/順差)."""
    value = _clean(kw.pop("value"))  # type: ignore[arg-type]
    if value is None:
        return _fact(value=None, unit="USD", display="—", displays=[], **kw)
    shown = abs(value) if magnitude else value
    forms = fmt.usd_forms(shown)
    if magnitude and value < 0:
        forms += [f for f in fmt.usd_forms(value) if f not in forms]
    return _fact(value=value, unit="USD", display=fmt.usd(shown), displays=forms, **kw)


def pct_fact(*, signed: bool = False, **kw: object) -> Fact:
    """A percentage: a share (``signed=False``, '42.0%') or a change ('+88.7%')."""
    value = _clean(kw.pop("value"))  # type: ignore[arg-type]
    if value is None:
        return _fact(value=None, unit="pct", display="—", displays=[], **kw)
    display = fmt.signed_pct(value) if signed else fmt.pct(value)
    return _fact(value=value, unit="pct", display=display, displays=fmt.pct_forms(value, signed=signed),
                **kw)


def index_fact(**kw: object) -> Fact:
    value = _clean(kw.pop("value"))  # type: ignore[arg-type]
    if value is None:
        return _fact(value=None, unit="index", display="—", displays=[], **kw)
    return _fact(value=value, unit="index", display=fmt.index(value), displays=fmt.index_forms(value),
                **kw)


def count_fact(**kw: object) -> Fact:
    value = _clean(kw.pop("value"))  # type: ignore[arg-type]
    if value is None:
        return _fact(value=None, unit="count", display="—", displays=[], **kw)
    return _fact(value=value, unit="count", display=fmt.count(value), displays=fmt.count_forms(value),
                **kw)


def text_fact(*, text: str, alternatives: list[str] | None = None, **kw: object) -> Fact:
    """A short categorical statement ('低', '由順差轉為逆差'); ``value`` is None."""
    displays = list(dict.fromkeys([text, *(alternatives or [])]))
    return _fact(value=None, unit="text", display=text, displays=displays, **kw)
