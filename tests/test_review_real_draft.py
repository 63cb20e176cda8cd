"""The real bundled-week draft (sample data → fact sheet → template narrator) from flagged to published.

The policy passages are taken straight from the stored sample documents instead of the vector
index, so the test does not spend a minute embedding; everything else is the production path.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

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
    from agent.llm import get_backend
    from agent.narrate import Retrieved, draft, inputs_for
    from agent.verify import to_traditional
    from tools.facts.build import build_fact_sheet
    from tools.store import Store
    from tools.weeks import parse_week
    from vectorstore.models import Passage

    root = tmp_path_factory.mktemp("real")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    env.update(AGENT_DATA_DIR=str(root / "data"), AGENT_OUTPUT_DIR=str(root / "out"))
    fetched = subprocess.run([sys.executable, "-m", "agent", "fetch", "--from-sample"], env=env,
                             capture_output=True, text=True, timeout=300)
    assert fetched.returncode == 0, fetched.stderr
    settings = load_settings(env)
    store = Store(settings.data_dir)
    week = parse_week(WEEK)
    recent = [d for d in store.policy_docs()
              if week.end - timedelta(days=90) <= d.publish_date <= week.end][:4]
    passages = [Passage(doc_id=hashlib.sha256(d.url.encode()).hexdigest()[:12], chunk_id="0",
                        title=to_traditional(d.title), title_orig=d.title, publish_date=d.publish_date, url=d.url,
                        text=d.body_text[:400], score=1.0, notice_no=d.notice_no,
                        effective_dates=d.effective_dates, publisher=d.publisher) for d in recent]
    inputs = inputs_for(WEEK, build_fact_sheet(store, WEEK), retrieved=Retrieved(passages=passages))
    draft(inputs, get_backend("template", settings), settings.output_dir)
    return ReviewDesk(settings), settings.output_dir


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
    assert result.path.parent.name == "published" and "<!--claim" in draft_text
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
