"""`agent draft` as a user runs it, on the bundled sample (no network, no policy index)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agent.sidecar import Sidecar


def agent(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.fixture(scope="module")
def sample_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("draft")
    env = {**os.environ, "AGENT_DATA_DIR": str(root / "data"), "AGENT_DRAFTS_DIR": str(root / "out"), "AGENT_SITE_DIR": str(root / "site"),
           "AGENT_LLM": "", "AGENT_LLM_BASE_URL": "", "OPENAI_API_KEY": ""}
    fetched = agent("fetch", "--from-sample", env=env)
    assert fetched.returncode == 0, fetched.stderr
    return env


def test_template_draft_of_the_bundled_week(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--week", "2026-W07", "--llm", "template", env=sample_env)
    assert done.returncode == 0, done.stderr
    out = Path(sample_env["AGENT_DRAFTS_DIR"]) / "trade-briefing"
    md = (out / "2026-W07-trade-briefing.md").read_text(encoding="utf-8")
    side = Sidecar.model_validate(json.loads((out / "2026-W07-trade-briefing.json").read_text(encoding="utf-8")))
    plain = re.sub(r"<[^>]+>", "", md)
    assert "2025 年 1–11 月美國對台灣貿易逆差為 USD 1,269 億" in plain
    assert "+88.7%" in md and "72%" not in md
    assert side.backend == "template"
    tw = side.facts["census.5830.balance.yoy.2025-01_2025-11"]
    assert tw.display == "+88.7%" and tw.direction == "up"
    policy = md.split("## 三、政策更新")[1].split("## 四")[0]
    assert "沒有可引用的文件" in policy  # no index was built: said plainly, nothing invented
    limits = md.split("## 已知限制")[1].split("## 免責聲明")[0]
    for part in (policy, limits):  # in the page's language, with what to run
        assert "政策索引尚未建立" in part and "agent policy ingest" in part
        assert "policy index" not in part and "no documents" not in part


def test_draft_files_are_readable_by_a_site_build_as_the_umask_allows(sample_env: dict[str, str]) -> None:
    old = os.umask(0o022)
    try:
        done = subprocess.run([sys.executable, "-m", "agent", "draft", "--week", "2026-W07", "--llm", "template"],
                              capture_output=True, text=True, env=sample_env, timeout=300)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    out = Path(sample_env["AGENT_DRAFTS_DIR"]) / "trade-briefing"
    for name in ("2026-W07-trade-briefing.md", "2026-W07-trade-briefing.json"):
        assert (out / name).stat().st_mode & 0o777 == 0o644  # was 0600 (mkstemp's mode)


def test_a_week_years_past_the_data_is_refused(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--week", "2999-W07", "--llm", "template", env=sample_env)
    assert done.returncode == 2
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "2999-W07" in lines[0] and "newest stored data (2025-11)" in lines[0]
    assert not (Path(sample_env["AGENT_DRAFTS_DIR"]) / "trade-briefing" / "2999-W07-trade-briefing.md").exists()


def test_bad_week_is_one_line_exit_2(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--week", "2026-W99", "--llm", "template", env=sample_env)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "2026-W99" in done.stderr


def test_empty_store_says_what_to_run(tmp_path: Path) -> None:
    env = {**os.environ, "AGENT_DATA_DIR": str(tmp_path / "empty"), "AGENT_DRAFTS_DIR": str(tmp_path / "out")}
    done = agent("draft", "--week", "2026-W07", "--llm", "template", env=env)
    assert done.returncode == 1
    assert "agent fetch --from-sample" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_backend_is_rejected(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--week", "2026-W07", "--llm", "gpt9", env=sample_env)
    assert done.returncode == 2 and "gpt9" in done.stderr


def test_bundled_week_structure_tables_and_tracing(sample_env: dict[str, str]) -> None:
    import yaml

    from agent.narrate.trace import untraced_numbers
    from tools.facts.build import build_fact_sheet
    from tools.store import Store

    done = agent("draft", "--week", "2026-W07", "--llm", "template", env=sample_env)
    assert done.returncode == 0, done.stderr
    out = Path(sample_env["AGENT_DRAFTS_DIR"]) / "trade-briefing"
    md = (out / "2026-W07-trade-briefing.md").read_text(encoding="utf-8")
    side = Sidecar.model_validate_json((out / "2026-W07-trade-briefing.json").read_text(encoding="utf-8"))
    head = yaml.safe_load(md.split("---\n")[1])
    assert head["title"] == "2026 年第 07 週" and head["parent"] == "貿易動態週報"
    sections = ["## 摘要", "## 一、出口重點", "## 二、進口重點", "## 三、政策更新", "## 四、市場集中度變化",
                "## 五、觀察清單", "## 與上週", "## 已知限制", "## 免責聲明", "## 資料來源"]
    assert [md.index(s) for s in sections] == sorted(md.index(s) for s in sections)
    sheet = build_fact_sheet(Store(Path(sample_env["AGENT_DATA_DIR"])), "2026-W07")
    by_id = sheet.by_id()
    rows = [line.strip("|").split("|") for line in md.split("| 夥伴（美國貿易差額）")[1].split("{:")[0].splitlines()[2:]]
    cells = {r[0].strip(): [c.strip() for c in r[1:]] for r in rows if len(r) > 3}
    for cty in ("5830", "5700", "5880", "5800", "4280"):
        cur = by_id[f"census.{cty}.balance.ytd.2025-01_2025-11"]
        yoy = by_id[f"census.{cty}.balance.yoy.2025-01_2025-11"]
        assert cells[cur.subject["partner_name"]][0] == cur.display
        assert cells[cur.subject["partner_name"]][2] == yoy.display
    charted = {fid for chart in side.charts for fid in chart.fact_ids}  # the whole stored history, drawn
    assert side.facts and all(f.id in by_id for key, f in side.facts.items() if ":" not in key and key not in charted)
    assert {c.kind for c in side.charts} >= {"balance_monthly", "hhi"} and all(side.facts[i].source for i in charted)
    assert untraced_numbers(md, side, extra=["2026-W07", "2026-W06", "2025-W07", "2026", "2026-02-09",
                                             "2026-02-15", "2026-02-13", "2026-02-14",
                                             "2025-10-01", "2025-10-18",  # MOF table, Census 2025 API pull
                                             "2024-01–2025-11", "2013-01–2024-12",  # query windows (source list)
                                             *[f.message_zh for f in side.quality_flags]]) == []


def test_a_period_of_the_wrong_kind_is_one_line_exit_2(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--report", "trade-briefing", "--month", "2026-01", "--llm", "template", env=sample_env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "per week" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    unknown = agent("draft", "--report", "no-such-report", "--week", "2026-W07", env=sample_env)
    assert unknown.returncode == 2 and "no-such-report" in unknown.stderr and "trade-briefing" in unknown.stderr


def test_a_draft_stays_out_of_the_site_until_it_is_published(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--week", "2026-W07", "--llm", "template", env=sample_env)
    assert done.returncode == 0, done.stderr
    site = Path(sample_env["AGENT_SITE_DIR"])
    drafted = Path(sample_env["AGENT_DRAFTS_DIR"]) / "trade-briefing" / "2026-W07-trade-briefing.md"
    assert drafted.is_file() and str(drafted) in done.stdout.replace("\n", "")
    assert not site.exists() or not any(site.rglob("*.md"))  # nothing a site build could serve
    published = agent("publish", "--report", "trade-briefing/2026-W07", env={**sample_env, "AGENT_REVIEWER": "ann"})
    assert published.returncode == 0, published.stderr  # nothing is flagged without policy documents
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.md"))
    assert pages == ["docs/Narrator/trade_briefing/2026-W07-trade-briefing.md"]
    # …which is the URL the neighbouring weeks' navigation links point at.
    assert 'prev="/Narrator/trade_briefing/2026-W06-trade-briefing/"' in drafted.read_text(encoding="utf-8")
