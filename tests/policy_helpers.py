"""The bundled MOFCOM texts and analyst notes as index records, built offline as ingest builds them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from tools.sources.models import PolicyDoc
from vectorstore.files import read_policy_file
from vectorstore.models import DocInfo, DocRecord, Passage
from vectorstore.records import to_record

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SOURCES = [SAMPLE / "mofcom" / "source" / f"exportcontrol_article_texts_{n}.jsonl" for n in ("verbatim", "more")]
NOTE_70 = SAMPLE / "policy_notes" / "2025-11-07-mofcom-gacc-notice-2025-70-suspension.md"


def sample_records() -> dict[str, DocRecord]:
    out = {}
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            a = json.loads(line)
            doc = PolicyDoc(url=a["url"], title=a["title"], publish_date=date.fromisoformat(a["date"]),
                            body_text=a["body_text"], publisher=a.get("original_source_field") or "",
                            fetched_at=datetime(2026, 1, 29, 7, 39, 37, tzinfo=UTC))
            rec = to_record(doc)
            out[rec.doc_id] = rec
    doc, extras = read_policy_file(NOTE_70)
    note = to_record(doc, extras)
    out[note.doc_id] = note
    return out


def info(rec: DocRecord) -> DocInfo:
    return DocInfo.model_validate(rec.model_dump(exclude={"text"}))


def passage(rec: DocRecord) -> Passage:
    return Passage(doc_id=rec.doc_id, chunk_id=f"{rec.doc_id}#0", title=rec.title, title_orig=rec.title_orig,
                   publish_date=rec.publish_date, url=rec.url, text=rec.text[:600], score=0.5,
                   notice_no=rec.notice_no, effective_dates=rec.effective_dates, category=rec.category,
                   publisher=rec.publisher)
