"""Attach to each policy claim the provisions it restates, with their quoted sentences.

Why after writing (not in the plan): a chat model may phrase a scope sentence its own way; what
it restates is found by looking for each cited document's provision values in the final text,
so template and model claims get their quotes the same way. The reviewer then reads the
document's own sentence beside the claim.
"""

from __future__ import annotations

from typing import Any

from agent.sidecar import Claim, Quote
from agent.verify import to_traditional

#: Kinds whose value, found in a claim, means the claim restates that provision.
_NAMED = ("item", "control_code", "hs_code", "entity", "end_use", "notice", "date")
MAX_QUOTES = 4


def _mentioned(text: str, p: Any) -> bool:
    if p.kind not in _NAMED or p.start is None:
        return False
    if p.kind == "date" and p.role not in ("effective", "expiry", "suspension"):
        return False
    value = p.value if p.kind in ("control_code", "hs_code", "date") else to_traditional(p.value)
    return bool(value) and value in text


def attach_quotes(claim: Claim, provisions: dict[str, list[Any]]) -> None:
    """Fill ``claim.provision_ids`` / ``claim.quotes`` from the cited documents' provisions (in place)."""
    if not claim.doc_ids:
        return
    by_id = {p.id: p for d in claim.doc_ids for p in provisions.get(d, [])}
    ids = [i for i in claim.provision_ids if i in by_id]
    ids += [p.id for d in claim.doc_ids for p in provisions.get(d, []) if _mentioned(claim.text, p)]
    if ids:  # the measure whose sentence holds what the claim names leads the quotes
        spans = {(by_id[i].quote_start, by_id[i].doc_id) for i in ids}
        ids = [p.id for d in claim.doc_ids for p in provisions.get(d, [])
               if p.kind == "measure" and (p.quote_start, p.doc_id) in spans][:1] + ids
    claim.provision_ids = list(dict.fromkeys(ids))
    seen: set[tuple[str, int | None]] = set()
    quotes = []
    for i in claim.provision_ids:
        p = by_id[i]
        if not p.quote or (p.doc_id, p.quote_start) in seen:
            continue
        seen.add((p.doc_id, p.quote_start))
        quotes.append(Quote(provision_id=p.id, doc_id=p.doc_id, kind=p.kind, value=p.value, text=p.quote,
                            start=p.quote_start, end=p.quote_end))
    claim.quotes = quotes[:MAX_QUOTES]
