"""Which documents are in force on a date, given effective, expiry and suspension dates.

Why a separate pure module: the narrator asks "what is still in force", and the answer
depends on other documents (a later notice can pause earlier ones until a date, as
商务部 海关总署公告2025年第70号 did for notices 55–58, 61 and 62). Rules:

- a document starts on its earliest known effective date, else its publish date;
- it stops after ``expires`` when that is known;
- it is paused on dates inside a suspension window (start..until, inclusive) declared by
  another stored document that lists its notice key in ``suspends``. The suspension
  window starts on ``suspension_start`` when known, else on the suspending doc's start.

Press Q&As and analyst notes have no legal effect of their own; they count as "in force"
from their publish date so that a question about a live measure still finds the
explanation of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .models import DocInfo

#: Categories of documents that bind (a notice, a law) or record what binds (an analyst note of a suspension).
BINDING_CATEGORIES = frozenset({"notice", "law", "analyst_note"})


def binds(doc: DocInfo) -> bool:
    """Whether ``doc`` has legal effect of its own, or records one: what a "still in force" reminder may bring
    back. A register rule changes the EAR, a register notice (an order, a meeting, a form) does not; press
    answers and news reprints explain or report a measure (a January reprint of Canada's controls and the
    EU's annual report were listed in an October week)."""
    if doc.category == "federal_register":
        return doc.doc_type == "Rule"
    return doc.category in BINDING_CATEGORIES


def starts_on(doc: DocInfo) -> date:
    return min(doc.effective_dates) if doc.effective_dates else doc.publish_date


def suspenders(doc: DocInfo, docs: Iterable[DocInfo]) -> list[DocInfo]:
    """The stored documents that list ``doc``'s notice among those they suspend, whatever their window."""
    if not doc.notice_key:
        return []
    return [other for other in docs if other.doc_id != doc.doc_id and doc.notice_key in other.suspends]


def suspended_on(doc: DocInfo, day: date, docs: Iterable[DocInfo]) -> DocInfo | None:
    """The stored document suspending ``doc`` on ``day``, if any."""
    for other in suspenders(doc, docs):
        start = other.suspension_start or starts_on(other)
        until = other.suspension_until
        if start <= day and (until is None or day <= until):
            return other
    return None


def in_force_on(doc: DocInfo, day: date, docs: Iterable[DocInfo]) -> bool:
    """True when ``doc`` has started, not expired and is not suspended on ``day``."""
    if starts_on(doc) > day:
        return False
    if doc.expires is not None and day > doc.expires:
        return False
    return suspended_on(doc, day, docs) is None
