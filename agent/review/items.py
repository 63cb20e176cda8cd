"""Flagged items: what a reviewer decides on, built from the draft's sidecar.

Why an item key: a re-drafted week must keep decisions on items that did not change, and
must *not* carry a decision over to an item whose text or evidence changed. The key is the
claim id plus a hash of the claim text and of the evidence values, so either kind of change
makes a new item that needs a fresh decision.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, Field

from agent.sidecar import Claim, DocRef, Quote, Sidecar
from tools.facts.model import Fact

REASON_ZH = {
    "speculative": "推測",
    "policy_interpretation": "政策解讀",
    "fallback": "改用備援句",
    "data_quality": "資料品質",
}


class Evidence(BaseModel):
    """What a claim cites, copied from the sidecar when the item was registered."""

    facts: list[Fact] = Field(default_factory=list)
    docs: list[DocRef] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="cited ids the sidecar does not define")
    quotes: list[Quote] = Field(default_factory=list, description="the document sentences a policy claim restates")

    def doc_dates(self) -> list[str]:
        """Strings the cited documents vouch for: their dates and titles (notice numbers live there)."""
        return [d.date for d in self.docs if d.date] + [d.title for d in self.docs if d.title]


class ItemDraft(BaseModel):
    """A flagged claim ready to be stored: identity, text, reasons and evidence."""

    claim_id: str
    item_key: str
    section: str
    text: str
    reasons: list[str]
    speculative: bool
    origin: str
    errors: list[str] = Field(default_factory=list)
    evidence: Evidence


def evidence_for(claim: Claim, sidecar: Sidecar) -> Evidence:
    facts = [sidecar.facts[f] for f in claim.fact_ids if f in sidecar.facts]
    docs = [sidecar.docs[d] for d in claim.doc_ids if d in sidecar.docs]
    missing = [f for f in claim.fact_ids if f not in sidecar.facts] + [d for d in claim.doc_ids if d not in sidecar.docs]
    return Evidence(facts=facts, docs=docs, missing=missing, quotes=list(claim.quotes))


def item_key(claim: Claim, evidence: Evidence) -> str:
    """``claim id @ hash(text, cited values, cited documents)``."""
    payload: dict[str, Any] = {
        "text": claim.text,
        "facts": [[f.id, f.value, f.display, f.period.label_zh] for f in evidence.facts],
        "docs": [[d.doc_id, d.title, d.date, d.url] for d in evidence.docs],
        "missing": evidence.missing,
    }
    if evidence.quotes:  # only when present, so keys of claims without quotes stay as they were
        payload["quotes"] = [[q.provision_id, q.text] for q in evidence.quotes]
    digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    return f"{claim.id}@{digest[:12]}"


def flagged_items(sidecar: Sidecar) -> list[ItemDraft]:
    """Every flagged claim of a draft as an item, in page order."""
    items = []
    for claim in sidecar.flagged_claims():
        evidence = evidence_for(claim, sidecar)
        items.append(ItemDraft(
            claim_id=claim.id, item_key=item_key(claim, evidence), section=claim.section, text=claim.text,
            reasons=list(claim.flags), speculative=claim.speculative, origin=claim.origin,
            errors=list(claim.errors), evidence=evidence,
        ))
    return items
