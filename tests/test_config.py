"""Settings resolve defaults < agent.toml < env, and `agent config show` lists every name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import SPECS, load_settings
from tools.errors import ConfigError

REQUIRED = {
    "AGENT_DATA_DIR", "AGENT_DRAFTS_DIR", "AGENT_SITE_DIR", "COMTRADE_BASE_URL", "COMTRADE_API_KEY", "CENSUS_API_BASE",
    "CENSUS_API_KEY", "MOFCOM_BASE_URL", "AGENT_LLM", "AGENT_LLM_BASE_URL", "AGENT_LLM_MODEL", "OPENAI_API_KEY",
}


def test_every_required_name_has_a_spec() -> None:
    assert REQUIRED <= {s.name for s in SPECS}


def test_defaults_then_file_then_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({})["COMTRADE_BASE_URL"] == "https://comtradeapi.un.org"
    (tmp_path / "agent.toml").write_text('census_api_base = "http://127.0.0.1:9/census"\n', encoding="utf-8")
    s = load_settings({})
    assert s["CENSUS_API_BASE"] == "http://127.0.0.1:9/census"
    assert s.origin["CENSUS_API_BASE"].endswith("agent.toml")
    s = load_settings({"CENSUS_API_BASE": "http://mirror.local/x"})
    assert s["CENSUS_API_BASE"] == "http://mirror.local/x" and s.origin["CENSUS_API_BASE"] == "env"


def test_unknown_key_in_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "agent.toml").write_text('censsus_api_base = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings({})


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    env = {"PATH": "", "CENSUS_API_KEY": "supersecretkey123", "COLUMNS": "200"}
    out = subprocess.run([sys.executable, "-m", "agent", "config", "show"], capture_output=True, text=True,
                         env=env, cwd=tmp_path, check=True).stdout
    for name in REQUIRED:
        assert name in out
    assert "supersecretkey123" not in out
