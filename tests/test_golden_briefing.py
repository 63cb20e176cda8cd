"""Golden test: the 2026-W07 briefing drafted from the bundled sample keeps every number and table.

Why: the fact model and its producers are refactored underneath the briefing; a reader must
not see one figure move. The page prose may change on purpose, so what is pinned is (a) every
Markdown table, verbatim, (b) the number tokens of every line, in order, and (c) every fact of
the week's sheet (id, unit, value, display). Run with ``GOLDEN_UPDATE=1`` to rewrite the files
after an intended change, and say why in the commit.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "data" / "golden" / "2026-W07"
#: The full page drafted with the stored sample documents (the report-spec refactor pinned it).
PAGE = Path(__file__).parent / "data" / "golden" / "2026-W07-trade-briefing.md"
WEEK = "2026-W07"
SOURCES_HEADING = "## 資料來源"
_NUMBER = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?%?")


def _agent(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp("golden")
    env = {**os.environ, "AGENT_DATA_DIR": str(root / "data"), "AGENT_DRAFTS_DIR": str(root / "out"),
           "AGENT_LLM": "", "AGENT_LLM_BASE_URL": "", "OPENAI_API_KEY": ""}
    assert _agent("fetch", "--from-sample", env=env).returncode == 0
    done = _agent("draft", "--week", "2026-W07", "--llm", "template", env=env)
    assert done.returncode == 0, done.stderr
    pages = sorted((root / "out").rglob("*2026-W07*.md"))
    assert len(pages) == 1, pages
    return pages[0].read_text(encoding="utf-8"), root / "data"


def tables(md: str) -> str:
    """Every table line, under the heading it belongs to."""
    out: list[str] = []
    heading, in_table = "", False
    for line in md.splitlines():
        if line.startswith("#"):
            heading = line
        if line.startswith("|"):
            if not in_table:
                out.append(heading)
            out.append(line)
        in_table = line.startswith("|")
    return "\n".join(out) + "\n"


def numbers(md: str) -> str:
    """The number tokens of each non-table line with any digit (HTML tags removed), one line each."""
    out = []
    for line in md.splitlines():
        if line.startswith("|"):
            continue
        plain = re.sub(r"<[^>]+>", "", line)
        plain = re.sub(r"\]\([^)]*\)", "]", plain)  # a link's URL is provenance, not a page number
        found = _NUMBER.findall(plain)
        if found:
            out.append(" ".join(found))
    return "\n".join(out) + "\n"


def sheet_facts(data_dir: Path) -> str:
    from tools.facts.build import build_fact_sheet
    from tools.store import Store

    sheet = build_fact_sheet(Store(data_dir), "2026-W07")
    rows = [f"{f.id}\t{f.unit}\t{f.value!r}\t{f.display}\t{' | '.join(f.displays)}" for f in sheet.facts]
    return "\n".join(sorted(rows)) + "\n"


def _check(name: str, got: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GOLDEN_UPDATE"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    want = path.read_text(encoding="utf-8")
    assert got == want, f"{name} changed; diff against {path} (GOLDEN_UPDATE=1 rewrites it)"


def test_tables_are_unchanged(drafted: tuple[str, Path]) -> None:
    _check("tables.md", tables(drafted[0]))


def test_numbers_of_every_line_are_unchanged(drafted: tuple[str, Path]) -> None:
    _check("numbers.txt", numbers(drafted[0]))


def test_every_fact_of_the_week_is_unchanged(drafted: tuple[str, Path]) -> None:
    _check("facts.tsv", sheet_facts(drafted[1]))


def _bundled_page(root: Path) -> str:
    """Production path on the sample: fetch → fact sheets (this week, previous, year ago) → template draft.

    Policy passages come straight from the stored sample documents (no vector index), as in
    ``tests/e2e/real_draft.py``, so the policy section and watchlist are part of the reference.
    """
    from agent.config import load_settings
    from agent.llm import get_backend
    from agent.narrate import Retrieved, draft, inputs_for
    from tools.errors import AgentError
    from tools.facts.build import build_fact_sheet
    from tools.store import Store
    from tools.weeks import parse_week

    sys.path.insert(0, str(Path(__file__).parent / "e2e"))
    from real_draft import stored_passages

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

    passages = stored_passages(store, week.end)
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


@pytest.fixture(scope="module")
def page_with_documents(tmp_path_factory: pytest.TempPathFactory) -> str:
    text = _mask_fetch_dates(_bundled_page(tmp_path_factory.mktemp("golden-page")))
    if os.environ.get("GOLDEN_UPDATE"):
        PAGE.write_text(text, encoding="utf-8")
    return text


def test_the_page_with_documents_is_byte_identical_above_its_source_list(page_with_documents: str) -> None:
    """The whole page (policy section and watchlist included, documents from the stored sample) above
    the data-source list, which may legitimately gain citations; fetch dates are masked."""
    expected = PAGE.read_text(encoding="utf-8")
    assert page_with_documents.split(SOURCES_HEADING)[0] == expected.split(SOURCES_HEADING)[0]
