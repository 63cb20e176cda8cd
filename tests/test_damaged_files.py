"""Database files with a valid SQLite header and garbage pages: one-line errors, nothing else lost.

A file like this opens fine (the header is intact) and fails only when a page is read, which is
where pandas, the review store and chromadb's Rust core used to leak their own exception types.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
from test_vectorstore_index import HashEmbedder, fixture_docs

from agent.config import load_settings
from agent.review import ReviewDesk
from tools.errors import StoreError
from tools.store import Store
from vectorstore import PolicyIndex

FIXTURES = Path(__file__).parent / "fixtures" / "review"
WEEK = "2026-W07"


def garble_pages(db: Path, first_page: int = 1, seed: int = 7) -> bytes:
    """Overwrite every page from ``first_page`` (0-based) with noise; the 100-byte header survives."""
    original = db.read_bytes()
    data = bytearray(original)
    page = int.from_bytes(data[16:18], "big") or 65536
    rng = random.Random(seed)
    for i in range(max(100, page * first_page), len(data)):
        data[i] = rng.randrange(256)
    db.write_bytes(bytes(data))
    return original


def test_store_with_garbage_pages_is_one_line_and_raw_answers_survive(tmp_path: Path) -> None:
    from tools.sources.fetch import FetchOptions, run_fetch

    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path)})
    store = Store(tmp_path)
    run_fetch(store, settings, FetchOptions(sources=("census",), from_sample=True))
    raw_before = sorted(p.name for p in (tmp_path / "raw").rglob("*") if p.is_file())
    garble_pages(store.db_path)
    for read in (store.is_empty, store.census_monthly, store.manifest, store.comtrade_annual):
        with pytest.raises(StoreError) as err:
            read()
        message = str(err.value)
        assert "unreadable" in message and "\n" not in message and "SELECT" not in message
    assert sorted(p.name for p in (tmp_path / "raw").rglob("*") if p.is_file()) == raw_before


def test_review_database_with_garbage_pages_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "drafts" / "trade-briefing"
    out.mkdir(parents=True)
    for f in FIXTURES.glob(f"{WEEK}-trade-briefing.*"):
        shutil.copy(f, out / f.name)
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(out.parent), "AGENT_SITE_DIR": str(tmp_path / "site")})
    desk = ReviewDesk(settings)
    assert desk.items(WEEK)  # registered: the database now has pages worth garbling
    draft_before = (out / f"{WEEK}-trade-briefing.md").read_bytes()
    garble_pages(desk.store.path)
    again = ReviewDesk(settings)
    with pytest.raises(StoreError) as err:
        again.items(WEEK)
    assert "review database" in str(err.value) and "\n" not in str(err.value)
    assert (out / f"{WEEK}-trade-briefing.md").read_bytes() == draft_before  # the draft is untouched


def test_item_numbers_beyond_sqlite_integers_are_input_errors(tmp_path: Path) -> None:
    from tools.errors import InputError

    out = tmp_path / "drafts" / "trade-briefing"
    out.mkdir(parents=True)
    for f in FIXTURES.glob(f"{WEEK}-trade-briefing.*"):
        shutil.copy(f, out / f.name)
    desk = ReviewDesk(load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(out.parent), "AGENT_SITE_DIR": str(tmp_path / "site")}))
    with pytest.raises(InputError):
        desk.item(str(2**70), WEEK)


def _index(path: Path) -> PolicyIndex:
    return PolicyIndex(load_settings({"AGENT_DATA_DIR": str(path)}), embedder=HashEmbedder())


def test_chroma_index_with_garbage_pages_is_a_store_error(tmp_path: Path) -> None:
    _index(tmp_path).ingest_docs(fixture_docs())
    db = tmp_path / "chroma" / "chroma.sqlite3"
    garble_pages(db, first_page=len(db.read_bytes()) // 4096 // 2, seed=1)
    try:
        _index(tmp_path).search("出口管制", k=2)
    except StoreError as exc:  # anything else (chromadb's own types, a Rust panic) is the bug
        assert "\n" not in str(exc)


class PanicException(BaseException):  # noqa: N818 (named as pyo3 names it)
    """What chromadb's Rust core raises on a damaged segment: a BaseException, not an Exception."""


class _PanickingCollection:
    def get(self, *args: object, **kwargs: object) -> object:
        raise PanicException("called `Result::unwrap()` on an `Err` value")

    query = get


def test_a_rust_panic_in_chroma_is_a_store_error_and_the_draft_goes_on_without_policy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.narrate import retrieval
    from vectorstore import index as index_module

    _index(tmp_path).ingest_docs(fixture_docs())
    real_open = index_module.PolicyIndex.collection.fget  # type: ignore[attr-defined]
    assert real_open is not None

    def panicking(self: PolicyIndex) -> object:
        real_open(self)  # open for real, then swap in a collection whose reads panic, behind the guard
        self._collection = index_module._GuardedCollection(_PanickingCollection(), tmp_path / "chroma")
        return self._collection

    monkeypatch.setattr(index_module.PolicyIndex, "collection", property(panicking))
    with pytest.raises(StoreError, match="unreadable"):
        _index(tmp_path).search("出口管制", k=2)
    monkeypatch.setattr("vectorstore.embedders.get_embedder", lambda *_a, **_k: HashEmbedder())
    monkeypatch.setattr(index_module, "get_embedder", lambda *_a, **_k: HashEmbedder())
    found = retrieval.retrieve(load_settings({"AGENT_DATA_DIR": str(tmp_path)}), date(2026, 2, 9),
                               date(2026, 2, 15), use_cache=False)
    assert found.status == "unavailable" and found.note == retrieval.NOTE_FAILED
    assert sys.exc_info() == (None, None, None)
