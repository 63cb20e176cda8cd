"""What the two monthly reports share on the engine: blocks of builder lines, cited documents, vouched strings.

Why: the section builders (``supply_chain``, ``policy_tracker``) return lines whose figures are
fact displays and whose dates/numbers belong to cited documents. On the engine of issue 9 that
means: every fact a block lists is shown (so the sidecar defines it), every document it lists
becomes a ``DocRef`` (so its date and title are accepted by the page trace), and the strings a
document vouches for — its notice number, FR citation and number, effective dates, title and the
quoted sentence itself — are handed to the trace. A number anywhere else still stops the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.narrate.engine import DraftContext
from agent.reports.policy_tracker import Section, quote
from agent.sidecar import DocRef
from tools.facts.model import Fact
from vectorstore.models import DocRecord
from vectorstore.textclean import to_traditional

TEMPLATE = Path(__file__).parent / "templates" / "monthly.md.j2"


def doc_ref(doc: DocRecord) -> DocRef:
    return DocRef(doc_id=doc.doc_id, title=doc.title, date=doc.publish_date.isoformat(), url=doc.url)


def vouched_by(doc: DocRecord) -> list[str]:
    """Strings on the page that this document (not a fact) accounts for."""
    out = [doc.title, doc.publish_date.isoformat(), quote(doc)]
    out += [d.isoformat() for d in doc.effective_dates]
    out += [d.isoformat() for d in (doc.expires, doc.suspension_until, doc.suspension_start) if d]
    if doc.notice_no:
        out.append(to_traditional(doc.notice_no))
    out += [s for s in (doc.citation, doc.doc_number) if s]
    return [s for s in out if s]


def blocks(ctx: DraftContext, sections: Sequence[Section], docs: Sequence[DocRecord], facts: dict[str, Fact],
           attach: dict[str, list[str]] | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Template blocks for ``sections`` (engine section keys attached by heading prefix) and the vouched strings."""
    by_doc = {d.doc_id: d for d in docs}
    vouched: list[str] = []
    out = []
    for s in sections:
        ctx.show({i: facts[i] for i in s.fact_ids if i in facts})
        for doc_id in s.doc_ids:
            if doc_id in by_doc:
                ctx.docs.setdefault(doc_id, doc_ref(by_doc[doc_id]))
                vouched += vouched_by(by_doc[doc_id])
        keys = next((v for k, v in (attach or {}).items() if s.heading.startswith(k)), [])
        out.append({"heading": s.heading, "body": "\n".join(s.lines), "sections": keys})
    return out, vouched
