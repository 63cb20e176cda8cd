"""The snapshot store: raw answers as received, a manifest, and normalised tables with provenance.

Why this shape: numbers in a briefing must be traceable to the exact bytes a source sent
(URL, parameters, time, sha256), re-fetching must never lose or half-write what is already
stored, and revised months must stay visible (vintages are kept, never overwritten).

Write path: raw bytes go to ``raw/<source>/<sha256>`` (temp file + ``os.replace``, so a file
is either complete or absent), then every manifest and table row of one fetch is inserted in
ONE transaction. Callers hand over only answers that already parsed and validated, so a
fetch that fails midway commits nothing and the previous snapshot stays as it was.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pandas as pd

from tools.atomic import write_bytes_atomic
from tools.errors import StoreError
from tools.sources.models import PolicyDoc
from tools.sources.records import SOURCES, Fetched, RawResponse
from tools.sources.registry import SOURCE_SPECS
from tools.store.schema import DDL, PROVENANCE_COLUMNS, SCHEMA_VERSION, migrate

DB_NAME = "store.sqlite"

#: How old the newest check of a source may be before `agent sources` calls it stale (from its SourceSpec).
STALE_AFTER: dict[str, timedelta] = {name: spec.stale_after for name, spec in SOURCE_SPECS.items()}

CENSUS_COLUMNS = [
    "cty_code", "cty_name", "period", "exports_usd", "imports_usd", "vintage", "fetched_at",
    "source_url", "synthetic", "exports_ytd_usd", "imports_ytd_usd", "exports_source_url", "imports_source_url",
    "dataset", "exports_window", "imports_window",
]
CENSUS_HS_COLUMNS = [
    "comm_lvl", "flow", "commodity", "commodity_desc", "cty_code", "period", "value_usd", "ytd_usd",
    "vintage", "fetched_at", "source_url", "synthetic",
]
COMTRADE_COLUMNS = [
    "reporter_code", "reporter_desc", "partner_code", "partner_desc", "year", "flow", "value_usd",
    "vintage", "fetched_at", "source_url", "synthetic", "row_capped",
    "dataset", "q_flow", "q_window", "q_reporter", "q_partner",
]
REVISION_COLUMNS = ["cty_code", "period", "flow", "old_value", "new_value", "old_vintage", "new_vintage"]
WORLDBANK_COLUMNS = [
    "iso3", "country_name", "indicator", "indicator_name", "year", "value", "vintage", "fetched_at", "source_url",
    "synthetic",
]
STATUS_COLUMNS = ["source", "snapshots", "rows", "first_fetched", "last_fetched", "last_checked", "synthetic", "stale"]


def iso_utc(moment: datetime) -> str:
    """One text form for every stored time, so string order is time order."""
    if moment.tzinfo is None:
        raise StoreError("refusing a naive timestamp: every stored time must be UTC-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def source_url(raw: RawResponse) -> str:
    """The URL a person could paste to ask the same question (credentials removed)."""
    if not raw.public_params:
        return raw.url
    return str(httpx.URL(raw.url, params=raw.public_params))


@dataclass(frozen=True)
class SaveReport:
    """What one save did: answers stored as new vintages, and answers identical to the last one."""

    new: int
    unchanged: int
    rows: int


class Store:
    """Snapshots of every source under one data directory (created lazily on first write)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir).expanduser()
        self.db_path = self.data_dir / DB_NAME
        self._tables: dict[tuple[str, object], tuple[tuple[int, int, int, bytes], pd.DataFrame]] = {}

    def fingerprint(self) -> tuple[int, int, int, bytes] | None:
        """What identifies the stored content: the database file's inode, modification time, size and
        SQLite's file change counter.

        SQLite bumps the counter in the file header on every committed write (rollback journal, the
        default this store keeps), which holds even where file times are coarse; moving a store aside
        for a rebuild gives a new inode. An unchanged fingerprint means unchanged tables. None: no store.
        """
        try:
            with self.db_path.open("rb") as fh:
                header = fh.read(28)
                st = os.fstat(fh.fileno())
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size, header[24:28]

    def _remembered(self, name: str, arg: object, read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """``read()`` once per stored content, a copy each time.

        Why: one draft builds this week's and last week's sheets (and chat answers several questions) from
        one store; reading and typing the same tables again was a third of the deterministic draft. The
        copy keeps a caller that edits its frame from changing the next caller's.
        """
        stamp = self.fingerprint()
        if stamp is None:
            return read()
        hit = self._tables.get((name, arg))
        if hit is None or hit[0] != stamp:
            hit = (stamp, read())
            self._tables[(name, arg)] = hit
        return hit[1].copy()

    # ------------------------------------------------------------------ connection
    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        if write:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store at {self.db_path}: {exc}") from exc
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            if write:
                conn.executescript(DDL)
                migrate(conn)
                conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
            yield conn
        except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
            # pandas wraps sqlite's error in its own DatabaseError whose text repeats the whole query
            reason = exc.__cause__ if isinstance(exc, pd.errors.DatabaseError) and exc.__cause__ else exc
            raise StoreError(
                f"the store at {self.db_path} is unreadable: {' '.join(str(reason).split())[:160]} "
                "(nothing was changed; move it aside and run `agent fetch` to rebuild it)"
            ) from exc
        finally:
            conn.close()

    def _read(self, sql: str, params: tuple[object, ...] = (), *, table: str = "manifest") -> pd.DataFrame | None:
        """Run a query; None when nothing has been stored yet (no DB file, or ``table`` not created yet)."""
        if not self.db_path.is_file():
            return None
        self._upgrade_if_old()
        with self._connect(write=False) as conn:
            for name in dict.fromkeys(("manifest", table)):
                exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
                if not exists:
                    return None
            return pd.read_sql_query(sql, conn, params=params)

    def _upgrade_if_old(self) -> None:
        """A store written before provenance columns existed is migrated once (columns added, nothing lost)."""
        if getattr(self, "_current", False):
            return
        with self._connect(write=False) as conn:
            exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='manifest'").fetchone()
            have = {row[1] for row in conn.execute("PRAGMA table_info(manifest)")} if exists else set()
        if exists and not set(PROVENANCE_COLUMNS) <= have:
            with self._connect(write=True):
                pass  # the write connection runs the DDL and the migration
        self._current = True

    # ------------------------------------------------------------------ writing
    def save(self, fetched: Iterable[Fetched]) -> SaveReport:
        """Store one fetch atomically: all of it becomes visible, or none of it.

        An answer whose bytes equal the latest answer to the same question adds no vintage;
        only its ``checked_at`` moves, so `agent sources` knows the data was re-confirmed.
        """
        items = list(fetched)
        for item in items:  # raw files first: content-addressed, harmless if the DB step fails
            target = self._raw_path(item.raw)
            if not target.is_file():
                write_bytes_atomic(target, item.raw.body)
        new = unchanged = rows = 0
        with self._connect(write=True) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                for item in items:
                    stored = self._save_one(conn, item)
                    if stored is None:
                        unchanged += 1
                    else:
                        new += 1
                        rows += stored
                conn.execute("COMMIT")
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # a damaged file can refuse even the rollback; the original error says why
                raise
        return SaveReport(new=new, unchanged=unchanged, rows=rows)

    def _raw_path(self, raw: RawResponse) -> Path:
        return self.data_dir / "raw" / raw.source / raw.sha256

    def _save_one(self, conn: sqlite3.Connection, item: Fetched) -> int | None:
        raw = item.raw
        when = iso_utc(raw.fetched_at)
        latest = conn.execute(
            "SELECT id, sha256, checked_at FROM manifest WHERE query_key = ? ORDER BY fetched_at DESC, id DESC LIMIT 1",
            (raw.query_key,),
        ).fetchone()
        if latest is not None and latest[1] == raw.sha256:
            if when > latest[2]:
                conn.execute("UPDATE manifest SET checked_at = ? WHERE id = ?", (when, latest[0]))
            return None
        n_rows = len(item.census) + len(item.census_hs) + len(item.comtrade) + len(item.policy) + len(item.worldbank)
        cur = conn.execute(
            """INSERT INTO manifest (source, query_key, method, url, params, form, source_url, status,
                   content_type, sha256, raw_path, n_bytes, fetched_at, checked_at, vintage, synthetic,
                   row_capped, n_rows, dataset, q_flow, q_window, q_reporter, q_partner)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                raw.source, raw.query_key, raw.method.upper(), raw.url,
                json.dumps(raw.public_params, ensure_ascii=False), json.dumps(list(raw.form), ensure_ascii=False),
                source_url(raw), raw.status, raw.content_type, raw.sha256,
                str(self._raw_path(raw).relative_to(self.data_dir)), len(raw.body), when, when, when,
                int(raw.synthetic), int(item.row_capped), n_rows,
                item.provenance.dataset or SOURCE_SPECS[raw.source].dataset, item.provenance.flow,
                item.provenance.window, item.provenance.reporter, item.provenance.partner,
            ),
        )
        mid = cur.lastrowid
        conn.executemany(
            "INSERT INTO census_values VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(mid, r.cty_code, r.cty_name, r.period, r.flow, r.value_usd, r.ytd_usd) for r in item.census],
        )
        conn.executemany(
            "INSERT INTO census_hs_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (mid, r.comm_lvl, r.commodity, r.commodity_desc, r.cty_code, r.period, r.flow, r.value_usd, r.ytd_usd)
                for r in item.census_hs
            ],
        )
        conn.executemany(
            "INSERT INTO comtrade_values VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (mid, r.reporter_code, r.reporter_desc, r.partner_code, r.partner_desc, r.year, r.flow, r.value_usd)
                for r in item.comtrade
            ],
        )
        conn.executemany(
            "INSERT INTO policy_docs VALUES (?, ?, ?)",
            [(mid, d.url, d.model_dump_json()) for d in item.policy],
        )
        conn.executemany(
            "INSERT INTO worldbank_values VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(mid, r.iso3, r.country_name, r.indicator, r.indicator_name, r.year, r.value) for r in item.worldbank],
        )
        return n_rows

    # ------------------------------------------------------------------ reading
    def is_empty(self) -> bool:
        """True when no source has ever been stored here."""
        df = self._read("SELECT COUNT(*) AS n FROM manifest")
        return df is None or int(df["n"].iloc[0]) == 0

    def raw_bytes(self, sha256: str, source: str) -> bytes:
        """The bytes of one stored answer, exactly as received."""
        path = self.data_dir / "raw" / source / sha256
        try:
            return path.read_bytes()
        except OSError as exc:
            raise StoreError(f"raw answer {source}/{sha256} is missing from {self.data_dir}") from exc

    def manifest(self) -> pd.DataFrame:
        """Every answer stored (one row per vintage), newest last."""
        df = self._read(
            "SELECT id, source, method, source_url, status, content_type, sha256, raw_path, n_bytes,"
            " fetched_at, checked_at, vintage, synthetic, row_capped, n_rows FROM manifest ORDER BY fetched_at, id"
        )
        if df is None:
            return pd.DataFrame(
                columns=["id", "source", "method", "source_url", "status", "content_type", "sha256", "raw_path",
                         "n_bytes", "fetched_at", "checked_at", "vintage", "synthetic", "row_capped", "n_rows"]
            )
        df["synthetic"] = df["synthetic"].astype(bool)
        df["row_capped"] = df["row_capped"].astype(bool)
        return df

    def status(self, now: datetime | None = None) -> pd.DataFrame:
        """Per source: how much is stored, from when, whether any of it is synthetic, whether it is stale."""
        now = now or datetime.now(UTC)
        m = self.manifest()
        out = []
        for source in SOURCES:
            part = m[m["source"] == source]
            if part.empty:
                out.append({"source": source, "snapshots": 0, "rows": 0, "first_fetched": "", "last_fetched": "",
                            "last_checked": "", "synthetic": "", "stale": True})
                continue
            last_checked = str(part["checked_at"].max())
            age = now - datetime.strptime(last_checked, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            n_syn = int(part["synthetic"].sum())
            synthetic = "all" if n_syn == len(part) else ("none" if n_syn == 0 else f"{n_syn} of {len(part)}")
            out.append({
                "source": source, "snapshots": len(part), "rows": int(part["n_rows"].sum()),
                "first_fetched": str(part["fetched_at"].min()), "last_fetched": str(part["fetched_at"].max()),
                "last_checked": last_checked, "synthetic": synthetic, "stale": bool(age > STALE_AFTER[source]),
            })
        return pd.DataFrame(out, columns=STATUS_COLUMNS)

    def census_monthly(self) -> pd.DataFrame:
        """Latest vintage of every (country, month): one row with exports and imports (whole USD)."""
        return self._remembered("census_monthly", None, self._read_census_monthly)

    def _read_census_monthly(self) -> pd.DataFrame:
        df = self._read(
            """SELECT cty_code, cty_name, period, flow, value_usd, ytd_usd, vintage, fetched_at, source_url, synthetic,
                      dataset, q_window
               FROM (SELECT v.*, m.vintage, m.fetched_at, m.source_url, m.synthetic, m.dataset, m.q_window,
                            ROW_NUMBER() OVER (PARTITION BY v.cty_code, v.period, v.flow
                                               ORDER BY m.fetched_at DESC, m.id DESC) AS rn
                     FROM census_values v JOIN manifest m ON m.id = v.manifest_id)
               WHERE rn = 1"""
        )
        if df is None or df.empty:
            return _typed_census(pd.DataFrame(columns=CENSUS_COLUMNS))
        keys = ["cty_code", "period"]
        ex = df[df["flow"] == "exports"].set_index(keys)
        im = df[df["flow"] == "imports"].set_index(keys)
        idx = ex.index.union(im.index)
        ex, im = ex.reindex(idx), im.reindex(idx)
        out = pd.DataFrame(index=idx)
        out["cty_name"] = ex["cty_name"].fillna(im["cty_name"])
        out["exports_usd"] = ex["value_usd"]
        out["imports_usd"] = im["value_usd"]
        # a row's provenance is its newest contributing answer
        newer_im = im["fetched_at"].fillna("") > ex["fetched_at"].fillna("")
        for col in ("vintage", "fetched_at", "source_url"):
            out[col] = ex[col].where(~newer_im, im[col])
        out["synthetic"] = ex["synthetic"].fillna(0).astype(bool) | im["synthetic"].fillna(0).astype(bool)
        out["exports_ytd_usd"] = ex["ytd_usd"]
        out["imports_ytd_usd"] = im["ytd_usd"]
        out["exports_source_url"] = ex["source_url"]
        out["imports_source_url"] = im["source_url"]
        out["dataset"] = ex["dataset"].fillna(im["dataset"])
        out["exports_window"] = ex["q_window"]
        out["imports_window"] = im["q_window"]
        out = out.reset_index()
        return _typed_census(out[CENSUS_COLUMNS].sort_values(["cty_code", "period"], ignore_index=True))

    def census_hs(self, level: str | None = None) -> pd.DataFrame:
        """Latest vintage of every HS-detail cell: one row per (level, flow, commodity, country, month).

        Long format (one flow per row) because export (Schedule B) and import (HTS) codes differ
        at HS10; values are whole USD, NaN when suppressed. ``level`` narrows to HS2/HS4/HS6/HS10.
        """
        return self._remembered("census_hs", level and level.upper(), lambda: self._read_census_hs(level))

    def _read_census_hs(self, level: str | None) -> pd.DataFrame:
        # Why not one windowed query as for the totals: carrying every row's URL and description through
        # SQLite's ranking sort took four times as long as reading the values and their few answers
        # apart and keeping each cell's newest answer here (same rule: newest fetch, then newest answer).
        lvl = level and level.upper()
        values = self._read(
            """SELECT comm_lvl, flow, commodity, commodity_desc, cty_code, period, value_usd, ytd_usd, manifest_id
               FROM census_hs_values WHERE (? IS NULL OR comm_lvl = ?)""",
            (lvl, lvl), table="census_hs_values",
        )
        answers = self._read(
            """SELECT id AS manifest_id, vintage, fetched_at, source_url, synthetic FROM manifest
               WHERE id IN (SELECT DISTINCT manifest_id FROM census_hs_values)""",
            table="census_hs_values",
        )
        df = None
        if values is not None and answers is not None:
            cell = ["comm_lvl", "flow", "commodity", "cty_code", "period"]
            df = (values.merge(answers, on="manifest_id")
                  .sort_values(["fetched_at", "manifest_id"], kind="stable")
                  .drop_duplicates(cell, keep="last")
                  .sort_values(["comm_lvl", "flow", "cty_code", "period", "commodity"], ignore_index=True))
        if df is None:
            df = pd.DataFrame(columns=CENSUS_HS_COLUMNS)
        df = df[CENSUS_HS_COLUMNS].reset_index(drop=True)
        for col in ("comm_lvl", "flow", "commodity", "commodity_desc", "cty_code", "period", "vintage", "source_url"):
            df[col] = df[col].astype(str) if not df.empty else df[col].astype(object)
        for col in ("value_usd", "ytd_usd"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        df["fetched_at"] = pd.to_datetime(df["fetched_at"], utc=True)
        df["synthetic"] = df["synthetic"].astype(bool)
        return df

    def comtrade_annual(self) -> pd.DataFrame:
        """Rows of the latest answer to each Comtrade question, one row per (reporter, partner, year, flow).

        When two questions cover the same cell (an all-partner table and a single-partner query),
        a real answer wins over a synthetic one, then the newer one wins.
        """
        return self._remembered("comtrade_annual", None, self._read_comtrade_annual)

    def _read_comtrade_annual(self) -> pd.DataFrame:
        df = self._read(
            """SELECT v.reporter_code, v.reporter_desc, v.partner_code, v.partner_desc, v.year, v.flow,
                      v.value_usd, m.vintage, m.fetched_at, m.source_url, m.synthetic, m.row_capped, m.id AS mid,
                      m.dataset, m.q_flow, m.q_window, m.q_reporter, m.q_partner
               FROM comtrade_values v
               JOIN (SELECT id, vintage, fetched_at, source_url, synthetic, row_capped,
                            dataset, q_flow, q_window, q_reporter, q_partner,
                            ROW_NUMBER() OVER (PARTITION BY query_key ORDER BY fetched_at DESC, id DESC) AS rn
                     FROM manifest WHERE source = 'comtrade') m
                 ON m.id = v.manifest_id AND m.rn = 1"""
        )
        if df is None or df.empty:
            return _typed_comtrade(pd.DataFrame(columns=COMTRADE_COLUMNS))
        df = df.sort_values(["synthetic", "fetched_at", "mid"], ascending=[True, False, False])
        df = df.drop_duplicates(["reporter_code", "partner_code", "year", "flow"], keep="first")
        df = df.sort_values(["reporter_code", "year", "flow", "partner_code"], ignore_index=True)
        return _typed_comtrade(df[COMTRADE_COLUMNS])

    def policy_docs(self) -> list[PolicyDoc]:
        """Latest stored version of every MOFCOM document, newest publication first."""
        df = self._read(
            """SELECT doc FROM (SELECT p.doc, ROW_NUMBER() OVER (PARTITION BY p.url
                                       ORDER BY m.fetched_at DESC, m.id DESC) AS rn
                                FROM policy_docs p JOIN manifest m ON m.id = p.manifest_id)
               WHERE rn = 1"""
        )
        if df is None:
            return []
        docs = [PolicyDoc.model_validate_json(text) for text in df["doc"]]
        return sorted(docs, key=lambda d: (d.publish_date, d.url), reverse=True)

    def worldbank_indicators(self) -> pd.DataFrame:
        """Latest vintage of every (indicator, economy, year); ``value`` NaN where the World Bank has none."""
        return self._remembered("worldbank_indicators", None, self._read_worldbank_indicators)

    def _read_worldbank_indicators(self) -> pd.DataFrame:
        df = self._read(
            """SELECT iso3, country_name, indicator, indicator_name, year, value, vintage, fetched_at, source_url,
                      synthetic
               FROM (SELECT v.*, m.vintage, m.fetched_at, m.source_url, m.synthetic,
                            ROW_NUMBER() OVER (PARTITION BY v.indicator, v.iso3, v.year
                                               ORDER BY m.fetched_at DESC, m.id DESC) AS rn
                     FROM worldbank_values v JOIN manifest m ON m.id = v.manifest_id)
               WHERE rn = 1
               ORDER BY indicator, iso3, year""",
            table="worldbank_values",
        )
        if df is None:
            df = pd.DataFrame(columns=WORLDBANK_COLUMNS)
        df = df[WORLDBANK_COLUMNS].reset_index(drop=True)
        df["year"] = df["year"].astype(int)
        df["value"] = pd.to_numeric(df["value"], errors="coerce").astype(float)
        df["fetched_at"] = pd.to_datetime(df["fetched_at"], utc=True)
        df["synthetic"] = df["synthetic"].astype(bool)
        return df

    def census_revisions(self) -> pd.DataFrame:
        """Every published month whose value changed between two stored vintages (old → new)."""
        return self._remembered("census_revisions", None, self._read_census_revisions)

    def _read_census_revisions(self) -> pd.DataFrame:
        df = self._read(
            """SELECT cty_code, period, flow, old_value, new_value, old_vintage, new_vintage FROM (
                 SELECT v.cty_code, v.period, v.flow, v.value_usd AS new_value, m.vintage AS new_vintage,
                        LAG(v.value_usd) OVER w AS old_value, LAG(m.vintage) OVER w AS old_vintage,
                        ROW_NUMBER() OVER w AS seq
                 FROM census_values v JOIN manifest m ON m.id = v.manifest_id
                 WINDOW w AS (PARTITION BY v.cty_code, v.period, v.flow ORDER BY m.fetched_at, m.id))
               WHERE seq > 1 AND old_value IS NOT new_value
               ORDER BY cty_code, period, flow, new_vintage"""
        )
        if df is None:
            return pd.DataFrame(columns=REVISION_COLUMNS)
        return df[REVISION_COLUMNS].reset_index(drop=True)


def _typed_census(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in ("cty_code", "cty_name", "period", "vintage", "source_url", "exports_source_url", "imports_source_url"):
        df[col] = df[col].astype(str) if not df.empty else df[col].astype(object)
    for col in ("dataset", "exports_window", "imports_window"):
        df[col] = df[col].fillna("").astype(str) if not df.empty else df[col].astype(object)
    for col in ("exports_usd", "imports_usd", "exports_ytd_usd", "imports_ytd_usd"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    df["fetched_at"] = pd.to_datetime(df["fetched_at"], utc=True)
    df["synthetic"] = df["synthetic"].astype(bool)
    return df


def _typed_comtrade(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in ("reporter_code", "partner_code", "year"):
        df[col] = df[col].astype(int)
    df["value_usd"] = df["value_usd"].astype(float)
    df["fetched_at"] = pd.to_datetime(df["fetched_at"], utc=True)
    for col in ("synthetic", "row_capped"):
        df[col] = df[col].astype(bool)
    return df
