"""Load the chat sentence templates from ``prompts/chat/templates.yaml``.

Why a file: prose lives in versioned prompt files, not in string literals, so wording can
change (and be reviewed) without touching the routing code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from agent.config import PROJECT_ROOT
from tools.errors import ConfigError
from tools.yaml_safe import safe_load

TEMPLATES_PATH = PROJECT_ROOT / "prompts" / "chat" / "templates.yaml"


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read chat templates {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"chat templates {path} must be a mapping of name -> {{zh, en}}")
    return data


def render(template: str, lang: Literal["zh", "en"], **fields: object) -> str:
    """Fill ``template`` in ``lang`` (zh-Hant for any Chinese question)."""
    entry = _load(TEMPLATES_PATH).get(template)
    if not entry or lang not in entry:
        raise ConfigError(f"chat template {template!r} has no {lang!r} text in {TEMPLATES_PATH}")
    return str(entry[lang]).format(**fields)
