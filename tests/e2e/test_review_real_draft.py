"""The real bundled-week draft (sample data → fact sheet → template narrator) from flagged to published."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_draft import build_bundled_draft

from agent.config import load_settings
from agent.review import ReviewDesk
from agent.review.markers import ANY_MARKER_RE, split_front_matter
from agent.review.publish import new_numbers
from agent.verify import check_text
from tools.errors import VerificationError

WEEK = "2026-W07"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_draft(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReviewDesk, Path]:
    settings = load_settings(build_bundled_draft(tmp_path_factory.mktemp("real"), WEEK))
    return ReviewDesk(settings), settings.drafts_dir / "trade-briefing"


def test_the_bundled_week_goes_from_flagged_to_published(real_draft: tuple[ReviewDesk, Path]) -> None:
    desk, out = real_draft
    items = desk.items(WEEK)
    assert len(items) >= 3, "the bundled week should flag its policy claims"
    with pytest.raises(Exception, match="undecided"):
        desk.publish(WEEK, "ann")

    approve, edit, reject, *rest = items
    desk.decide(approve, "approve", "ann")
    doc = edit.evidence.docs[0]
    with pytest.raises(VerificationError, match="99%"):
        desk.decide(edit, "edit", "bob", text=f"{doc.date}，{doc.title}，影響 99% 相關出口。")
    good = f"{doc.date}，商務部發布「{doc.title}」，內容待審稿人核對原文。"
    desk.decide(edit, "edit", "bob", text=good)
    desk.decide(reject, "reject", "ann", note="not relevant this week")
    for item in rest:
        desk.decide(item, "approve", "ann")

    result = desk.publish(WEEK, "ann")
    page = result.path.read_text(encoding="utf-8")
    draft_text = (out / f"{WEEK}-trade-briefing.md").read_text(encoding="utf-8")
    assert result.path == desk.site_dir / "docs" / "Narrator" / "trade_briefing" / f"{WEEK}-trade-briefing.md"
    assert "<!--claim" in draft_text
    assert not ANY_MARKER_RE.search(page)
    assert good in page and reject.text not in page and approve.text in page
    # the body may only lose numbers or gain verified edits (front matter adds review timestamps)
    assert new_numbers(split_front_matter(page)[1], draft_text, [good]) == []
    for item in desk.items(WEEK):
        decision = item.decision
        assert decision is not None
        shown = decision.text if decision.action == "edit" and decision.text else item.text
        if decision.action != "reject":
            assert check_text(shown, item.evidence.facts, item.evidence.doc_dates()) == []
    assert "reviewed_by:\n- ann\n- bob\n" in page
