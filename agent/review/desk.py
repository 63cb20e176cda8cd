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
from agent.review.drafts import Draft, check_week, find_weeks, load_draft, published_path
from agent.review.edits import EditCheck, check_edit
from agent.review.integrity import missing_flags
from agent.review.publish import compose, write_atomic
from agent.review.store import Decision, Item, ReviewStore, SyncResult, WeekSummary, _now, check_reviewer
from agent.site.files import copy_charts
from tools.errors import InputError, StoreError, VerificationError

log = logging.getLogger(__name__)


def review_db_path(settings: Settings) -> Path:
    return settings.data_dir / "review.sqlite"


@dataclass(frozen=True)
class Published:
    week: str
    path: Path
    reviewers: list[str]
    counts: dict[str, int]
    published_at: str


class ReviewDesk:
    def __init__(self, settings: Settings) -> None:
        self.output_dir = settings.output_dir
        self.store = ReviewStore(review_db_path(settings))
        self.problems: dict[str, str] = {}  # week -> why its draft could not be registered

    # ---- reading ----------------------------------------------------------------------

    def draft(self, week: str) -> Draft:
        return load_draft(self.output_dir, check_week(week))

    def refresh(self, week: str) -> SyncResult:
        """Register the week's draft (or pick up a re-draft) before showing or deciding."""
        return self.store.sync_draft(self.draft(week))

    def refresh_all(self) -> list[SyncResult]:
        """Register every draft on disk; a broken draft is reported and skipped, not fatal to the list."""
        results = []
        self.problems = {}
        for week in find_weeks(self.output_dir):
            try:
                results.append(self.refresh(week))
            except StoreError as exc:
                self.problems[week] = str(exc)
                log.warning("skipping draft %s: %s", week, exc)
        return results

    def weeks(self) -> list[WeekSummary]:
        self.refresh_all()
        return self.store.summaries()

    def items(self, week: str) -> list[Item]:
        self.refresh(week)
        return self.store.items(week)

    def item(self, ref: str, week: str | None = None) -> Item:
        if week:
            self.refresh(week)
        else:
            self.refresh_all()
        return self.store.item(ref, week)

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

    def publish(self, week: str, published_by: str) -> Published:
        if not published_by.strip():
            raise InputError("publishing needs a reviewer name")
        published_by = check_reviewer(published_by)
        draft = self.draft(week)
        self._check_registered(draft)
        items = self.store.items(week)
        at = _now().isoformat()
        composed = compose(draft, items, published_at=at, published_by=published_by)
        path = published_path(self.output_dir, week)
        write_atomic(path, composed.markdown)
        copy_charts(draft.files.markdown, path)
        self.store.record_publication(week, path, published_by, composed.reviewers, draft.content_hash,
                                     published_at=at)
        return Published(week, path, composed.reviewers, composed.counts, at)

    def _check_registered(self, draft: Draft) -> None:
        """Refuse a draft that is not the one reviewed, or whose flags fall short of the drafter's rules.

        A week never registered is registered now (a draft with nothing flagged needs no review);
        the rule check then still catches a sidecar whose flags were emptied before that.
        """
        week = draft.week
        registered = self.store.registration(week)
        if registered is None:
            self.store.sync_draft(draft)
        elif registered.flagged_ids is None:
            raise InputError(f"{week} was registered for review by an older version that kept no record of its "
                             f"flagged claims; run `agent review list --week {week}` to register it again, then publish")
        elif (registered.content_hash != draft.content_hash
              or registered.flagged_ids != [c.id for c in draft.sidecar.flagged_claims()]):
            raise InputError(f"the draft of {week} changed on disk since it was registered for review; run "
                             f"`agent review list --week {week}` to register it again (changed items need new "
                             "decisions), or re-draft the week")
        lacking = missing_flags(draft.sidecar)
        if lacking:
            raise VerificationError(f"cannot publish {week}: the sidecar drops flags the drafter gives "
                                    f"{len(lacking)} claim(s): {', '.join(lacking[:3])}; re-draft the week")
