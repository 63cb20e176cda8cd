"""Policy passages for the report week: recent documents plus the ones in force.

Why two searches: a weekly briefing reports what was published recently *and* reminds the
reader of controls still in force (a rare-earth control from November still binds in
February). When the index is missing or empty the section says so — it never fills the gap
with remembered policy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from agent.config import Settings

log = logging.getLogger(__name__)

#: Queries that cover the export-control themes the briefing tracks (zh-Hant; the index maps to zh-Hans).
QUERIES = ("出口管制 公告 兩用物項", "稀土 鋰電池 管制物項", "半導體 出口管制 磋商", "實體清單 暫停 措施")
RECENT_DAYS = 90


@dataclass
class Retrieved:
    passages: list[Any] = field(default_factory=list)  # vectorstore.Passage
    status: str = "ok"  # ok | empty | unavailable
    note: str = ""


def retrieve(settings: Settings, week_start: date, week_end: date, k_docs: int = 4) -> Retrieved:
    """Top passages (one per document), newest first; never raises for a missing index."""
    try:
        from vectorstore import PolicyIndex

        index = PolicyIndex(settings)
        if not index.list_docs():
            return Retrieved(status="empty", note="policy index has no documents (run `agent policy ingest`)")
        found: dict[str, Any] = {}
        since = week_end - timedelta(days=RECENT_DAYS)
        for query in QUERIES:
            for passage in index.search(query, k=3, published_since=since, published_until=week_end):
                found.setdefault(passage.doc_id, passage)
        for query in QUERIES[:2]:
            for passage in index.search(query, k=2, in_force_on=week_end, published_until=week_end):
                found.setdefault(passage.doc_id, passage)
    except ImportError as exc:
        return Retrieved(status="unavailable", note=f"policy index not installed: {exc}")
    except Exception as exc:  # an optional input: any index failure means "no policy section", not a crash
        log.warning("policy retrieval failed: %s", exc)
        return Retrieved(status="unavailable", note=str(exc))
    passages = sorted(found.values(), key=lambda p: (p.publish_date, p.score), reverse=True)[:k_docs]
    if not passages:
        return Retrieved(status="empty", note="no policy document in the report window or in force")
    return Retrieved(passages=passages)
