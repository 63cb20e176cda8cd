"""Golden test: the 2026-W07 briefing drafted from the bundled sample keeps every number and table.

Why: the drafting code is refactored (report specs, one engine, capabilities, keyed review);
a reader must get the same page. The reference under ``tests/data/golden/`` was written
before the refactor. The data-source list is compared on its tables and figures only where
the source lines may legitimately gain a citation (fetch dates differ per run and are masked).

Regenerate deliberately with ``GOLDEN_UPDATE=1 .venv/bin/pytest tests/test_golden_briefing.py``
and explain in the commit why the page changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.verify import number_tokens

GOLDEN = Path(__file__).parent / "data" / "golden" / "2026-W07-trade-briefing.md"
WEEK = "2026-W07"
SOURCES_HEADING = "## 資料來源"


def _bundled_page(root: Path) -> str:
    """Production path on the sample: fetch → fact sheets (this week, previous, year ago) → template draft.

    Policy passages come straight from the stored sample documents (no vector index), as in
    ``tests/e2e/real_draft.py``, so the policy section and watchlist are part of the reference.
    """
    from agent.config import load_settings
    from agent.llm import get_backend
    from agent.narrate import Retrieved, draft, inputs_for
    from agent.verify import to_traditional
    from tools.errors import AgentError
    from tools.facts.build import build_fact_sheet
    from tools.store import Store
    from tools.weeks import parse_week
    from vectorstore.models import Passage

    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    env.update(AGENT_DATA_DIR=str(root / "data"))
    fetched = subprocess.run([sys.executable, "-m", "agent", "fetch", "--from-sample"], env=env,
                             capture_output=True, text=True, timeout=300)
    assert fetched.returncode == 0, fetched.stderr[-500:]
    settings = load_settings(env)
    store = Store(settings.data_dir)
    week = parse_week(WEEK)

    def sheet_or_none(name: str) -> object:
        try:
            return build_fact_sheet(store, name)
        except AgentError:
            return None

    recent = [d for d in store.policy_docs() if week.end - timedelta(days=90) <= d.publish_date <= week.end][:4]
    passages = [Passage(doc_id=hashlib.sha256(d.url.encode()).hexdigest()[:12], chunk_id="0",
                        title=to_traditional(d.title), title_orig=d.title, publish_date=d.publish_date, url=d.url,
                        text=d.body_text[:400], score=1.0, notice_no=d.notice_no,
                        effective_dates=d.effective_dates, publisher=d.publisher) for d in recent]
    inputs = inputs_for(WEEK, build_fact_sheet(store, WEEK), prev=sheet_or_none(week.prev_week),  # type: ignore[arg-type]
                        year_ago=sheet_or_none(week.year_ago_week),  # type: ignore[arg-type]
                        retrieved=Retrieved(passages=passages))
    return draft(inputs, get_backend("template", settings)).markdown


def _mask_fetch_dates(page: str) -> str:
    """The sample is stored 'now': the fetch date on the page is the only value that moves per run."""
    today = datetime.now(UTC).date()
    for day in {today, today - timedelta(days=1)}:
        page = page.replace(day.isoformat(), "<fetched>")
    return page


def _tables(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.startswith("|")]


def _numbers(page: str) -> list[str]:
    body = page.split(SOURCES_HEADING)[0]
    return [t.text for t in number_tokens(re.sub(r"<[^>]+>", "", body))]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    text = _mask_fetch_dates(_bundled_page(tmp_path_factory.mktemp("golden")))
    if os.environ.get("GOLDEN_UPDATE"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    return text


def test_every_table_row_is_unchanged(page: str) -> None:
    expected = GOLDEN.read_text(encoding="utf-8")
    assert _tables(expected), "the reference page has no tables"
    assert _tables(page) == _tables(expected)


def test_every_number_in_the_text_is_unchanged(page: str) -> None:
    expected = GOLDEN.read_text(encoding="utf-8")
    assert len(_numbers(expected)) > 50
    assert _numbers(page) == _numbers(expected)


def test_the_page_above_the_source_list_is_byte_identical(page: str) -> None:
    expected = GOLDEN.read_text(encoding="utf-8")
    assert page.split(SOURCES_HEADING)[0] == expected.split(SOURCES_HEADING)[0]
