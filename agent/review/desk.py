"""The review desk: what the CLI and the web page both call.

Why one facade: the CLI and the browser must apply exactly the same rules (drafts are
re-registered before anything is shown or decided, edits are verified, publishing is gated),
so both go through these few methods and neither touches the database or the files directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agent.config import Settings
from agent.review.drafts import Draft, check_key, find_keys, load_draft, published_path
from agent.review.edits import EditCheck, check_edit
from agent.review.integrity import missing_flags
from agent.review.publish import compose, write_atomic
from agent.review.store import Decision, Item, ReportSummary, ReviewStore, SyncResult, _now, check_reviewer
from agent.site.files import copy_charts
from tools.errors import InputError, StoreError, VerificationError

log = logging.getLogger(__name__)


def review_db_path(settings: Settings) -> Path:
    return settings.data_dir / "review.sqlite"


@dataclass(frozen=True)
class Published:
    report: str  # the report key, e.g. trade-briefing/2026-W07
    path: Path
    reviewers: list[str]
    counts: dict[str, int]
    published_at: str


class ReviewDesk:
    """Every method takes a report key; ``2026-W07`` is shorthand for ``trade-briefing/2026-W07``."""

    def __init__(self, settings: Settings) -> None:
        self.drafts_dir = settings.drafts_dir
        self.site_dir = settings.site_dir
        self.store = ReviewStore(review_db_path(settings))
        self.problems: dict[str, str] = {}  # report key -> why its draft could not be registered

    # ---- reading ----------------------------------------------------------------------

    def draft(self, report: str) -> Draft:
        return load_draft(self.drafts_dir, check_key(report))

    def refresh(self, report: str) -> SyncResult:
        """Register the report's draft (or pick up a re-draft) before showing or deciding."""
        return self.store.sync_draft(self.draft(report))

    def refresh_all(self) -> list[SyncResult]:
        """Register every draft on disk; a broken draft is reported and skipped, not fatal to the list."""
        results = []
        self.problems = {}
        for key in find_keys(self.drafts_dir):
            try:
                results.append(self.refresh(key))
            except StoreError as exc:
                self.problems[key] = str(exc)
                log.warning("skipping draft %s: %s", key, exc)
        return results

    def reports(self) -> list[ReportSummary]:
        self.refresh_all()
        return self.store.summaries()

    def items(self, report: str) -> list[Item]:
        key = check_key(report)
        self.refresh(key)
        return self.store.items(key)

    def item(self, ref: str, report: str | None = None) -> Item:
        key = check_key(report) if report else None
        if key:
            self.refresh(key)
        else:
            self.refresh_all()
        return self.store.item(ref, key)

    # ---- deciding ---------------------------------------------------------------------

    def decide(self, item: Item, action: str, reviewer: str, *, text: str | None = None, note: str = "",
               change: bool = False, expected: int | None | Literal["any"] = "any",
               ) -> tuple[Decision, EditCheck | None]:
        """Record a decision; an edit is verified first and refused with the verifier's reasons."""
        check = None
        if action == "edit":
            check = check_edit(text or "", item.evidence)
            if not check.ok:
                raise VerificationError(f"edit of {item.ref} refused: {'; '.join(check.problems)}")
            text = check.text
        decision = self.store.decide(item.id, action, reviewer, text=text, note=note, change=change,
                                     expected=expected)
        return decision, check

    # ---- publishing -------------------------------------------------------------------

    def publish(self, report: str, published_by: str) -> Published:
        """Write the reviewed page into the site source, at the URL its navigation links expect."""
        if not published_by.strip():
            raise InputError("publishing needs a reviewer name")
        published_by = check_reviewer(published_by)
        key = check_key(report)
        draft = self.draft(key)
        self._check_registered(draft)
        items = self.store.items(key)
        at = _now().isoformat()
        composed = compose(draft, items, published_at=at, published_by=published_by)
        path = published_path(self.site_dir, key)
        write_atomic(path, composed.markdown)
        copy_charts(draft.files.markdown, path)
        self.store.record_publication(key, path, published_by, composed.reviewers, draft.content_hash,
                                      published_at=at)
        return Published(key, path, composed.reviewers, composed.counts, at)

    def _check_registered(self, draft: Draft) -> None:
        """Refuse a draft that is not the one reviewed, or whose flags fall short of the drafter's rules.

        A report never registered is registered now (a draft with nothing flagged needs no review);
        the rule check then still catches a sidecar whose flags were emptied before that.
        """
        key = draft.key
        registered = self.store.registration(key)
        if registered is None:
            self.store.sync_draft(draft)
        elif registered.flagged_ids is None:
            raise InputError(f"{key} was registered for review by an older version that kept no record of its "
                             f"flagged claims; run `agent review list --report {key}` to register it again, then publish")
        elif (registered.content_hash != draft.content_hash
              or registered.flagged_ids != [c.id for c in draft.sidecar.flagged_claims()]):
            raise InputError(f"the draft of {key} changed on disk since it was registered for review; run "
                             f"`agent review list --report {key}` to register it again (changed items need new "
                             "decisions), or re-draft the report")
        lacking = missing_flags(draft.sidecar)
        if lacking:
            raise VerificationError(f"cannot publish {key}: the sidecar drops flags the drafter gives "
                                    f"{len(lacking)} claim(s): {', '.join(lacking[:3])}; re-draft the report")
