"""What the index's metadata says about a policy document on the report date.

Why metadata only: a deterministic policy sentence may state what the index recorded about a
document (notice number, effective dates, expiry, a suspension declared by another stored
document) but never figures from its body, which nobody has checked. The in-force rules are
the policy index's own (``vectorstore.inforce``), so the page and ``agent ask`` agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agent.verify import to_traditional

_NOISE = re.compile(r"[\s、，,·・]")


@dataclass(frozen=True)
class DocStatus:
    notice_no: str = ""  # zh-Hant, empty when the title already names it
    effective: list[date] = field(default_factory=list)
    expires: date | None = None
    suspended_until: date | None = None  # this notice is paused until then (by ``suspended_by``)
    suspended_by: str = ""
    suspends_until: date | None = None  # this document pauses other notices until then
    citation: str = ""  # a Federal Register document's citation (91 FR 2467): how a reader finds it, and tells
    #                     apart documents the register titles alike ("Order Denying Export Privileges")

    def dates(self) -> list[date]:
        """Dates a sentence about this document may state (they come from the index, not the body)."""
        found = [*self.effective, self.expires, self.suspended_until, self.suspends_until]
        return [d for d in found if d is not None]


def _in_title(notice_no: str, title: str) -> bool:
    return bool(notice_no) and _NOISE.sub("", notice_no) in _NOISE.sub("", title)


def suspender_name(suspender: Any, lang: str = "zh") -> str:
    """How a page names the document declaring a suspension: its notice number, else its title; an analyst
    note is said to be one (it records the suspension, it is not the official text)."""
    name = to_traditional(suspender.notice_no) or f"「{suspender.title}」"
    if suspender.category == "analyst_note":
        name += "（據分析師筆記）" if lang == "zh" else " (per an analyst note)"
    return name


def doc_status(passage: Any, infos: Iterable[Any], day: date) -> DocStatus:
    """Status of ``passage``'s document on ``day`` from the stored ``DocInfo`` list (empty if unknown)."""
    docs = list(infos)
    info = next((d for d in docs if d.doc_id == passage.doc_id), None)
    notice = to_traditional(getattr(passage, "notice_no", "") or "")
    title = to_traditional(getattr(passage, "title", "") or "")
    effective = sorted(set(getattr(passage, "effective_dates", []) or []))
    if info is None:
        return DocStatus(notice_no="" if _in_title(notice, title) else notice, effective=effective)
    suspended_until, suspended_by = None, ""
    try:
        from vectorstore.inforce import suspended_on
    except ImportError:  # the index package is optional; without it nothing is known to be paused
        suspender = None
    else:
        suspender = suspended_on(info, day, docs)
    if suspender is not None and suspender.suspension_until is not None:
        suspended_until = suspender.suspension_until
        suspended_by = suspender_name(suspender)
    return DocStatus(
        notice_no="" if _in_title(notice, title) else notice,
        effective=effective,
        expires=info.expires,
        suspended_until=suspended_until,
        suspended_by=suspended_by,
        suspends_until=info.suspension_until if info.suspends else None,
        citation=str(getattr(info, "citation", "") or ""),
    )
