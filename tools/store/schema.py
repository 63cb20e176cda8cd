"""SQLite schema of the store: one manifest row per answer received, normalised rows per answer.

Why SQLite (stdlib): one file, transactions for free (a failed fetch commits nothing),
readable with pandas, and safe when two commands run at once.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS manifest (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    query_key    TEXT NOT NULL,
    method       TEXT NOT NULL,
    url          TEXT NOT NULL,
    params       TEXT NOT NULL,          -- JSON list of [name, value], credentials removed
    form         TEXT NOT NULL,          -- JSON list of [name, value] for POST bodies
    source_url   TEXT NOT NULL,          -- url with params, credentials removed
    status       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    raw_path     TEXT NOT NULL,          -- relative to the data dir
    n_bytes      INTEGER NOT NULL,
    fetched_at   TEXT NOT NULL,          -- ISO 8601 UTC, 'Z'
    checked_at   TEXT NOT NULL,          -- last time the same bytes were seen again
    vintage      TEXT NOT NULL,
    synthetic    INTEGER NOT NULL,
    row_capped   INTEGER NOT NULL,
    n_rows       INTEGER NOT NULL,
    dataset      TEXT NOT NULL DEFAULT '',   -- what the client knew (v2): dataset label,
    q_flow       TEXT NOT NULL DEFAULT '',   -- flow asked, window asked ('2024-01–2025-11' / '2024'),
    q_window     TEXT NOT NULL DEFAULT '',
    q_reporter   TEXT NOT NULL DEFAULT '',   -- reporter and partner codes named in the question
    q_partner    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS manifest_query ON manifest (query_key, fetched_at);
CREATE TABLE IF NOT EXISTS census_values (
    manifest_id INTEGER NOT NULL REFERENCES manifest(id),
    cty_code    TEXT NOT NULL,
    cty_name    TEXT NOT NULL,
    period      TEXT NOT NULL,
    flow        TEXT NOT NULL CHECK (flow IN ('exports', 'imports')),
    value_usd   REAL,
    ytd_usd     REAL
);
CREATE INDEX IF NOT EXISTS census_key ON census_values (cty_code, period, flow);
CREATE TABLE IF NOT EXISTS census_hs_values (   -- optional HS detail; never summed into census_values
    manifest_id    INTEGER NOT NULL REFERENCES manifest(id),
    comm_lvl       TEXT NOT NULL CHECK (comm_lvl IN ('HS2', 'HS4', 'HS6', 'HS10')),
    commodity      TEXT NOT NULL,
    commodity_desc TEXT NOT NULL,
    cty_code       TEXT NOT NULL,
    period         TEXT NOT NULL,
    flow           TEXT NOT NULL CHECK (flow IN ('exports', 'imports')),
    value_usd      REAL,
    ytd_usd        REAL
);
CREATE INDEX IF NOT EXISTS census_hs_key ON census_hs_values (comm_lvl, flow, commodity, cty_code, period);
CREATE TABLE IF NOT EXISTS comtrade_values (
    manifest_id   INTEGER NOT NULL REFERENCES manifest(id),
    reporter_code INTEGER NOT NULL,
    reporter_desc TEXT NOT NULL,
    partner_code  INTEGER NOT NULL,
    partner_desc  TEXT NOT NULL,
    year          INTEGER NOT NULL,
    flow          TEXT NOT NULL CHECK (flow IN ('X', 'M')),
    value_usd     REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS comtrade_key ON comtrade_values (reporter_code, year, flow);
CREATE TABLE IF NOT EXISTS policy_docs (
    manifest_id INTEGER NOT NULL REFERENCES manifest(id),
    url         TEXT NOT NULL,
    doc         TEXT NOT NULL           -- PolicyDoc as JSON
);
CREATE INDEX IF NOT EXISTS policy_url ON policy_docs (url);
CREATE TABLE IF NOT EXISTS worldbank_values (   -- annual indicators; value NULL = not published (never filled)
    manifest_id    INTEGER NOT NULL REFERENCES manifest(id),
    iso3           TEXT NOT NULL,
    country_name   TEXT NOT NULL,
    indicator      TEXT NOT NULL,
    indicator_name TEXT NOT NULL,
    year           INTEGER NOT NULL,
    value          REAL
);
CREATE INDEX IF NOT EXISTS worldbank_key ON worldbank_values (indicator, iso3, year);
"""

#: Version 2: what the client knew about each answer (provenance), so pages cite it without parsing URLs.
#: Answers stored before version 2 keep '' here (the page then falls back to reading the stored URL).
PROVENANCE_COLUMNS = ("dataset", "q_flow", "q_window", "q_reporter", "q_partner")


def migrate(conn: sqlite3.Connection) -> None:
    """Bring an older store up to SCHEMA_VERSION in place; nothing stored is changed or lost."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(manifest)")}
    for column in PROVENANCE_COLUMNS:
        if column not in have:
            conn.execute(f"ALTER TABLE manifest ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
