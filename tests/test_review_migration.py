"""A review database from before report ids (keyed on ISO weeks) keeps working after the upgrade."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from agent.config import load_settings
from agent.review import ReviewDesk
from agent.review.items import flagged_items
from agent.sidecar import Sidecar

FIXTURES = Path(__file__).parent / "fixtures" / "review"
WEEK = "2026-W07"

#: The layout written by releases before report ids (copied from that release's store).
OLD_SCHEMA = """
CREATE TABLE drafts (
    week TEXT PRIMARY KEY, markdown_path TEXT NOT NULL, sidecar_path TEXT NOT NULL,
    content_hash TEXT NOT NULL, registered_at TEXT NOT NULL, refreshed_at TEXT NOT NULL);
CREATE TABLE items (
    id INTEGER PRIMARY KEY, week TEXT NOT NULL, claim_id TEXT NOT NULL, item_key TEXT NOT NULL,
    section TEXT NOT NULL, text TEXT NOT NULL, reasons TEXT NOT NULL, speculative INTEGER NOT NULL,
    origin TEXT NOT NULL, errors TEXT NOT NULL, evidence TEXT NOT NULL, position INTEGER NOT NULL,
    current INTEGER NOT NULL, first_seen TEXT NOT NULL, UNIQUE (week, item_key));
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id),
    action TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'edit')), text TEXT,
    note TEXT NOT NULL DEFAULT '', reviewer TEXT NOT NULL, decided_at TEXT NOT NULL,
    supersedes INTEGER REFERENCES decisions(id));
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TABLE reviewers (name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY, reviewer TEXT NOT NULL REFERENCES reviewers(name), csrf TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE publications (
    id INTEGER PRIMARY KEY, week TEXT NOT NULL, path TEXT NOT NULL, published_at TEXT NOT NULL,
    published_by TEXT NOT NULL, reviewers TEXT NOT NULL, content_hash TEXT NOT NULL);
"""


def _old_database(path: Path) -> list[str]:
    """An old DB holding the fixture week's items, one decision on each and one publication."""
    sidecar = Sidecar.model_validate_json((FIXTURES / f"{WEEK}-trade-briefing.json").read_text(encoding="utf-8"))
    items = flagged_items(sidecar)
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    db.execute("INSERT INTO drafts VALUES (?, 'old.md', 'old.json', 'old-hash', '2026-02-16', '2026-02-16')", (WEEK,))
    for position, item in enumerate(items):
        cur = db.execute(
            "INSERT INTO items (week, claim_id, item_key, section, text, reasons, speculative, origin, errors, "
            "evidence, position, current, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '2026-02-16')",
            (WEEK, item.claim_id, item.item_key, item.section, item.text, json.dumps(item.reasons),
             int(item.speculative), item.origin, "[]", item.evidence.model_dump_json(), position))
        db.execute("INSERT INTO decisions (item_id, action, note, reviewer, decided_at) "
                   "VALUES (?, 'approve', 'kept', 'old-ann', '2026-02-16T10:00:00+00:00')", (cur.lastrowid,))
    db.execute("INSERT INTO publications (week, path, published_at, published_by, reviewers, content_hash) "
               "VALUES (?, 'old/published.md', '2026-02-16T11:00:00+00:00', 'old-ann', '[\"old-ann\"]', 'old-hash')",
               (WEEK,))
    db.commit()
    db.close()
    return [i.claim_id for i in items]


def test_an_old_week_keyed_database_is_migrated_with_every_decision(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    claims = _old_database(data / "review.sqlite")
    drafts = tmp_path / "drafts" / "trade-briefing"
    drafts.mkdir(parents=True)
    for f in FIXTURES.glob(f"{WEEK}-trade-briefing.*"):
        shutil.copy(f, drafts / f.name)
    desk = ReviewDesk(load_settings({"AGENT_DATA_DIR": str(data), "AGENT_DRAFTS_DIR": str(drafts.parent),
                                     "AGENT_SITE_DIR": str(tmp_path / "site")}))

    key = f"trade-briefing/{WEEK}"
    items = desk.items(WEEK)  # the shorthand still finds it…
    assert [i.claim_id for i in items] == claims and all(i.report == key for i in items)
    assert all(i.state == "approved" and i.decision and i.decision.reviewer == "old-ann" for i in items)
    assert [s.report for s in desk.reports()] == [key]  # …and the list shows the new key
    assert desk.store.last_publication(key) == "2026-02-16T11:00:00+00:00"
    assert len(desk.store.decision_log(key)) == len(claims)
    result = desk.publish(key, "new-bob")  # decided in the old database, published with the new layout
    assert result.path == tmp_path / "site" / "docs" / "Narrator" / "trade_briefing" / f"{WEEK}-trade-briefing.md"

    reopened = ReviewDesk(load_settings({"AGENT_DATA_DIR": str(data), "AGENT_DRAFTS_DIR": str(drafts.parent)}))
    assert [i.id for i in reopened.items(key)] == [i.id for i in items]  # migrating twice changes nothing
    with sqlite3.connect(data / "review.sqlite") as db:
        assert db.execute("SELECT count(*) FROM items WHERE report NOT LIKE 'trade-briefing/%'").fetchone() == (0,)
