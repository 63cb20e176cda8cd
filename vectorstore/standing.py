"""Standing queries: the full rankings of queries a report asks every time, stored once per index version.

Why: the weekly briefing asks the same few queries for every week; only the date filters change. Filters
narrow the documents before ranking, and both rankers score a chunk without regard to which others are
allowed (cosine similarity to the query; BM25 with corpus-wide statistics), so the ranking of every live
chunk, filtered afterwards, is the ranking a filtered search computes. Kept beside the registry, it lets
a draft search without opening chromadb, loading the embedder or tokenising the corpus: about 1 s of a
1.6 s first draft of a week.

The file is keyed on what the rankings depend on: the registry's bytes (rewritten by every ingest that
changes a document), the layout, the embedder, the queries and the index code. A file with another key is
ignored and rebuilt, so a stale ranking is never served.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from tools.atomic import write_text_atomic

log = logging.getLogger(__name__)

#: Bump when what a stored ranking holds changes.
STANDING_VERSION = 1
Ranked = list[tuple[str, float]]


class StandingQuery(BaseModel):
    """Every live chunk by cosine similarity, and every chunk with a positive BM25 score, best first."""

    dense: Ranked = Field(default_factory=list)
    lexical: Ranked = Field(default_factory=list)


class StandingFile(BaseModel):
    key: str
    chunks: list[tuple[str, str, str]] = Field(default_factory=list)  # live chunks: (chunk id, doc id, text)
    queries: dict[str, StandingQuery] = Field(default_factory=dict)


def _code_files() -> list[Path]:
    return sorted(Path(__file__).parent.glob("*.py"))


def standing_key(registry: Path, stamp: Path, embedder: str, queries: Sequence[str]) -> str:
    """Digest of everything a stored ranking depends on; code is named by size and mtime (an edit changes it)."""
    digest = hashlib.sha256()
    for path in (registry, stamp):
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing\0")
    code = []
    for path in _code_files():
        try:
            st = path.stat()
        except OSError:
            continue
        code.append([path.name, st.st_size, st.st_mtime_ns])
    digest.update(json.dumps([STANDING_VERSION, embedder, list(queries), code], ensure_ascii=False).encode())
    return digest.hexdigest()


def read_standing(path: Path, key: str) -> StandingFile | None:
    """The stored rankings when they were made for ``key``; None when absent, unreadable or stale."""
    try:
        found = StandingFile.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if found.key == key else None


def write_standing(path: Path, standing: StandingFile) -> None:
    """Store atomically; a file that cannot be written only costs the next draft its speed."""
    try:
        write_text_atomic(path, standing.model_dump_json())
    except OSError as exc:
        log.info("standing rankings not written: %s", exc)
