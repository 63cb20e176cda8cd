"""`agent review …`, `agent publish`, `agent reviewer add` as a user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agent.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "review"
WEEK = "2026-W07"
KEY = f"trade-briefing/{WEEK}"


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "drafts" / "trade-briefing"
    out.mkdir(parents=True)
    for f in FIXTURES.glob(f"{WEEK}-trade-briefing.*"):
        shutil.copy(f, out / f.name)
    base = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    return {**base, "AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(out.parent), "AGENT_SITE_DIR": str(tmp_path / "site"),
            "AGENT_REVIEWER": "cli-user", "EDITOR": "false", "COLUMNS": "200"}


def agent(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent", *args], env=env, capture_output=True, text=True,
                          timeout=60)


def run(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """In-process run (fast) for the steps that succeed; errors are checked through the real entry point."""
    for key in [k for k in os.environ if k.startswith("AGENT_")]:
        monkeypatch.delenv(key)
    for key in ("AGENT_DATA_DIR", "AGENT_DRAFTS_DIR", "AGENT_SITE_DIR", "AGENT_REVIEWER"):
        monkeypatch.setenv(key, env[key])
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_list_show_decide_and_publish_from_the_cli(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    listed = run(env, monkeypatch, "review", "list")
    assert listed.exit_code == 0
    assert WEEK in listed.stdout and " 5 " in listed.stdout

    shown = run(env, monkeypatch, "review", "show", WEEK)
    assert shown.exit_code == 0
    assert "USD 1,269 億" in shown.stdout and "census.intltrade.balance" in shown.stdout
    assert "商務部加強兩用物項對日本出口管制答記者問" in shown.stdout and "2026-01-06" in shown.stdout

    refused = agent(env, "publish", "--week", WEEK)
    assert refused.returncode == 2
    assert "undecided" in refused.stderr and "#1 summary-3f9a1c" in refused.stderr
    assert "Traceback" not in refused.stderr

    assert run(env, monkeypatch, "review", "approve", "#1", "--note", "figures checked").exit_code == 0
    again = agent(env, "review", "approve", "1", "--reviewer", "bob")
    assert again.returncode == 2 and "already approved by cli-user" in again.stderr

    bad = agent(env, "review", "edit", "imports-c41e07", "--text",
                "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,900 億。")
    assert bad.returncode == 1 and "refused" in bad.stderr and "1,900" in bad.stderr
    good = run(env, monkeypatch, "review", "edit", "imports-c41e07", "--week", WEEK, "--text",
               "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,894 億。")
    assert good.exit_code == 0
    for ref in ("3", "4", "5"):
        assert run(env, monkeypatch, "review", "reject", ref).exit_code == 0
    changed = run(env, monkeypatch, "review", "approve", "3", "--change", "--reviewer", "bob")
    assert changed.exit_code == 0 and "changed to approve" in changed.stdout

    published = run(env, monkeypatch, "publish", "--week", WEEK)
    assert published.exit_code == 0
    page = (Path(env["AGENT_SITE_DIR"]) / "docs" / "Narrator" / "trade_briefing" / f"{WEEK}-trade-briefing.md").read_text(encoding="utf-8")
    assert "<!--" not in page
    assert "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,894 億。" in page
    assert "reviewed_by:\n- bob\n- cli-user\n" in page


def test_edit_without_text_uses_the_editor_and_an_empty_result_changes_nothing(env: dict[str, str]) -> None:
    result = agent(env, "review", "edit", "1")  # EDITOR=false exits non-zero / leaves no text
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    listed = agent(env, "review", "list", "--week", WEEK)
    assert listed.returncode == 0 and "edited" not in listed.stdout


def test_reviewer_add_prints_a_token_once(env: dict[str, str]) -> None:
    added = agent(env, "reviewer", "add", "ann")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    db = Path(env["AGENT_DATA_DIR"]) / "review.sqlite"
    assert db.exists()
    assert all(token.encode() not in p.read_bytes() for p in db.parent.glob("review.sqlite*"))
    assert agent(env, "reviewer", "list").stdout.strip() == "ann"


def test_bad_week_is_a_one_line_error(env: dict[str, str]) -> None:
    result = agent(env, "review", "show", "2026-7")
    assert result.returncode == 2
    assert "bad report" in result.stderr and "Traceback" not in result.stderr
