"""The review database (SQLite): drafts → flagged items → append-only decisions → publications.

Why SQLite with ``BEGIN IMMEDIATE``: several reviewers (CLI and web) may decide at once. Each
decision reads the item's current state and appends a row inside one write transaction, so
the second of two racing decisions sees the first and is refused (or, when the reviewer
explicitly asks for a change, recorded as a change that points at the decision it replaces).
Nothing is updated or deleted in the decision log; triggers enforce that.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from agent.review.drafts import Draft
from agent.review.items import Evidence, flagged_items
from tools.errors import InputError, StoreError

Action = Literal["approve", "reject", "edit"]
ACTIONS: tuple[str, ...] = ("approve", "reject", "edit")
ACTION_PAST = {"approve": "approved", "reject": "rejected", "edit": "edited"}
SESSION_HOURS = 12
MAX_REVIEWER_CHARS = 80


def check_reviewer(name: str) -> str:
    """A reviewer name as stored and printed on the page: 1–80 characters on one line."""
    name = name.strip()
    if not name or len(name) > MAX_REVIEWER_CHARS or any(not c.isprintable() for c in name):
        raise InputError(f"reviewer name must be 1–{MAX_REVIEWER_CHARS} printable characters on one line")
    return name

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    report TEXT PRIMARY KEY, markdown_path TEXT NOT NULL, sidecar_path TEXT NOT NULL,
    content_hash TEXT NOT NULL, registered_at TEXT NOT NULL, refreshed_at TEXT NOT NULL,
    flagged_ids TEXT);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY, report TEXT NOT NULL, claim_id TEXT NOT NULL, item_key TEXT NOT NULL,
    section TEXT NOT NULL, text TEXT NOT NULL, reasons TEXT NOT NULL, speculative INTEGER NOT NULL,
    origin TEXT NOT NULL, errors TEXT NOT NULL, evidence TEXT NOT NULL, position INTEGER NOT NULL,
    current INTEGER NOT NULL, first_seen TEXT NOT NULL, UNIQUE (report, item_key));
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id),
    action TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'edit')), text TEXT,
    note TEXT NOT NULL DEFAULT '', reviewer TEXT NOT NULL, decided_at TEXT NOT NULL,
    supersedes INTEGER REFERENCES decisions(id));
CREATE INDEX IF NOT EXISTS decisions_item ON decisions (item_id, id);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
    BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TABLE IF NOT EXISTS reviewers (
    name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, reviewer TEXT NOT NULL REFERENCES reviewers(name), csrf TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY, report TEXT NOT NULL, path TEXT NOT NULL, published_at TEXT NOT NULL,
    published_by TEXT NOT NULL, reviewers TEXT NOT NULL, content_hash TEXT NOT NULL);
"""


#: Columns added after the first release: (table, column, declaration). NULL in rows written before.
_MIGRATIONS = [("drafts", "flagged_ids", "TEXT")]


def _migrate(db: sqlite3.Connection) -> None:
    """Add missing columns to a database made by an older version (rows keep NULL there)."""
    for table, column, decl in _MIGRATIONS:
        names = {r["name"] for r in db.execute(f"PRAGMA table_info({table})").fetchall()}
        if column not in names:
            try:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
            except sqlite3.OperationalError as exc:
                if "duplicate column" not in str(exc):  # another process migrated first
                    raise


#: Tables that name the reviewed draft; before report ids they had a ``week`` column.
_KEYED_TABLES = ("drafts", "items", "publications")
_OLD_WEEK = "[0-9][0-9][0-9][0-9]-W[0-9][0-9]"


def _migrate_week_keys(db: sqlite3.Connection) -> None:
    """Databases from before report ids: ``week`` columns become ``report`` keys (``trade-briefing/<week>``).

    One transaction, so a failure leaves the old database as it was; decisions (append-only,
    keyed on item ids) are not touched, so every decision and its history survive.
    """
    def columns(table: str) -> set[str]:
        return {r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()}

    old = [t for t in _KEYED_TABLES if "week" in columns(t)]
    if not old:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for table in old:
            db.execute(f"ALTER TABLE {table} RENAME COLUMN week TO report")
            db.execute(f"UPDATE {table} SET report = 'trade-briefing/' || report WHERE report GLOB ?", (_OLD_WEEK,))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    id: int
    item_id: int
    action: str
    text: str | None
    note: str
    reviewer: str
    decided_at: str
    supersedes: int | None

    @property
    def is_change(self) -> bool:
        return self.supersedes is not None


@dataclass(frozen=True)
class Item:
    """A flagged item with its current decision (the latest row of its log) and full history."""

    id: int
    report: str
    claim_id: str
    item_key: str
    section: str
    text: str
    reasons: list[str]
    speculative: bool
    origin: str
    errors: list[str]
    evidence: Evidence
    current: bool
    history: list[Decision] = field(default_factory=list)

    @property
    def decision(self) -> Decision | None:
        return self.history[-1] if self.history else None

    @property
    def state(self) -> str:
        """open | approved | rejected | edited."""
        return ACTION_PAST[self.decision.action] if self.decision else "open"

    @property
    def ref(self) -> str:
        return f"#{self.id}"


@dataclass(frozen=True)
class ReportSummary:
    report: str
    total: int
    open: int
    approved: int
    rejected: int
    edited: int
    published_at: str | None


@dataclass(frozen=True)
class Registration:
    """What a draft looked like when it was registered for review (publish compares the files with it)."""

    report: str
    content_hash: str
    flagged_ids: list[str] | None  # None: registered by a version that did not record them


@dataclass(frozen=True)
class SyncResult:
    report: str
    items: int
    new: int
    carried: int
    changed: bool


class ReviewStore:
    """All review state for one data directory (``review.sqlite``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                _migrate_week_keys(db)
                db.executescript(_SCHEMA)
                _migrate(db)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open review database {path}: {exc}") from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        except OverflowError:  # sqlite integers are 64-bit; a longer item number cannot name an item
            raise InputError("that item number is beyond any item in the review database") from None
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise StoreError(f"review database is busy: {exc}") from exc
            raise StoreError(f"review database {self.path} is unreadable: {' '.join(str(exc).split())[:160]} "
                             "(nothing was changed)") from exc
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction taken up front (BEGIN IMMEDIATE): read-check-append is atomic."""
        with self._connect() as db:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"review database is busy: {exc}") from exc
            try:
                yield db
            except BaseException:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # a damaged file can refuse the rollback too; the first error says why
                raise
            db.execute("COMMIT")

    # ---- drafts and items -------------------------------------------------------------

    def sync_draft(self, draft: Draft) -> SyncResult:
        """Register or refresh a draft: items of unchanged claims keep their id and decisions."""
        now = _now().isoformat()
        items = flagged_items(draft.sidecar)
        flagged = json.dumps([i.claim_id for i in items])
        with self._write() as db:
            row = db.execute("SELECT content_hash, flagged_ids FROM drafts WHERE report = ?", (draft.key,)).fetchone()
            if row is not None and row["content_hash"] == draft.content_hash and row["flagged_ids"] is not None:
                return SyncResult(draft.key, len(items), 0, 0, changed=False)
            db.execute(
                "INSERT INTO drafts (report, markdown_path, sidecar_path, content_hash, registered_at, refreshed_at, "
                "flagged_ids) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (report) DO UPDATE SET "
                "markdown_path = excluded.markdown_path, sidecar_path = excluded.sidecar_path, "
                "content_hash = excluded.content_hash, refreshed_at = excluded.refreshed_at, "
                "flagged_ids = excluded.flagged_ids",
                (draft.key, str(draft.files.markdown), str(draft.files.sidecar), draft.content_hash, now, now,
                 flagged),
            )
            db.execute("UPDATE items SET current = 0 WHERE report = ?", (draft.key,))
            new = carried = 0
            for position, item in enumerate(items):
                found = db.execute(
                    "SELECT id FROM items WHERE report = ? AND item_key = ?", (draft.key, item.item_key)
                ).fetchone()
                if found is not None:
                    carried += 1
                    db.execute("UPDATE items SET current = 1, position = ? WHERE id = ?", (position, found["id"]))
                    continue
                new += 1
                db.execute(
                    "INSERT INTO items (report, claim_id, item_key, section, text, reasons, speculative, origin, "
                    "errors, evidence, position, current, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                    (draft.key, item.claim_id, item.item_key, item.section, item.text, json.dumps(item.reasons),
                     int(item.speculative), item.origin, json.dumps(item.errors, ensure_ascii=False),
                     item.evidence.model_dump_json(), position, now),
                )
        return SyncResult(draft.key, len(items), new, carried, changed=True)

    def registration(self, report: str) -> Registration | None:
        """The report's draft as registered for review (hash of Markdown + sidecar, flagged claim ids)."""
        with self._connect() as db:
            row = db.execute("SELECT content_hash, flagged_ids FROM drafts WHERE report = ?", (report,)).fetchone()
        if row is None:
            return None
        flagged = None if row["flagged_ids"] is None else [str(i) for i in json.loads(row["flagged_ids"])]
        return Registration(report, str(row["content_hash"]), flagged)

    def draft_hash(self, report: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT content_hash FROM drafts WHERE report = ?", (report,)).fetchone()
        return None if row is None else str(row["content_hash"])

    def items(self, report: str, *, include_stale: bool = False) -> list[Item]:
        """Items of a report's current draft (page order); stale ones only when asked."""
        query = "SELECT * FROM items WHERE report = ?" + ("" if include_stale else " AND current = 1")
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY current DESC, position, id", (report,)).fetchall()
            return [self._item(db, row) for row in rows]

    def item(self, ref: str, report: str | None = None) -> Item:
        """Find an item by ``#12`` / ``12`` or by claim id (the current item of that claim)."""
        ref = ref.strip()
        with self._connect() as db:
            if ref.lstrip("#").isdigit():
                rows = db.execute("SELECT * FROM items WHERE id = ?", (int(ref.lstrip("#")),)).fetchall()
            else:
                query = "SELECT * FROM items WHERE claim_id = ? AND current = 1"
                args: tuple[str, ...] = (ref,)
                if report:
                    query, args = query + " AND report = ?", (ref, report)
                rows = db.execute(query, args).fetchall()
            if report:
                rows = [r for r in rows if r["report"] == report]
            if not rows:
                raise InputError(f"no flagged item {ref!r}" + (f" in {report}" if report else "")
                                 + " (see `agent review list`)")
            if len(rows) > 1:
                reports = ", ".join(sorted({r["report"] for r in rows}))
                raise InputError(f"item {ref!r} exists in several reports ({reports}); pass --report")
            return self._item(db, rows[0])

    def _item(self, db: sqlite3.Connection, row: sqlite3.Row) -> Item:
        history = [self._decision(d) for d in db.execute(
            "SELECT * FROM decisions WHERE item_id = ? ORDER BY id", (row["id"],)).fetchall()]
        return Item(
            id=row["id"], report=row["report"], claim_id=row["claim_id"], item_key=row["item_key"],
            section=row["section"], text=row["text"], reasons=json.loads(row["reasons"]),
            speculative=bool(row["speculative"]), origin=row["origin"], errors=json.loads(row["errors"]),
            evidence=Evidence.model_validate_json(row["evidence"]), current=bool(row["current"]), history=history,
        )

    @staticmethod
    def _decision(row: sqlite3.Row) -> Decision:
        return Decision(id=row["id"], item_id=row["item_id"], action=row["action"], text=row["text"],
                        note=row["note"], reviewer=row["reviewer"], decided_at=row["decided_at"],
                        supersedes=row["supersedes"])

    # ---- decisions --------------------------------------------------------------------

    def decide(self, item_id: int, action: str, reviewer: str, *, text: str | None = None, note: str = "",
               change: bool = False, expected: int | None | Literal["any"] = "any") -> Decision:
        """Append a decision. A decided item is only changed when ``change`` is set; ``expected``
        (the decision id the reviewer saw, None = open) refuses a decision made on a stale view."""
        if action not in ACTIONS:
            raise InputError(f"unknown action {action!r}: use approve, reject or edit")
        if action == "edit" and not (text or "").strip():
            raise InputError("an edit needs the new text")
        if not reviewer.strip():
            raise InputError("a decision needs a reviewer name")
        reviewer = check_reviewer(reviewer)
        with self._write() as db:
            row = db.execute("SELECT id, current FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                raise InputError(f"no flagged item #{item_id}")
            if not row["current"]:
                raise InputError(f"item #{item_id} is not in the current draft any more (it was re-drafted)")
            last_row = db.execute(
                "SELECT * FROM decisions WHERE item_id = ? ORDER BY id DESC LIMIT 1", (item_id,)).fetchone()
            last = None if last_row is None else self._decision(last_row)
            if expected != "any" and (last.id if last else None) != expected:
                who = f"{ACTION_PAST[last.action]} by {last.reviewer} at {last.decided_at}" if last else "reopened"
                raise InputError(f"item #{item_id} changed while you were looking ({who}); reload and decide again")
            if last is not None and not change:
                raise InputError(
                    f"item #{item_id} is already {ACTION_PAST[last.action]} by {last.reviewer} at "
                    f"{last.decided_at}; to change it, decide again with --change")
            cursor = db.execute(
                "INSERT INTO decisions (item_id, action, text, note, reviewer, decided_at, supersedes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (item_id, action, text if action == "edit" else None, note, reviewer.strip(),
                 _now().isoformat(), last.id if last else None),
            )
            new_row = db.execute("SELECT * FROM decisions WHERE id = ?", (cursor.lastrowid,)).fetchone()
            return self._decision(new_row)

    def decision_log(self, report: str | None = None) -> list[Decision]:
        query = "SELECT d.* FROM decisions d JOIN items i ON i.id = d.item_id"
        args: tuple[str, ...] = ()
        if report:
            query, args = query + " WHERE i.report = ?", (report,)
        with self._connect() as db:
            return [self._decision(r) for r in db.execute(query + " ORDER BY d.id", args).fetchall()]

    def summaries(self) -> list[ReportSummary]:
        """Per registered report: counts of items by state and the last publication time."""
        out = []
        with self._connect() as db:
            reports = [r["report"] for r in db.execute("SELECT report FROM drafts ORDER BY report DESC").fetchall()]
        for report in reports:
            states = [i.state for i in self.items(report)]
            out.append(ReportSummary(
                report=report, total=len(states), open=states.count("open"), approved=states.count("approved"),
                rejected=states.count("rejected"), edited=states.count("edited"),
                published_at=self.last_publication(report),
            ))
        return out

    # ---- publications -----------------------------------------------------------------

    def record_publication(self, report: str, path: Path, published_by: str, reviewers: list[str],
                           content_hash: str, published_at: str | None = None) -> str:
        at = published_at or _now().isoformat()
        with self._write() as db:
            db.execute(
                "INSERT INTO publications (report, path, published_at, published_by, reviewers, content_hash) "
                "VALUES (?, ?, ?, ?, ?, ?)", (report, str(path), at, published_by, json.dumps(reviewers), content_hash))
        return at

    def last_publication(self, report: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT published_at FROM publications WHERE report = ? ORDER BY id DESC LIMIT 1",
                             (report,)).fetchone()
        return None if row is None else str(row["published_at"])

    # ---- reviewers and sessions -------------------------------------------------------

    def add_reviewer(self, name: str) -> str:
        """Create (or re-key) a reviewer; the token is returned once and only its hash is kept."""
        name = check_reviewer(name)
        token = secrets.token_urlsafe(32)
        with self._write() as db:
            db.execute(
                "INSERT INTO reviewers (name, token_hash, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
                (name, _hash(token), _now().isoformat()))
            db.execute("DELETE FROM sessions WHERE reviewer = ?", (name,))
        return token

    def reviewer_for_token(self, token: str) -> str | None:
        if not token:
            return None
        with self._connect() as db:
            row = db.execute("SELECT name FROM reviewers WHERE token_hash = ?", (_hash(token),)).fetchone()
        return None if row is None else str(row["name"])

    def reviewers(self) -> list[str]:
        with self._connect() as db:
            return [r["name"] for r in db.execute("SELECT name FROM reviewers ORDER BY name").fetchall()]

    def open_session(self, reviewer: str) -> tuple[str, str]:
        """(session id for the cookie, CSRF token for the forms); only the id's hash is stored."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _now()
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
            db.execute("INSERT INTO sessions (id_hash, reviewer, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                       (_hash(session_id), reviewer, csrf, now.isoformat(),
                        (now + timedelta(hours=SESSION_HOURS)).isoformat()))
        return session_id, csrf

    def session(self, session_id: str) -> tuple[str, str] | None:
        """(reviewer, csrf) of a live session, else None."""
        if not session_id:
            return None
        with self._connect() as db:
            row = db.execute("SELECT reviewer, csrf, expires_at FROM sessions WHERE id_hash = ?",
                             (_hash(session_id),)).fetchone()
        if row is None or row["expires_at"] < _now().isoformat():
            return None
        return str(row["reviewer"]), str(row["csrf"])

    def close_session(self, session_id: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash(session_id),))
