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


def starts_on(doc: DocInfo) -> date:
    return min(doc.effective_dates) if doc.effective_dates else doc.publish_date


def suspended_on(doc: DocInfo, day: date, docs: Iterable[DocInfo]) -> DocInfo | None:
    """The stored document suspending ``doc`` on ``day``, if any."""
    if not doc.notice_key:
        return None
    for other in docs:
        if other.doc_id == doc.doc_id or doc.notice_key not in other.suspends:
            continue
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
