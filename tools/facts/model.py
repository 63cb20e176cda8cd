"""Fact and FactSheet: the contract between the numbers and the prose.

Why these fields: the narrator, the chat and the reviewer all need to know, for any
number on the page, what it is (``kind`` + ``subject``), on which basis it was computed
(``period.basis`` — a Jan–Nov sum is never silently a "year"), where it came from
(``sources``), and every display form a sentence may legitimately use (``displays``), so
the verifier can accept ``USD 1,269 億`` and reject ``USD 1,270 億``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, model_validator

from tools.facts.key import Basis, FactKey, fact_id, key_from_legacy_id

__all__ = ["Basis", "Fact", "FactKey", "FactSheet", "Period", "QualityFlag", "SourceRef"]


class Period(BaseModel):
    """A period with its basis. ``start``/``end`` are ``YYYY-MM`` (monthly data) or ``YYYY``."""

    start: str
    end: str
    basis: Basis
    label_zh: str = Field(description="e.g. '2025 年 1–11 月', '2024 年', '2025 年 10 月'")


class SourceRef(BaseModel):
    dataset: str = Field(description="e.g. 'census.intltrade.exports_hs', 'comtrade.preview.C.A.HS'")
    url: str = Field(description="The query URL (or sample file URL) the values came from")
    fetched_at: datetime
    vintage: str = Field(description="Identifier of the stored snapshot the values were read from")
    synthetic: bool = False
    # What the client knew when it asked (stored with the answer in the manifest), so a page can
    # label the link without parsing the URL: e.g. flow 'imports', window '2024-01–2025-11'.
    flow: str = Field(default="", description="exports | imports (Census), X | M (Comtrade); '' when mixed")
    window: str = Field(default="", description="Period asked: '2024-01–2025-11' (months) or '2024' (a year)")
    reporter: str = Field(default="", description="Reporter code asked for ('' when the query names none)")
    partner: str = Field(default="", description="Partner code(s) asked for, comma-separated ('' = all)")


Unit = Literal["USD", "pct", "pp", "index", "count", "text"]


class Fact(BaseModel):
    """One number (or a short categorical statement) with provenance and display forms.

    ``key`` says what the figure is; ``id`` is its printable name, always ``fact_id(key)``
    (e.g. ``census.5830.balance.ytd.2025-01_2025-11`` or ``comtrade.392.X.2024.hhi``). Build a
    fact with ``key=`` and the id follows; JSON written before keys existed (``id`` only, one
    ``source``) is read through the legacy id reader so old sidecars still load.
    """

    id: str = ""
    # Always set after validation: given, or read from a legacy ``id`` (so ``Fact(id=...)`` still works).
    key: FactKey = Field(default=None)  # type: ignore[assignment]
    kind: str = Field(description="balance | exports | imports | yoy | hhi | share | top_share | partner_count | "
                      "monthly_extreme | mirror_gap | revision | ...")
    value: float | None
    unit: Unit
    period: Period
    subject: dict[str, str] = Field(default_factory=dict, description="reporter/partner codes and zh names")
    label_zh: str = Field(description="What the number is, in zh-Hant, e.g. '美國對台灣貿易逆差'")
    display: str = Field(description="Primary zh-Hant display string, e.g. 'USD 1,269 億', '88.7%'")
    displays: list[str] = Field(default_factory=list, description="Every accepted display form incl. display")
    direction: Literal["up", "down", "flat"] | None = Field(
        default=None, description="For changes: sign of the change of the underlying magnitude")
    compares: list[str] = Field(default_factory=list, description="For changes: ids of [current, base] facts")
    sources: list[SourceRef] = Field(
        default_factory=list, description="Every query the value came from (a balance: exports AND imports)")
    derived_from: list[str] = Field(default_factory=list)
    formula: str = Field(default="", description="For derived figures: how the value follows from derived_from")
    note_zh: str = ""

    @model_validator(mode="before")
    @classmethod
    def _key_and_sources(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "source" in data:  # one SourceRef (older JSON and callers): the list of one
            one = data.pop("source")
            if "sources" not in data:
                data["sources"] = [one] if one is not None else []
        if data.get("key") is None and data.get("id"):
            per = data.get("period")
            per = per.model_dump() if isinstance(per, BaseModel) else dict(per or {})
            data["key"] = key_from_legacy_id(str(data["id"]), Basis(per.get("basis", "snapshot")),
                                             str(per.get("start", "")), str(per.get("end", "")))
        return data

    @model_validator(mode="after")
    def _id_of_key(self) -> Fact:
        if self.key is None:
            raise ValueError("a fact needs a key (or a printed id to read one from)")
        printed = fact_id(self.key)
        if self.id and self.id != printed:
            raise ValueError(f"fact id {self.id!r} is not the name of its key ({printed!r})")
        self.id = printed
        return self

    @property
    def source(self) -> SourceRef | None:
        """The first (primary) source: the query a one-link citation shows."""
        return self.sources[0] if self.sources else None


class QualityFlag(BaseModel):
    code: str = Field(description="synthetic_sample | partial_year | low_partner_coverage | missing_year | "
                      "stale_source | row_cap | mirror_gap | revision | ...")
    severity: Literal["info", "warn"] = "warn"
    message_zh: str
    subject: dict[str, str] = Field(default_factory=dict)
    fact_ids: list[str] = Field(default_factory=list)


#: The key fields ``FactSheet.find`` looks up through its index (the others are checked on the candidates).
_INDEXED_FIELDS = ("source", "reporter", "partner", "commodity", "flow", "measure", "view")


class FactSheet(BaseModel):
    week: str = Field(description="ISO week, e.g. '2026-W07'")
    period_start: date
    period_end: date
    generated_at: datetime
    data_cutoff: dict[str, str] = Field(default_factory=dict, description="source -> last period included")
    facts: list[Fact] = Field(default_factory=list)
    flags: list[QualityFlag] = Field(default_factory=list)
    _index: dict[tuple[str, object], list[int]] = PrivateAttr(default_factory=dict)
    _first_by_id: dict[str, Fact] = PrivateAttr(default_factory=dict)
    _index_stamp: tuple[int, ...] | None = PrivateAttr(default=None)

    def get(self, key: FactKey | str) -> Fact:
        """The fact with this key (or printed id); KeyError when the sheet has none."""
        found = self.lookup(key)
        if found is None:
            raise KeyError(key if isinstance(key, str) else fact_id(key))
        return found

    def lookup(self, key: FactKey | str) -> Fact | None:
        """The fact with this key (or printed id), or None."""
        wanted = key if isinstance(key, str) else fact_id(key)
        self._key_index()
        return self._first_by_id.get(wanted)

    def find(self, kind: str | None = None, *, source: str | None = None, reporter: str | None = None,
             partner: str | None = None, commodity: str | None = None, flow: str | None = None,
             measure: str | None = None, basis: Basis | str | None = None, start: str | None = None,
             end: str | None = None, view: str | None = "", **subject: str) -> list[Fact]:
        """Facts whose key matches every given key field (and whose subject matches ``subject``).

        ``view`` defaults to '' (figures only); pass ``view=None`` to include page-level and
        week-comparison facts. ``kind`` still filters on the fact's kind.
        """
        wanted = {name: value for name, value in (
            ("source", source), ("reporter", reporter), ("partner", partner), ("commodity", commodity),
            ("flow", flow), ("measure", measure), ("basis", basis), ("start", start), ("end", end), ("view", view),
        ) if value is not None}
        index = self._key_index()
        narrowest = min((index.get((k, v), ()) for k, v in wanted.items() if k in _INDEXED_FIELDS), key=len,
                        default=None)
        candidates = self.facts if narrowest is None else [self.facts[i] for i in narrowest]
        return [
            f for f in candidates
            if (kind is None or f.kind == kind) and all(getattr(f.key, k) == v for k, v in wanted.items())
            and all(f.subject.get(k) == v for k, v in subject.items())
        ]

    def _key_index(self) -> dict[tuple[str, object], list[int]]:
        """Positions of the facts per (key field, value), rebuilt whenever ``facts`` changed.

        Why: a draft asks a sheet of a few thousand facts for one partner's figures a hundred times;
        a scan per question was a fifth of the deterministic draft. The index is checked against the
        identity of every fact in the list, so appending, replacing or reassigning facts never serves a
        stale answer.
        """
        stamp = tuple(map(id, self.facts))
        if self._index_stamp != stamp:
            index: dict[tuple[str, object], list[int]] = {}
            first: dict[str, Fact] = {}
            for i, f in enumerate(self.facts):
                first.setdefault(f.id, f)
                for name in _INDEXED_FIELDS:
                    index.setdefault((name, getattr(f.key, name)), []).append(i)
            self._index, self._first_by_id, self._index_stamp = index, first, stamp
        return self._index

    def by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}
