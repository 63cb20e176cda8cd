"""One registry of fact producers: the briefing's sheet and the chat's on-demand figures ask the same code.

Why: chat used to build its own ``Fact(...)`` objects beside the sheet builder, and its change
rule lacked the sheet's sign flip (a balance turning from surplus to deficit got a percentage
in chat and 由順差轉為逆差 in the briefing). Now each source contributes ONE producer, bound to
the store's tables, that makes both the week's facts (``sheet``) and any figure asked for on
demand, through the same metrics and the same fact constructors.

A producer is registered with ``@register("name")``; ``Producers.from_store(store)`` binds
every registered producer to one read of the store. ``tools.facts.build`` assembles the week
from them; ``agent.chat`` asks them (preferring the sheet's own fact when it has the same key).

To add a source's facts: write ``tools/facts/<source>_facts.py`` with a producer class taking
``StoreTables`` and a ``week(report_week) -> Produced`` method, decorate it with ``@register``, and
import the module at the bottom of this file; ``build_fact_sheet`` then includes its facts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import pandas as pd

from tools.facts.model import Fact, FactSheet, QualityFlag


class TradeStore(Protocol):
    """What producers read from the store (``tools.store.Store`` and test fakes provide it)."""

    def census_monthly(self) -> pd.DataFrame: ...
    def comtrade_annual(self) -> pd.DataFrame: ...
    def census_revisions(self) -> pd.DataFrame: ...


def content_key(store: object) -> tuple[str, object] | None:
    """What the store holds, as a key for facts computed from it: its file and ``fingerprint()``.

    None for a store that cannot say (a test's stand-in, a store not written yet): whatever is
    computed from it must not be remembered.
    """
    fingerprint = getattr(store, "fingerprint", None)
    stamp = fingerprint() if fingerprint is not None else None
    return (str(getattr(store, "db_path", "")), stamp) if stamp is not None else None


@dataclass
class StoreTables:
    """One read of the store's normalised tables, shared by every producer."""

    census: pd.DataFrame
    comtrade: pd.DataFrame
    store: TradeStore | None = None

    @classmethod
    def read(cls, store: TradeStore) -> StoreTables:
        return cls(census=store.census_monthly(), comtrade=store.comtrade_annual(), store=store)


@dataclass
class Produced:
    """What a producer contributes to a sheet: facts, flags, and the last period it covers."""

    facts: list[Fact] = field(default_factory=list)
    flags: list[QualityFlag] = field(default_factory=list)
    cutoff: dict[str, str] = field(default_factory=dict)  # source -> last period included


class Producer(Protocol):
    """A source's fact maker, bound to the store's tables.

    ``week`` is what a new source implements to appear in the weekly sheet: the facts for the
    periods released by the end of ``week`` (a ``tools.weeks.ReportWeek``). The built-in Census
    and Comtrade producers are assembled by ``tools.facts.build`` itself (their facts depend on
    each other: mirror gaps, week comparisons).
    """

    source: str

    def __init__(self, tables: StoreTables) -> None: ...

    def week(self, week: Any) -> Produced: ...


#: Producers whose sheet facts ``tools.facts.build`` assembles itself.
BUILT_IN = frozenset({"census", "comtrade"})


P = TypeVar("P")
_REGISTRY: dict[str, Callable[[StoreTables], Any]] = {}


def register(source: str) -> Callable[[type[P]], type[P]]:
    """Class decorator: ``@register("census")`` makes the class the producer of ``source``'s facts."""
    def add(cls: type[P]) -> type[P]:
        _REGISTRY[source] = cls
        return cls
    return add


def unregister(source: str) -> None:
    """Remove a producer (tests that register a toy source clean up after themselves)."""
    _REGISTRY.pop(source, None)


def registered() -> list[str]:
    return list(_REGISTRY)


class Producers:
    """Every registered producer, bound to one read of the store (and, for chat, the week's sheet)."""

    def __init__(self, tables: StoreTables, sheet: FactSheet | None = None) -> None:
        self.tables = tables
        self.sheet = sheet
        self._bound: dict[str, Any] = {}

    @classmethod
    def from_store(cls, store: TradeStore, sheet: FactSheet | None = None) -> Producers:
        return cls(StoreTables.read(store), sheet)

    def get(self, source: str) -> Any:
        """The producer of ``source`` (KeyError naming the registered ones when there is none)."""
        if source not in self._bound:
            if source not in _REGISTRY:
                raise KeyError(f"no fact producer for {source!r}; registered: {', '.join(_REGISTRY)}")
            self._bound[source] = _REGISTRY[source](self.tables)
        return self._bound[source]

    def prefer_sheet(self, fact: Fact | None) -> Fact | None:
        """The sheet's own fact with the same key when the sheet has one (same figure, same wording)."""
        if fact is None or self.sheet is None:
            return fact
        return self.sheet.lookup(fact.key) or fact


# Producers register themselves on import.
from tools.facts import producers as _producers  # noqa: E402,F401
