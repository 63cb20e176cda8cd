"""Does a draft on disk still deserve the review it was given?

Why: the draft Markdown and its JSON sidecar are ordinary files. A number typed into the
Markdown after review, or a ``flags`` list emptied in the sidecar, would otherwise reach the
published page with "reviewed by …" on it. Publish therefore re-derives, from the sidecar's
own claims, which flags each claim must carry (the drafter's rules, not the file's say-so),
and re-traces every number on the page to the sidecar's facts.
"""

from __future__ import annotations

from agent.narrate.trace import untraced_numbers
from agent.sidecar import Claim, Sidecar
from agent.verify import SPECULATIVE_TAG, is_speculative

#: Sections whose every sentence interprets a document (the drafter flags them all).
POLICY_SECTIONS = frozenset({"policy", "policy_impact"})


def required_flags(claim: Claim, sidecar: Sidecar) -> set[str]:
    """The flags the drafter gives ``claim`` whatever its file says (see agent/narrate/writer.py)."""
    needed: set[str] = set()
    if claim.section in POLICY_SECTIONS or (claim.section == "summary" and claim.doc_ids):
        needed.add("policy_interpretation")
    if claim.speculative or SPECULATIVE_TAG in claim.text or is_speculative(claim.text):
        needed.add("speculative")
    if claim.origin == "fallback":
        needed.add("fallback")
    warned = {i for flag in sidecar.quality_flags if flag.severity == "warn" for i in flag.fact_ids}
    if warned.intersection(claim.fact_ids):
        needed.add("data_quality")
    return needed


def missing_flags(sidecar: Sidecar) -> list[str]:
    """'claim-id (flag, …)' for each claim lacking a flag the drafter's rules require."""
    out = []
    for claim in sidecar.claims:
        lacking = sorted(required_flags(claim, sidecar) - set(claim.flags))
        if lacking:
            out.append(f"{claim.id} ({', '.join(lacking)})")
    return out


def page_problems(markdown: str, sidecar: Sidecar) -> list[str]:
    """Numbers on ``markdown`` that the sidecar's facts, documents and vouched strings do not account for."""
    return untraced_numbers(markdown, sidecar, extra=sidecar.vouched)
