"""Load the prose prompts from ``prompts/`` (one file per section, each with a version).

Why files: prompt wording is product text that reviewers and translators change; it must
not hide in string literals, and the sidecar must record which version wrote a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from agent.config import PROJECT_ROOT
from tools.errors import ConfigError
from tools.yaml_safe import safe_load

PROMPT_DIR = PROJECT_ROOT / "prompts"
_ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    body: str

    def render(self, **values: object) -> str:
        return _ENV.from_string(self.body).render(**values)


@lru_cache(maxsize=32)
def load_prompt(name: str, directory: Path = PROMPT_DIR) -> Prompt:
    """``prompts/<name>.md``: YAML front matter with ``version``, then the body."""
    path = directory / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt file missing: {path}") from exc
    version = name
    body = text
    if text.startswith("---\n"):
        head, _, body = text[4:].partition("\n---\n")
        meta = safe_load(head) or {}
        version = str(meta.get("version", name))
    return Prompt(name=name, version=version, body=body.lstrip("\n"))
