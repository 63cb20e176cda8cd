"""The list of fully ingested documents, written atomically next to the vector collection.

Why a registry beside chromadb: a document counts as stored only once all its chunks
are in the collection. Chunks are written first, the registry last (temp file +
rename), so a crash mid-ingest leaves the previous, complete state searchable and the
next run simply redoes the unfinished document.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from tools.atomic import write_text_atomic
from tools.errors import StoreError

from .models import DocRecord


class Registry:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, DocRecord]:
        if not self.path.exists():
            return {}
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))
            return {r["doc_id"]: DocRecord.model_validate(r) for r in rows}
        except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
            raise StoreError(f"policy registry {self.path} is unreadable: {exc}") from exc

    def save(self, docs: dict[str, DocRecord]) -> None:
        rows = [d.model_dump(mode="json") for d in sorted(docs.values(), key=lambda d: d.doc_id)]
        write_text_atomic(self.path, json.dumps(rows, ensure_ascii=False, indent=1))
