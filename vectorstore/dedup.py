"""Find exact and near-duplicate documents.

Why: the earlier system kept several copies of one notice under different titles, so
the briefing cited the same measure twice. A document is a duplicate of a kept one when
its cleaned text hashes the same, it carries the same notice number, or its character
5-gram Jaccard similarity reaches ``threshold``. Documents with different Federal Register
document numbers are never duplicates (monthly denial orders share almost all their text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .models import DocRecord

_NON_TEXT = re.compile(r"[\s\W_]+")


def shingles(text: str, n: int = 5) -> set[str]:
    """Character n-grams of the text with whitespace and punctuation removed."""
    flat = _NON_TEXT.sub("", text)
    if len(flat) <= n:
        return {flat} if flat else set()
    return {flat[i : i + n] for i in range(len(flat) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def duplicate_of(doc: DocRecord, kept: Iterable[DocRecord], threshold: float = 0.85) -> DocRecord | None:
    """The kept document ``doc`` duplicates (never itself by id), or None."""
    mine = None
    for other in kept:
        if other.doc_id == doc.doc_id:
            continue
        if doc.doc_number and other.doc_number and doc.doc_number != other.doc_number:
            continue  # two Federal Register numbers are two documents, however alike their boilerplate
        if other.content_sha256 == doc.content_sha256 or other.text == doc.text:
            return other
        if doc.notice_key and doc.notice_key == other.notice_key:
            return other
        if mine is None:
            mine = shingles(doc.text)
        if jaccard(mine, shingles(other.text)) >= threshold:
            return other
    return None
