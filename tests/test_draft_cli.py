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
    env = {**os.environ, "AGENT_DATA_DIR": str(root / "data"), "AGENT_OUTPUT_DIR": str(root / "out"),
           "AGENT_LLM": "", "AGENT_LLM_BASE_URL": "", "OPENAI_API_KEY": ""}
    fetched = agent("fetch", "--from-sample", env=env)
    assert fetched.returncode == 0, fetched.stderr
    return env


def test_template_draft_of_the_bundled_week(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--week", "2026-W07", "--llm", "template", env=sample_env)
    assert done.returncode == 0, done.stderr
    out = Path(sample_env["AGENT_OUTPUT_DIR"])
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


def test_bad_week_is_one_line_exit_2(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--week", "2026-W99", "--llm", "template", env=sample_env)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "2026-W99" in done.stderr


def test_empty_store_says_what_to_run(tmp_path: Path) -> None:
    env = {**os.environ, "AGENT_DATA_DIR": str(tmp_path / "empty"), "AGENT_OUTPUT_DIR": str(tmp_path / "out")}
    done = agent("draft", "--week", "2026-W07", "--llm", "template", env=env)
    assert done.returncode == 1
    assert "agent fetch --from-sample" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_backend_is_rejected(sample_env: dict[str, str]) -> None:
    done = agent("draft", "--week", "2026-W07", "--llm", "gpt9", env=sample_env)
    assert done.returncode == 2 and "gpt9" in done.stderr
