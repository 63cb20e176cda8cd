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
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "data" / "golden" / "2026-W07"
_NUMBER = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?%?")


def _agent(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp("golden")
    env = {**os.environ, "AGENT_DATA_DIR": str(root / "data"), "AGENT_OUTPUT_DIR": str(root / "out"),
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
