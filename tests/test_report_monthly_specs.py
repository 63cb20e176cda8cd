"""Both monthly reports as a user drafts, reviews and publishes them, offline from the bundled sample."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.reports import get_report


def agent(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENT_", "CENSUS_", "COMTRADE_", "MOFCOM_"))}
    env.update({"AGENT_DATA_DIR": str(data), "AGENT_SITE_DIR": str(data.parent / "site"), "AGENT_LLM": "template",
                "AGENT_REVIEWER": "ann", "COLUMNS": "200", "NO_COLOR": "1"})
    return subprocess.run([sys.executable, "-m", "agent", *args], env=env, cwd=data.parent, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("monthly") / "agent-data"
    done = agent(path, "fetch", "--from-sample")
    assert done.returncode == 0, done.stderr
    return path


def test_october_2025_tracker_is_drafted_reviewed_and_published(data: Path) -> None:
    done = agent(data, "draft", "--report", "policy-tracker", "--month", "2025-10")
    assert done.returncode == 0, done.stderr
    page = (data / "drafts" / "policy-tracker" / "2025-10-policy-tracker.md").read_text(encoding="utf-8")
    assert "parent: 出口管制政策追蹤" in page
    assert "公告2025年第55號 公佈對超硬材料相關物項" in page and "公告2025年第62號" in page  # 2025-10-09 notices
    assert "生效日：2025-11-08" in page and "生效日：2025-10-09" in page
    assert "公告2025年第70號" in page and "暫停至 2026-11-10" in page  # the later suspension
    for number in ("2025-19436", "2025-19508", "2025-19727"):  # the BIS documents of October 2025
        assert number in page
    assert "| 實體清單（美國 BIS） | 新增 | 中國 | 19 |" in page
    refused = agent(data, "publish", "--report", "policy-tracker/2025-10")
    assert refused.returncode != 0 and "undecided" in refused.stderr
    approved = agent(data, "review", "approve", "1", "--report", "policy-tracker/2025-10", "--note", "checked")
    assert approved.returncode == 0, approved.stderr
    published = agent(data, "publish", "--report", "policy-tracker/2025-10")
    assert published.returncode == 0, published.stderr
    site = data.parent / "site" / "docs" / "Narrator" / "policy_tracker" / "2025-10-policy-tracker.md"
    assert site.is_file() and "<!--claim" not in site.read_text(encoding="utf-8")


def test_january_2026_supply_chain_analysis_drafts_from_the_sample(data: Path) -> None:
    done = agent(data, "draft", "--report", "supply-chain", "--month", "2026-01")
    assert done.returncode == 0, done.stderr
    page = (data / "drafts" / "supply-chain" / "2026-01-supply-chain-analysis.md").read_text(encoding="utf-8")
    assert "parent: 供應鏈分析報告" in page and "資料至 2025 年 11 月" in page
    assert "+88.7%" in page and "世界銀行未涵蓋台灣" in page and "GDP 成長率 2024 年" in page
    assert "Revision to License Review Policy for Advanced Computing Commodities" in page  # FR, January 2026
    published = agent(data, "publish", "--report", "supply-chain/2026-01")
    assert published.returncode == 0, published.stderr
    assert (data.parent / "site" / "docs" / "Narrator" / "supply_chain_analysis" / "2026-01-supply-chain-analysis.md").is_file()


def test_report_urls_are_where_publish_writes() -> None:
    assert get_report("supply-chain").url("2026-02") == "/Narrator/supply_chain_analysis/2026-02-supply-chain-analysis/"
    assert get_report("policy-tracker").url("2025-10") == "/Narrator/policy_tracker/2025-10-policy-tracker/"


def test_a_week_is_refused_for_a_monthly_report(data: Path) -> None:
    done = agent(data, "draft", "--report", "policy-tracker", "--week", "2026-W07")
    assert done.returncode == 2 and "per month" in done.stderr
