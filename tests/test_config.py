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


def test_a_binary_agent_toml_is_one_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "agent.toml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe binary")
    with pytest.raises(ConfigError, match="not a UTF-8 TOML text file"):
        load_settings({})


@pytest.mark.parametrize("name", ["AGENT_DATA_DIR", "AGENT_DRAFTS_DIR", "AGENT_SITE_DIR"])
def test_a_directory_setting_that_is_a_file_is_refused(name: str, tmp_path: Path) -> None:
    afile = tmp_path / "not-a-dir"
    afile.write_text("x", encoding="utf-8")
    settings = load_settings({name: str(afile)})
    with pytest.raises(ConfigError, match="is a file, not a directory"):
        _ = {"AGENT_DATA_DIR": settings.data_dir, "AGENT_DRAFTS_DIR": settings.drafts_dir,
             "AGENT_SITE_DIR": settings.site_dir}[name]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_numbers_are_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="finite"):
        load_settings({"AGENT_HTTP_TIMEOUT": value}).float("AGENT_HTTP_TIMEOUT")


def test_a_data_dir_that_is_a_file_is_one_line_at_the_cli(tmp_path: Path) -> None:
    import os

    afile = tmp_path / "data"
    afile.write_text("x", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "agent", "sources"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "AGENT_DATA_DIR": str(afile)}, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 2
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "is a file" in lines[0] and "Traceback" not in done.stderr
