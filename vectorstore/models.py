"""Records the policy index hands out and keeps.

Why separate from ``tools.sources.models.PolicyDoc``: a PolicyDoc is what a source
published; a ``DocRecord`` is what the index made of it (stable id, Traditional title,
category, suspension links, aliases of merged duplicates). Narrator and chat only ever
see ``Passage`` and ``DocInfo``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

SearchMode = Literal["hybrid", "dense", "lexical"]


class DocInfo(BaseModel):
    """One stored document (duplicates merged into it are listed in ``aliases``)."""

    doc_id: str
    title: str = Field(description="zh-Hant display title (OpenCC s2twp of title_orig)")
    title_orig: str = Field(description="title as published (usually simplified Chinese)")
    publish_date: date
    url: str = ""
    publisher: str = ""
    column: str = ""
    category: str = Field(default="other", description="notice | press | law | international | analyst_note | other")
    notice_no: str = ""
    notice_key: str = Field(default="", description="'YYYY-N' of a 公告 number; joins suspensions to notices")
    effective_dates: list[date] = Field(default_factory=list)
    expires: date | None = None
    suspends: list[str] = Field(default_factory=list, description="notice keys this document suspends")
    suspension_start: date | None = None
    suspension_until: date | None = None
    language: str = "zh-Hans"
    fetched_at: datetime | None = None
    source_kind: str = Field(default="mofcom", description="mofcom | federal_register | analyst_note | file")
    synthetic: bool = False
    content_sha256: str = ""
    aliases: list[str] = Field(default_factory=list, description="URLs/ids of duplicates merged into this doc")
    n_chunks: int = 0
    doc_number: str = Field(default="", description="Federal Register document number (FR documents only)")
    citation: str = Field(default="", description="Federal Register citation, e.g. '90 FR 48193'")
    doc_type: str = Field(default="", description="Federal Register type: Rule | Proposed Rule | Notice")


class DocRecord(DocInfo):
    """A DocInfo plus its cleaned body text (original simplified Chinese, kept for quoting)."""

    text: str


class Passage(BaseModel):
    """A retrieved chunk with the metadata a citation needs."""

    doc_id: str
    chunk_id: str
    title: str
    title_orig: str
    publish_date: date
    url: str
    text: str = Field(description="original passage text (not translated)")
    score: float
    notice_no: str = ""
    effective_dates: list[date] = Field(default_factory=list)
    category: str = "other"
    publisher: str = ""
    doc_type: str = Field(default="", description="Federal Register type: Rule | Proposed Rule | Notice")
    opening: str = Field(default="", description="the document's own first lines (its abstract), when the "
                         "passage is a later chunk and a citation needs what the document says first")


class IngestReport(BaseModel):
    """What one ingest run did; re-running on the same input reports everything unchanged."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    duplicates: dict[str, str] = Field(default_factory=dict, description="alias (url/id) -> kept doc id")
    skipped: list[tuple[str, str]] = Field(default_factory=list, description="(file or url, reason)")
    chunks_added: int = 0
