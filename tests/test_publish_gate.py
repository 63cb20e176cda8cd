"""The publish gate trusts no file: a draft changed after registration, a sidecar whose flags were
emptied, or a number typed into the Markdown is refused; an untouched reviewed draft publishes.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from agent.config import load_settings
from agent.review import ReviewDesk
from agent.review.store import ReviewStore
from tools.errors import InputError, VerificationError

FIXTURES = Path(__file__).parent / "fixtures" / "review"
WEEK = "2026-W07"
TYPED = "美國對台灣出口本週暴增 777%，金額達 USD 4,321 億。"


def _desk(tmp_path: Path) -> ReviewDesk:
    out = tmp_path / "drafts" / "trade-briefing"
    out.mkdir(parents=True, exist_ok=True)
    for f in FIXTURES.glob(f"{WEEK}-trade-briefing.*"):
        shutil.copy(f, out / f.name)
    return ReviewDesk(load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(out.parent), "AGENT_SITE_DIR": str(tmp_path / "site")}))


def _review_all(desk: ReviewDesk) -> None:
    for item in desk.items(WEEK):
        desk.decide(item, "approve", "pat")


def _md(desk: ReviewDesk) -> Path:
    return desk.drafts_dir / "trade-briefing" / f"{WEEK}-trade-briefing.md"


def _sidecar(desk: ReviewDesk) -> Path:
    return desk.drafts_dir / "trade-briefing" / f"{WEEK}-trade-briefing.json"


def test_an_untouched_reviewed_draft_publishes(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    _review_all(desk)
    published = desk.publish(WEEK, "pat")
    assert published.reviewers == ["pat"] and published.path.is_file()


def test_a_number_typed_into_the_markdown_after_review_is_refused(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    _review_all(desk)
    md = _md(desk).read_text(encoding="utf-8")
    _md(desk).write_text(md.replace("## 三、", TYPED + "\n\n## 三、", 1), encoding="utf-8")
    with pytest.raises(InputError, match="changed on disk since it was registered"):
        desk.publish(WEEK, "pat")
    # Registering the edited file again does not launder it: the page is re-traced at publish.
    desk.items(WEEK)
    with pytest.raises(VerificationError, match="no fact or document"):
        desk.publish(WEEK, "pat")
    assert not (desk.site_dir / "docs" / "Narrator" / "trade_briefing" / f"{WEEK}-trade-briefing.md").exists()


def _clear_flags(path: Path) -> None:
    side = json.loads(path.read_text(encoding="utf-8"))
    for claim in side["claims"]:
        claim["flags"] = []
    path.write_text(json.dumps(side, ensure_ascii=False, indent=2), encoding="utf-8")


def test_flags_cleared_in_the_sidecar_after_review_are_refused(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    items = desk.items(WEEK)
    desk.decide(items[0], "approve", "pat")  # the rest stay open
    _clear_flags(_sidecar(desk))
    with pytest.raises(InputError, match="changed on disk"):
        desk.publish(WEEK, "pat")
    desk.items(WEEK)  # registered again: nothing is flagged any more, yet policy claims need review
    with pytest.raises(VerificationError, match="drops flags"):
        desk.publish(WEEK, "pat")
    assert not desk.site_dir.exists()


def test_flags_cleared_before_the_draft_was_ever_registered_are_refused(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    _clear_flags(_sidecar(desk))
    with pytest.raises(VerificationError, match=r"drops flags .*policy-a1d4e2 \(policy_interpretation\)"):
        desk.publish(WEEK, "pat")


def test_a_database_from_before_the_hash_column_is_migrated_and_asks_to_register_again(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    _review_all(desk)
    db_path = tmp_path / "data" / "review.sqlite"
    with sqlite3.connect(db_path) as db:  # what an older version left: no flagged_ids column
        db.execute("ALTER TABLE drafts DROP COLUMN flagged_ids")
    ReviewStore(db_path)
    with sqlite3.connect(db_path) as db:
        assert "flagged_ids" in {r[1] for r in db.execute("PRAGMA table_info(drafts)")}
    old = ReviewDesk(load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(desk.drafts_dir)}))
    with pytest.raises(InputError, match=f"older version.*review list --report trade-briefing/{WEEK}.*register it again"):
        old.publish(WEEK, "pat")
    assert all(i.state == "approved" for i in old.items(WEEK))  # decisions survive re-registration
    assert old.publish(WEEK, "pat").path.is_file()


def test_reviewer_names_are_bounded(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    item = desk.items(WEEK)[0]
    for name in ("x" * 81, "ann\nbob", "ann\u202e"):
        with pytest.raises(InputError, match="reviewer name"):
            desk.decide(item, "approve", name)
    with pytest.raises(InputError, match="reviewer name"):
        desk.publish(WEEK, "p" * 500)
    assert desk.item(str(item.id)).state == "open"
