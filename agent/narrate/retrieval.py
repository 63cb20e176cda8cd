"""Policy passages for the report week: recent documents plus the ones in force.

Why two searches: a weekly briefing reports what was published recently *and* reminds the
reader of controls still in force (a rare-earth control from November still binds in
February). When the index is missing or empty the section says so — it never fills the gap
with remembered policy.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent.config import Settings
from tools.atomic import write_text_atomic
from tools.sources.federal_register import is_paperwork_notice
from vectorstore.inforce import binds
from vectorstore.models import Passage
from vectorstore.provisions import Provision

from .policy_status import DocStatus, doc_status

log = logging.getLogger(__name__)

#: Queries that cover the export-control themes the briefing tracks (zh-Hant; the index maps to zh-Hans).
QUERIES = ("出口管制 公告 兩用物項", "稀土 鋰電池 管制物項", "半導體 出口管制 磋商", "實體清單 暫停 措施")
RECENT_DAYS = 90
#: Candidates per query are widened this much so that every publisher can fill its places
#: (see newest_per_publisher) even when one publisher dominates the top hits.
SEARCH_WIDTH = 3
CACHE_VERSION = "retrieval-v5"  # bump when the selection logic below changes
# Notes shown on the page (zh-Hant, no figures: the page-trace check would have nothing to trace them to).
NOTE_EMPTY_INDEX = "政策索引尚未建立或沒有任何文件（建立方式：agent policy ingest）"
NOTE_NOT_INSTALLED = "政策索引元件未安裝"
NOTE_FAILED = "政策索引讀取失敗，詳見執行記錄"
NOTE_NO_MATCH = "近期沒有新發布或仍然有效的相關文件"
NOTE_NOT_CONSULTED = "本次未查詢政策索引"


@dataclass
class Retrieved:
    passages: list[Any] = field(default_factory=list)  # vectorstore.models.Passage
    docs: list[Any] = field(default_factory=list)  # vectorstore.DocInfo of every stored doc (in-force status)
    status: str = "ok"  # ok | empty | unavailable
    note: str = ""
    statuses: dict[str, DocStatus] = field(default_factory=dict)  # doc id -> status on the week's last day
    cached: bool = False
    provisions: dict[str, list[Provision]] = field(default_factory=dict)  # doc id -> its extracted provisions


class _CachedStatus(BaseModel):
    notice_no: str = ""
    effective: list[date] = Field(default_factory=list)
    expires: date | None = None
    suspended_until: date | None = None
    suspended_by: str = ""
    suspends_until: date | None = None
    citation: str = ""


class _CacheEntry(BaseModel):
    key: str
    status: str
    note: str = ""
    passages: list[Passage] = Field(default_factory=list)
    statuses: dict[str, _CachedStatus] = Field(default_factory=dict)
    provisions: dict[str, list[Provision]] = Field(default_factory=dict)


def _cache_path(settings: Settings, week_start: date, week_end: date) -> Path:
    return settings.data_dir / "cache" / "narrator" / f"retrieval-{week_start}_{week_end}.json"


def _stat(path: Path) -> list[object]:
    try:
        st = path.stat()
    except OSError:
        return [path.name, None]
    return [path.name, st.st_size, st.st_mtime_ns]


def cache_key(settings: Settings, week_start: date, week_end: date, k_docs: int) -> str:
    """Everything the answer depends on: the index registry (rewritten by every ingest that changes a
    document; chroma's own files change on reads, so they cannot serve), the index code, the
    embedder, the queries and the window. Any change to them is a cache miss."""
    files = sorted((settings.data_dir / "policy").glob("*.docs.json"))
    spec = importlib.util.find_spec("vectorstore")
    code = sorted(Path(spec.origin).parent.glob("*.py")) if spec and spec.origin else []
    code += [Path(__file__), Path(__file__).with_name("policy_status.py")]  # selection and status rules
    parts = [CACHE_VERSION, settings.get("AGENT_EMBEDDER", ""), QUERIES, RECENT_DAYS, k_docs,
             week_start.isoformat(), week_end.isoformat(), [_stat(f) for f in files], [_stat(f) for f in code]]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _read_cache(path: Path, key: str) -> Retrieved | None:
    try:
        entry = _CacheEntry.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if entry.key != key:
        return None
    statuses = {k: DocStatus(**v.model_dump()) for k, v in entry.statuses.items()}
    return Retrieved(passages=list(entry.passages), status=entry.status, note=entry.note, statuses=statuses,
                     cached=True, provisions=entry.provisions)


def _write_cache(path: Path, key: str, found: Retrieved) -> None:
    entry = _CacheEntry(key=key, status=found.status, note=found.note,
                        passages=[Passage.model_validate(p, from_attributes=True) for p in found.passages],
                        statuses={k: _CachedStatus(**asdict(v)) for k, v in found.statuses.items()},
                        provisions=found.provisions)
    try:
        write_text_atomic(path, entry.model_dump_json())
    except OSError as exc:  # a cache that cannot be written only costs time next run
        log.info("retrieval cache not written: %s", exc)


def retrieve(settings: Settings, week_start: date, week_end: date, k_docs: int = 4,
             use_cache: bool = True) -> Retrieved:
    """Top passages (one per document), newest first; never raises for a missing index.

    The answer for a week is cached under the data dir, keyed on the index files: drafting the
    same week again (another backend, a re-run after review) skips opening the index.
    """
    path, key = _cache_path(settings, week_start, week_end), cache_key(settings, week_start, week_end, k_docs)
    if use_cache and (hit := _read_cache(path, key)) is not None:
        return hit
    found = _search(settings, week_start, week_end, k_docs)
    if use_cache and found.status in ("ok", "empty") and found.note != NOTE_EMPTY_INDEX:
        _write_cache(path, key, found)
    return found


def _search(settings: Settings, week_start: date, week_end: date, k_docs: int) -> Retrieved:
    try:
        from vectorstore import PolicyIndex

        index = PolicyIndex(settings)
        infos = index.list_docs()
        if not infos:
            return Retrieved(status="empty", note=NOTE_EMPTY_INDEX)
        stand(index)
        found: dict[str, Any] = {}
        since = week_end - timedelta(days=RECENT_DAYS)
        for query in QUERIES:
            for passage in index.search(query, k=3 * SEARCH_WIDTH, published_since=since, published_until=week_end):
                found.setdefault(passage.doc_id, passage)
        for query in QUERIES[:2]:
            for passage in index.search(query, k=2 * SEARCH_WIDTH, in_force_on=week_end, published_until=week_end):
                if binds(index.docs()[passage.doc_id]):  # older than the window: binding documents only
                    found.setdefault(passage.doc_id, passage)
        passages = [with_register_details(index, p) for p in newest_per_publisher(list(found.values()), k_docs)]
        passages += suspended_by(index, passages, week_end)
        provisions = {p.doc_id: index.provisions(p.doc_id) for p in passages}
    except ImportError as exc:
        log.warning("policy index not installed: %s", exc)
        return Retrieved(status="unavailable", note=NOTE_NOT_INSTALLED)
    except Exception as exc:  # an optional input: any index failure means "no policy section", not a crash
        log.warning("policy retrieval failed: %s", exc)
        return Retrieved(status="unavailable", note=NOTE_FAILED)
    if not passages:
        return Retrieved(status="empty", note=NOTE_NO_MATCH)
    statuses = {p.doc_id: doc_status(p, infos, week_end) for p in passages}
    return Retrieved(passages=passages, docs=infos, statuses=statuses, provisions=provisions)


def stand(index: Any) -> bool:
    """Have ``index`` answer the briefing's queries from rankings stored per index version (built once,
    after an ingest): a week's first draft then opens neither chromadb nor the embedder."""
    return bool(index.stand(QUERIES))


def newest_per_publisher(passages: list[Passage], k_docs: int) -> list[Passage]:
    """The ``k_docs`` newest passages of each publisher, newest first, paperwork notices left out.

    Why per publisher: the corpus mixes MOFCOM notices with the Federal Register's daily BIS rules;
    ranked together by date, a week's many US rules would push every Chinese measure off the page.
    Each issuing authority gets the same number of places. Why no paperwork: BIS's OMB
    information-collection notices took two of its four places on 2026-W07 while changing no control.
    """
    kept = [p for p in passages if not is_paperwork_notice(p.title_orig or p.title)]
    ranked = sorted(kept, key=lambda p: (p.publish_date, p.score), reverse=True)
    taken: dict[str, int] = {}
    chosen: list[Passage] = []
    for passage in ranked:
        if taken.get(passage.publisher, 0) < k_docs:
            taken[passage.publisher] = taken.get(passage.publisher, 0) + 1
            chosen.append(passage)
    return chosen


def with_register_details(index: Any, passage: Passage) -> Passage:
    """A Federal Register passage with its document's type and opening lines (title and abstract): the page
    says whether it is a rule, and quotes what it does from there, whichever chunk the search matched."""
    if passage.category != "federal_register":
        return passage
    record = index.docs().get(passage.doc_id)
    if record is None:
        return passage
    return passage.model_copy(update={"opening": str(getattr(record, "text", ""))[:1200],
                                      "doc_type": str(getattr(record, "doc_type", ""))})


def suspended_by(index: Any, passages: list[Any], week_end: date) -> list[Passage]:
    """The notices a retrieved document pauses (e.g. 公告2025年第70號 → 55, 56, …), as passages.

    Why: a reader told that notices are paused needs to know what those notices control; the
    paused notices are outside the in-force search by definition, so they are joined here.
    """
    docs = index.docs()
    keys = {k for p in passages if (rec := docs.get(p.doc_id)) is not None for k in rec.suspends}
    have = {p.doc_id for p in passages}
    linked = sorted((r for r in docs.values() if r.notice_key in keys and r.doc_id not in have
                     and r.publish_date <= week_end), key=lambda r: (r.publish_date, r.doc_id), reverse=True)
    return [index.passage_of(r.doc_id) for r in linked]
