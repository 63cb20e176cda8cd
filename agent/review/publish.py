"""Turn a fully reviewed draft into the published page.

Why its own module: publishing is the last gate. It refuses while anything flagged is
undecided, re-verifies every edit (the verifier may have become stricter since the edit was
made), resolves the claim markers, records who reviewed in the front matter, and writes the
file atomically so a reader never sees half a page. The draft itself is never touched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from agent.review.drafts import Draft
from agent.review.edits import check_edit
from agent.review.integrity import page_problems
from agent.review.items import REASON_ZH
from agent.review.markers import ANY_MARKER_RE, CLAIM_RE, resolve_claims, split_front_matter, strip_markers
from agent.review.store import Item
from agent.verify import SPECULATIVE_TAG, number_tokens, tag_speculative
from tools import markup
from tools.atomic import write_text_atomic
from tools.errors import InputError, StoreError, VerificationError


@dataclass(frozen=True)
class Composed:
    markdown: str
    reviewers: list[str]
    counts: dict[str, int]
    reviewed_at: str


def describe(item: Item) -> str:
    reasons = "/".join(REASON_ZH.get(r, r) for r in item.reasons)
    return f"{item.ref} {item.claim_id} ({reasons})"


def undecided(items: list[Item]) -> list[Item]:
    return [i for i in items if i.decision is None]


def compose(draft: Draft, items: list[Item], published_at: str, published_by: str) -> Composed:
    """The published Markdown for a draft whose flagged items are all decided."""
    open_items = undecided(items)
    if open_items:
        names = ", ".join(describe(i) for i in open_items)
        raise InputError(f"cannot publish {draft.key}: {len(open_items)} flagged item(s) undecided: {names}")
    replacements: dict[str, str | None] = {}
    for item in items:
        decision = item.decision
        assert decision is not None
        if decision.action == "reject":
            replacements[item.claim_id] = None
        elif decision.action == "edit":
            check = check_edit(decision.text or "", item.evidence)
            if not check.ok:
                raise VerificationError(f"edit of {describe(item)} no longer verifies: {'; '.join(check.problems)}")
            replacements[item.claim_id] = check.text
        elif item.speculative and SPECULATIVE_TAG not in item.text:
            replacements[item.claim_id] = tag_speculative(item.text)
    markdown = _ensure_markers(draft.markdown, items)
    body = resolve_claims(markdown, replacements)
    if ANY_MARKER_RE.search(body):
        raise StoreError(f"claim markers remain in the published {draft.key} page")
    stray = new_numbers(body, draft.markdown, [t for t in replacements.values() if t])
    if stray:
        raise VerificationError(f"publishing {draft.key} would show numbers the draft and the verified edits do "
                                f"not contain: {', '.join(stray)}")
    untraced = page_problems(body, draft.sidecar)
    if untraced:
        raise VerificationError(f"cannot publish {draft.key}: the page has numbers no fact or document of its "
                                f"sidecar accounts for ({len(untraced)}), first: {untraced[0]}; re-draft the report")
    decisions = [i.decision for i in items if i.decision is not None]
    # Names are printed by the site layout: inert text there, like every other string not ours.
    reviewers = sorted({markup.text(d.reviewer) for d in decisions})
    counts = dict(Counter(d.action for d in decisions))
    reviewed_at = max((d.decided_at for d in decisions), default=published_at)
    front, rest = split_front_matter(body)
    front += yaml.safe_dump({
        "reviewed_by": reviewers,
        "reviewed_at": reviewed_at,
        "published_at": published_at,
        "published_by": markup.text(published_by),
        "review": {"approved": counts.get("approve", 0), "edited": counts.get("edit", 0),
                   "rejected": counts.get("reject", 0)},
    }, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return Composed(f"---\n{front}---\n{rest}", reviewers, counts, reviewed_at)


def new_numbers(published: str, draft: str, edits: list[str]) -> list[str]:
    """Numbers on the published page that neither the verified draft nor a verified edit contains.

    Why: the draft passed the page-wide number check and each edit passed the claim check, so
    publishing may only ever *remove* numbers or add edited ones. Removing text next to a
    number must not fuse two numbers into a new one; this guard makes that impossible to miss.
    """
    allowed = {t.key for text in [strip_markers(draft), *edits] for t in number_tokens(text)}
    return sorted({t.text for t in number_tokens(published)
                   if t.key not in allowed})


def _ensure_markers(markdown: str, items: list[Item]) -> str:
    """A flagged claim the drafter forgot to wrap is wrapped at its (unique) text, or refused."""
    present = {m.group("id") for m in CLAIM_RE.finditer(markdown)}
    for item in items:
        if item.claim_id in present:
            continue
        if markdown.count(item.text) != 1:
            raise StoreError(f"flagged claim {item.claim_id} has no marker in the draft and its text is not "
                             "found exactly once; re-draft the report")
        wrapped = f"<!--claim:{item.claim_id}-->{item.text}<!--/claim:{item.claim_id}-->"
        markdown = markdown.replace(item.text, wrapped, 1)
    return markdown


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory and rename: readers see old or new, never half."""
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc}") from exc

