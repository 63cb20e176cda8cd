"""One fact engine: the briefing's sheet and `agent ask` get their figures from the same producers.

The store fixture is SYNTHETIC (marked so in the store): US trade with Germany (Census 4280) in
surplus through 2024 and in deficit through 2025, so the Jan–Nov balance changes sign.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tools.facts.build import build_fact_sheet
from tools.sources.records import CensusRow, Fetched, RawResponse
from tools.store import Store

WHEN = datetime(2026, 2, 13, 23, 51, 6, tzinfo=UTC)
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)][:23]  # 2024-01 … 2025-11
FLIP_QUESTION = "2025 年 1 到 11 月美國對德國的貿易差額是多少？比前一年同期增加多少？"
IMPORTS_QUESTION = "美國 2025 年 10 月從台灣進口多少？"


def _answer(flow: str, values: dict[str, float]) -> Fetched:
    body = json.dumps([["CTY_CODE", "CTY_NAME", "VAL", "time"]]
                      + [["4280", "GERMANY", str(int(v)), p] for p, v in values.items()]).encode()
    raw = RawResponse(
        source="census", method="GET", url=f"https://api.census.gov/data/timeseries/intltrade/{flow}/hs",
        params=(("get", "CTY_CODE,CTY_NAME"), ("time", "from 2024-01 to 2025-11"), ("CTY_CODE", "4280")),
        status=200, content_type="application/json", body=body, fetched_at=WHEN, synthetic=True,
    )
    return Fetched(raw=raw, census=[CensusRow("4280", "GERMANY", p, flow, v)  # type: ignore[arg-type]
                                    for p, v in values.items()])


def _agent(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENT_DATA_DIR": str(data_dir), "AGENT_DRAFTS_DIR": str(data_dir / "out"), "AGENT_LLM": ""}
    return subprocess.run([sys.executable, "-m", "agent", *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def flip_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic: exports 10 億/month and imports 8 億 in 2024 (surplus); 8 and 10 in 2025 (deficit)."""
    path = tmp_path_factory.mktemp("flip")
    exports = {m: (1.0e9 if m < "2025" else 0.8e9) for m in MONTHS}
    imports = {m: (0.8e9 if m < "2025" else 1.0e9) for m in MONTHS}
    Store(path).save([_answer("exports", exports), _answer("imports", imports)])
    return path


def test_ask_and_the_briefing_agree_on_a_balance_that_changes_sign(flip_store: Path) -> None:
    sheet = build_fact_sheet(Store(flip_store), "2026-W07")
    flip = sheet.get("census.4280.balance.yoy.2025-01_2025-11")
    assert flip.display == "由順差轉為逆差" and flip.value is None

    out = _agent(flip_store, "ask", FLIP_QUESTION, "--json")
    assert out.returncode == 0, out.stderr
    ans = json.loads(out.stdout)
    assert flip.id in ans["fact_ids"], ans
    assert "由順差轉為逆差" in ans["text"]
    assert "%" not in ans["text"]  # no percentage for a change of sign
    assert ans["facts"][flip.id]["display"] == flip.display

    drafted = _agent(flip_store, "draft", "--week", "2026-W07", "--llm", "template")
    assert drafted.returncode == 0, drafted.stderr
    page = next((flip_store / "out").rglob("*2026-W07*.md")).read_text(encoding="utf-8")
    assert "由順差轉為逆差" in page


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample")
    done = _agent(path, "fetch", "--from-sample", "--source", "census")
    assert done.returncode == 0, done.stderr
    return path


def test_an_imports_answer_cites_the_imports_query(sample_store: Path) -> None:
    out = _agent(sample_store, "ask", IMPORTS_QUESTION, "--json")
    assert out.returncode == 0, out.stderr
    ans = json.loads(out.stdout)
    cited = [ans["facts"][i] for i in ans["fact_ids"]]
    imports = [f for f in cited if f["key"]["flow"] == "imports" and f["key"]["measure"] == "value"]
    assert imports and imports[0]["key"]["start"] == "2025-10"
    for fact in imports:
        assert fact["sources"], fact["id"]
        assert all("/intltrade/imports/" in s["url"] and s["flow"] == "imports" for s in fact["sources"])


def test_a_balance_answer_cites_both_queries(sample_store: Path) -> None:
    out = _agent(sample_store, "ask", "2025 年 10 月美國對台灣的貿易逆差是多少？", "--json")
    assert out.returncode == 0, out.stderr
    ans = json.loads(out.stdout)
    balance = ans["facts"]["census.5830.balance.month.2025-10_2025-10"]
    assert sorted(s["flow"] for s in balance["sources"]) == ["exports", "imports"]


def test_a_partners_monthly_series_is_the_same_facts_as_asking_month_by_month(flip_store: Path) -> None:
    """The chart's batch path must say exactly what chat says for any one month (one fact engine)."""
    from tools.facts import census_facts as cf

    monthly = Store(flip_store).census_monthly()
    gap = monthly[monthly["period"] != "2024-06"].copy()  # a month never fetched is no point on the chart
    gap.loc[gap["period"] == "2025-03", "imports_usd"] = float("nan")  # nor is a month with one flow missing
    series = cf.month_facts(gap, "4280", "balance", "德國")
    singles = [cf.sum_fact(gap, "4280", "balance", m, m, "德國") for m in MONTHS]
    expected = [f for f in singles if f is not None]
    assert [f.model_dump() for f in series] == [f.model_dump() for f in expected]
    assert len(series) == len(MONTHS) - 2 and series[0].key.start == "2024-01"
    assert [f.value for f in series[:2]] == [0.2e9, 0.2e9] and series[-1].value == -0.2e9
