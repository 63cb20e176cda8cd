"""Turn a published ``PolicyDoc`` (plus optional analyst metadata) into a ``DocRecord``.

Why: ids must be stable across runs (re-ingesting changes nothing), titles must never be
the site name, and in-force logic needs notice keys and dates pulled out once, here.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from tools.errors import InputError
from tools.sources.models import PolicyDoc

from .models import DocRecord
from .textclean import (
    clean_body,
    derive_title,
    effective_dates,
    is_site_name,
    notice_key,
    notice_number,
    to_traditional,
)

_MOFCOM_ARTICLE = re.compile(r"mofcom\.gov\.cn/article/(?P<column>[\w/]+?)/(?P<ym>\d{6})/(?P<num>\d+)\.html?")

CATEGORIES = ("notice", "press", "law", "international", "compliance", "analyst_note", "federal_register", "other")


class DocExtras(BaseModel):
    """Metadata a source page lacks but an analyst note's front matter may give."""

    doc_id: str = ""
    category: str = ""
    kind: str = ""
    expires: date | None = None
    suspends: list[str] = Field(default_factory=list)
    suspension_start: date | None = None
    suspension_until: date | None = None
    source_path: str = ""


def doc_id_for(url: str, text: str, doc_number: str = "") -> str:
    """Stable id: FR document number, MOFCOM article number, else a hash of the URL, else of the text."""
    if doc_number:
        return f"fr-{doc_number}"
    m = _MOFCOM_ARTICLE.search(url)
    if m:
        return f"mofcom-{m.group('num')}"
    if url.strip():
        norm = re.sub(r"^https?://", "", url.strip()).rstrip("/").lower()
        return "doc-" + hashlib.sha256(norm.encode()).hexdigest()[:12]
    return "doc-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def category_for(column: str, url: str, title: str) -> str:
    """Coarse category used by search filters (the site's column when known)."""
    path = column or (m.group("column") if (m := _MOFCOM_ARTICLE.search(url)) else "")
    if "zcfggzqd" in path or (not path and "公告" in title):
        return "notice"
    if "flfg" in path or "gzjgfxwj" in path:
        return "law"
    if path.startswith("gndt") or "答记者问" in title:
        return "press"
    if path.startswith("gjdt"):
        return "international"
    if path.startswith("hgfw"):
        return "compliance"
    return "other"


def column_for(doc: PolicyDoc) -> str:
    if doc.column:
        return doc.column
    m = _MOFCOM_ARTICLE.search(doc.url)
    return m.group("column") if m else ""


def _kind_of(doc: PolicyDoc) -> str:
    if doc.doc_number:
        return "federal_register"
    return "mofcom" if "mofcom.gov.cn" in doc.url else "file"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_record(doc: PolicyDoc, extras: DocExtras | None = None) -> DocRecord:
    """Clean and annotate one document; pure apart from OpenCC."""
    extras = extras or DocExtras()
    body = clean_body(doc.body_text)
    if not body:
        raise InputError(f"{doc.url or doc.title}: no text left after removing page chrome")
    title_orig = clean_body(doc.title).replace("\n", " ")
    if is_site_name(title_orig):
        title_orig = derive_title(body)
    notice_no, key = notice_number(title_orig)
    if doc.notice_no:
        notice_no, key = doc.notice_no, notice_key(doc.notice_no) or key
    column = column_for(doc)
    kind = extras.kind or _kind_of(doc)
    if kind == "federal_register":
        category = extras.category or "federal_register"
    else:
        category = extras.category or ("analyst_note" if kind == "analyst_note" else category_for(column, doc.url, title_orig))
    dates = sorted(set(doc.effective_dates)) or (effective_dates(body, doc.publish_date) if category == "notice" else [])
    meta: dict[str, Any] = {
        "doc_id": extras.doc_id or doc_id_for(doc.url, body, doc.doc_number),
        "title": to_traditional(title_orig),
        "title_orig": title_orig,
        "publish_date": doc.publish_date,
        "url": doc.url,
        "publisher": doc.publisher,
        "column": column,
        "category": category,
        "notice_no": notice_no,
        "notice_key": key,
        "effective_dates": dates,
        "expires": extras.expires,
        "suspends": [k for k in (notice_key(s) for s in extras.suspends) if k],
        "suspension_start": extras.suspension_start,
        "suspension_until": extras.suspension_until,
        "language": doc.language,
        "fetched_at": doc.fetched_at,
        "source_kind": kind,
        "synthetic": doc.synthetic,
        "content_sha256": content_hash(title_orig + "\n" + body),
        "text": body,
        "doc_number": doc.doc_number,
        "citation": doc.citation,
        "doc_type": doc.doc_type,
    }
    return DocRecord(**meta)
