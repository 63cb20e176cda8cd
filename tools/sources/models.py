"""Records shared by the sources, the store and the vector store.

Why here and not in a client: the policy corpus (vectorstore/) and the store both need
the shape of a MOFCOM document without importing the HTTP client that produced it.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class PolicyDoc(BaseModel):
    """One export-control document as published (simplified Chinese kept verbatim; FR documents in English)."""

    url: str
    title: str = Field(description="headline from the list API / page body, never the site-name <title>")
    publish_date: date
    body_text: str = Field(description="cleaned body: page chrome and the fixed footer removed, entities decoded")
    publisher: str = Field(default="", description="the list API 'source' field, e.g. 商务部新闻办公室")
    column: str = Field(default="", description="site column path, e.g. 'gndt' or 'zcfg/gnzcfg/zcfggzqd'")
    notice_no: str = Field(default="", description="normalised, e.g. '商务部公告2025年第61号'")
    effective_dates: list[date] = Field(default_factory=list)
    language: str = "zh-Hans"
    fetched_at: datetime
    raw_sha256: str = ""
    doc_number: str = Field(default="", description="Federal Register document number, e.g. '2025-19508'")
    citation: str = Field(default="", description="Federal Register citation, e.g. '90 FR 48193'")
    doc_type: str = Field(default="", description="Federal Register type: Rule | Proposed Rule | Notice")
    synthetic: bool = False
