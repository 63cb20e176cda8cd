"""What one chat session answers from: the store's tables, the week's FactSheet, the policy index.

Why a context object: a REPL asks many questions against the same data; loading the
tables and building the FactSheet once keeps answers fast and consistent, and the router
and the tool-calling agent read from the very same object.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from agent.chat.lookup import Lookup
from agent.config import Settings
from tools.errors import AgentError, DataGapError
from tools.facts.model import FactSheet

log = logging.getLogger(__name__)

Day = date  # alias: PolicyHit has a field named ``date``


@dataclass
class PolicyHit:
    doc_id: str
    title: str
    url: str
    date: Day
    text: str
    effective: list[Day] = field(default_factory=list)


@dataclass
class ChatContext:
    settings: Settings
    week: str
    lookup: Lookup
    _index: Any = field(default=None, repr=False)
    _index_error: str = ""

    @property
    def sheet(self) -> FactSheet | None:
        return self.lookup.sheet

    def policy_search(self, query: str, *, k: int = 5, since: date | None = None,
                      until: date | None = None) -> list[PolicyHit]:
        """Passages from C's PolicyIndex; an empty list when the index is missing or finds nothing."""
        index = self._policy_index()
        if index is None:
            return []
        try:
            passages = index.search(query, k=k, mode="hybrid", published_since=since, published_until=until)
        except AgentError as exc:  # a stale or broken index: say so instead of ending the session
            self._index_failed(exc)
            return []
        hits: list[PolicyHit] = []
        seen: set[str] = set()
        for p in passages:
            if p.doc_id in seen:
                continue
            seen.add(p.doc_id)
            hits.append(PolicyHit(doc_id=str(p.doc_id), title=str(p.title), url=str(p.url),
                                  date=p.publish_date, text=str(p.text),
                                  effective=list(getattr(p, "effective_dates", []) or [])))
        return hits

    def policy_provisions(self, doc_id: str) -> tuple[Any, list[Any]]:
        """(DocInfo or None, the document's extracted provisions); empty when the index is unusable."""
        index = self._policy_index()
        if index is None:
            return None, []
        try:
            return index.get(doc_id), index.provisions(doc_id)
        except AgentError as exc:
            self._index_failed(exc)
            return None, []

    def policy_docs(self) -> list[Any]:
        """Every stored document's DocInfo (empty when the index is missing or unusable)."""
        index = self._policy_index()
        if index is None:
            return []
        try:
            return list(index.list_docs())
        except AgentError as exc:
            self._index_failed(exc)
            return []

    def policy_record(self, doc_id: str) -> Any:
        """The stored document (DocRecord, text included) or None; None too when the index is unusable."""
        index = self._policy_index()
        if index is None:
            return None
        try:
            return index.docs().get(doc_id)
        except AgentError as exc:
            self._index_failed(exc)
            return None

    def policy_available(self) -> str:
        index = self._policy_index()
        if index is None:
            return self._index_error or "policy index not built"
        try:
            docs = index.list_docs()
        except AgentError as exc:
            self._index_failed(exc)
            return self._index_error
        if not docs:
            return "policy index is empty"
        dates = sorted(d.publish_date for d in docs)
        return f"{dates[0].isoformat()} – {dates[-1].isoformat()}"

    def _policy_index(self) -> Any:
        if self._index is not None or self._index_error:
            return self._index
        try:
            from vectorstore import PolicyIndex  # C's module; optional until it lands

            self._index = PolicyIndex(self.settings)
        except (ImportError, AgentError) as exc:
            self._index_failed(exc)
        return self._index

    def _index_failed(self, exc: Exception) -> None:
        """Keep the detail in the log; answers get a fixed, number-free line (the detail can hold
        counts and paths, and every number in an answer must be a cited fact)."""
        log.info("policy index unusable: %s", exc)
        self._index = None
        self._index_error = ("policy index unusable (missing, or built by an older version or another "
                             "embedder): run `agent policy ingest`")


def latest_week(census: pd.DataFrame, comtrade: pd.DataFrame) -> str:
    """The report week in which the newest stored Census month was first published."""
    from tools.weeks import census_release_date

    if not census.empty:
        released = census_release_date(str(census["period"].max()))
    elif not comtrade.empty:
        released = comtrade["fetched_at"].max().date()
    else:
        raise DataGapError("the store is empty: run `agent fetch --from-sample` (or `agent fetch`) first")
    iso = released.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def build_sheet(store: Any, week: str) -> FactSheet | None:
    """The week's FactSheet; None (on-demand facts only) when the store cannot fill one for that week.

    Only data gaps fall back: a bad week is the user's error, and anything else is a bug to surface.
    """
    from tools.facts.build import build_fact_sheet

    try:
        return build_fact_sheet(store, week)
    except DataGapError as exc:
        log.warning("fact sheet for %s unavailable (%s); using on-demand facts", week, exc)
        return None


def load_context(settings: Settings, week: str | None = None) -> ChatContext:
    """Open the store, pick the week (given or latest with data) and build the FactSheet."""
    from tools.store import Store

    store = Store(settings.data_dir)
    from tools.metrics.world import partners_only

    census = partners_only(store.census_monthly())  # the all-countries total row is not a partner
    comtrade = store.comtrade_annual()
    if census.empty and comtrade.empty:
        raise DataGapError(f"no trade data in {settings.data_dir}: run `agent fetch --from-sample` first")
    if week is not None:
        from tools.weeks import census_last_month, comtrade_last_year, parse_week

        report = parse_week(week)
        week = report.week
        # Answer with what was published by the end of that week, as the briefing would.
        census = census[census["period"] <= census_last_month(report.end)].reset_index(drop=True)
        comtrade = comtrade[comtrade["year"] <= comtrade_last_year(report.end)].reset_index(drop=True)
        if census.empty and comtrade.empty:
            raise DataGapError(f"no stored trade data had been published by the end of {week}")
    chosen = week or latest_week(census, comtrade)
    sheet = build_sheet(store, chosen)
    return ChatContext(settings=settings, week=chosen, lookup=Lookup(census=census, comtrade=comtrade, sheet=sheet))
