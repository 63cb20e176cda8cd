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
# Notes shown on the page (zh-Hant, no figures: the page-trace check would have nothing to trace them to).
NOTE_EMPTY_INDEX = "政策索引尚未建立或沒有任何文件（建立方式：agent policy ingest）"
NOTE_NOT_INSTALLED = "政策索引元件未安裝"
NOTE_FAILED = "政策索引讀取失敗，詳見執行記錄"
NOTE_NO_MATCH = "近期沒有新發布或仍然有效的相關文件"
NOTE_NOT_CONSULTED = "本次未查詢政策索引"


@dataclass
class Retrieved:
    passages: list[Any] = field(default_factory=list)  # vectorstore.Passage
    docs: list[Any] = field(default_factory=list)  # vectorstore.DocInfo of every stored doc (in-force status)
    status: str = "ok"  # ok | empty | unavailable
    note: str = ""


def retrieve(settings: Settings, week_start: date, week_end: date, k_docs: int = 4) -> Retrieved:
    """Top passages (one per document), newest first; never raises for a missing index."""
    try:
        from vectorstore import PolicyIndex

        index = PolicyIndex(settings)
        infos = index.list_docs()
        if not infos:
            return Retrieved(status="empty", note=NOTE_EMPTY_INDEX)
        found: dict[str, Any] = {}
        since = week_end - timedelta(days=RECENT_DAYS)
        for query in QUERIES:
            for passage in index.search(query, k=3, published_since=since, published_until=week_end):
                found.setdefault(passage.doc_id, passage)
        for query in QUERIES[:2]:
            for passage in index.search(query, k=2, in_force_on=week_end, published_until=week_end):
                found.setdefault(passage.doc_id, passage)
    except ImportError as exc:
        log.warning("policy index not installed: %s", exc)
        return Retrieved(status="unavailable", note=NOTE_NOT_INSTALLED)
    except Exception as exc:  # an optional input: any index failure means "no policy section", not a crash
        log.warning("policy retrieval failed: %s", exc)
        return Retrieved(status="unavailable", note=NOTE_FAILED)
    passages = sorted(found.values(), key=lambda p: (p.publish_date, p.score), reverse=True)[:k_docs]
    if not passages:
        return Retrieved(status="empty", note=NOTE_NO_MATCH)
    return Retrieved(passages=passages, docs=infos)
