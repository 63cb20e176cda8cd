"""`agent facts` as a user runs it: on the bundled sample, and with bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENT_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("facts_store")
    r = run(["fetch", "--from-sample", "--source", "census,comtrade"], d)
    assert r.returncode == 0, r.stderr
    return d


def test_facts_json_on_bundled_sample(sample_dir):
    r = run(["facts", "--week", "2026-W07", "--json"], sample_dir)
    assert r.returncode == 0, r.stderr
    sheet = json.loads(r.stdout)
    facts = {f["id"]: f for f in sheet["facts"]}
    assert sheet["data_cutoff"] == {"census": "2025-11", "comtrade": "2024"}
    tw = facts["census.5830.balance.ytd.2025-01_2025-11"]
    assert tw["display"] == "USD 1,269 億" and tw["period"]["label_zh"] == "2025 年 1–11 月"
    assert facts["census.5830.balance.yoy.2025-01_2025-11"]["display"] == "+88.7%"
    cn = facts["census.5700.balance.yoy.2025-01_2025-11"]
    assert cn["direction"] == "down" and "收窄" in cn["label_zh"]
    ext = facts["census.5830.balance.max_deficit.2013-01_2025-11"]
    assert ext["subject"]["month"] == "2025-10"
    for r_ in ("842", "156", "392", "410", "276", "490"):
        for flow in ("X", "M"):
            assert f"comtrade.{r_}.{flow}.2024.hhi" in facts
            assert f"comtrade.{r_}.{flow}.2024.top3_share" in facts
    codes = {f["code"] for f in sheet["flags"]}
    assert {"synthetic_sample", "partial_year"} <= codes


def test_facts_table_mentions_the_headlines(sample_dir):
    r = run(["facts", "--week", "2026-W07"], sample_dir)
    assert r.returncode == 0, r.stderr
    assert "USD 1,269 億" in r.stdout and "+88.7%" in r.stdout
    assert "台灣 (490)" in r.stdout and "synthetic_sample" in r.stdout


def test_reporter_filter(sample_dir):
    r = run(["facts", "--week", "2026-W07", "--json", "--reporter", "392"], sample_dir)
    assert r.returncode == 0, r.stderr
    ids = [f["id"] for f in json.loads(r.stdout)["facts"]]
    assert any(i.startswith("comtrade.392.") for i in ids)
    assert not any(i.startswith(("comtrade.842.", "census.")) for i in ids)


def test_invalid_week_is_one_line_exit_2(tmp_path):
    # (other malformed weeks: tests/test_weeks.py; one subprocess is enough for the CLI edge)
    r = run(["facts", "--week", "2026-W54"], tmp_path)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "week" in lines[0]
    assert "Traceback" not in r.stderr


def test_empty_store_names_what_is_missing(tmp_path):
    r = run(["facts", "--week", "2026-W07"], tmp_path)
    assert r.returncode == 1
    assert "Census" in r.stderr and "Comtrade" in r.stderr and "agent fetch" in r.stderr
    assert "Traceback" not in r.stderr
