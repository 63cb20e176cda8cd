"""The documents a monthly report reads: the store's MOFCOM and Federal Register documents plus analyst notes.

Why not the vector index: a tracker lists every document of a month, not the best matches
to a query, so it reads the records directly (the same ``to_record`` the index uses, so ids,
titles, notice keys and suspension links are identical to what search returns).
"""

from __future__ import annotations

from agent.config import Settings
from tools.errors import DataGapError, InputError
from tools.store import Store
from vectorstore.files import policy_files, read_policy_file
from vectorstore.models import DocRecord
from vectorstore.records import to_record

NOTES_DIR = "policy_notes"


def report_docs(settings: Settings) -> list[DocRecord]:
    """Every stored policy document and bundled analyst note as records (malformed ones skipped)."""
    stored = Store(settings.data_dir).policy_docs()
    if not stored:
        raise DataGapError("the store holds no policy documents; run `agent fetch --from-sample` (or `agent fetch`) first")
    records: dict[str, DocRecord] = {}
    for doc in stored:
        try:
            rec = to_record(doc)
        except InputError:
            continue
        records.setdefault(rec.doc_id, rec)
    notes = settings.sample_dir / NOTES_DIR
    if notes.is_dir():
        for file in policy_files(notes):
            try:
                doc, extras = read_policy_file(file)
                rec = to_record(doc, extras)
            except InputError:
                continue
            records.setdefault(rec.doc_id, rec)
    return list(records.values())
