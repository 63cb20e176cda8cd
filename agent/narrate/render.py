"""Markdown pieces: tables from facts, highlighted figures, claim markers, front matter, the page.

Why separate from the narrator: rendering is pure (data in, text out) and is where the
reference conventions live — kramdown attributes, key-takeaway blocks, data-highlight
spans, the report-nav include — so it can be read and tested on its own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.sidecar import Claim
from agent.verify import number_tokens
from tools.facts.model import Fact
from tools.yaml_safe import safe_load

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=8)
def _env(directory: str) -> Environment:
    return Environment(loader=FileSystemLoader(directory), undefined=StrictUndefined, autoescape=False,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@lru_cache(maxsize=1)
def text() -> dict[str, str]:
    """Fixed wording from templates/text.yaml."""
    return dict(safe_load((TEMPLATES / "text.yaml").read_text(encoding="utf-8")))


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        return str(value).replace("|", "｜").replace("\n", " ")
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def highlight(sentence: str, facts: list[Fact]) -> str:
    """Wrap the cited headline figures in ``<span class="data-highlight">``."""
    keys: set[str] = set()
    for fact in facts:
        if fact.unit in ("USD", "pct"):
            for display in {fact.display, *fact.displays}:
                keys.update(t.key.lstrip("+-") for t in number_tokens(display) if t.kind == "amount")
    out = sentence
    for tok in reversed(number_tokens(sentence)):
        if tok.kind == "amount" and tok.key.lstrip("+-") in keys:
            out = out[:tok.start] + f'<span class="data-highlight">{out[tok.start:tok.end]}</span>' + out[tok.end:]
    return out


def claim_markdown(claim: Claim) -> str:
    """Flagged claims are wrapped so review/publish can keep, replace or remove them."""
    if claim.flagged:
        return f"<!--claim:{claim.id}-->{claim.text}<!--/claim:{claim.id}-->"
    return claim.text


def nav_include(prev_url: str, prev_title: str, next_url: str, next_title: str) -> str:
    """The site's previous/next include; the URLs are where publish puts those reports."""
    return (f'{{% include report-nav.html prev="{prev_url}" prev_title="{prev_title}" '
            f'next="{next_url}" next_title="{next_title}" %}}')


def front_matter(values: dict[str, Any]) -> str:
    return yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=1000).strip()


def page(context: dict[str, Any], template: Path = TEMPLATES / "briefing.md.j2") -> str:
    """A report page from its Jinja2 template (a report spec names the file)."""
    raw = _env(str(template.parent)).get_template(template.name).render(**context)
    # Collapse the blank-line runs left by template control blocks.
    lines: list[str] = []
    for line in raw.splitlines():
        if line.strip() == "" and lines and lines[-1].strip() == "":
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
