"""Trace every number on a finished page back to the sidecar.

Why a whole-page pass after the per-sentence checks: tables, watch items, the description
and fixed text are assembled outside the sentence gate; this is the last line that makes
"every number traced" a property of the file rather than of each part.
"""

from __future__ import annotations

import re

from agent.sidecar import Sidecar
from agent.verify import check_text, simplified_chars

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_MARKER = re.compile(r"<!--/?claim:[^>]*-->")
_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"\(?https?://[^\s)）]+\)?")
_INCLUDE = re.compile(r"\{%.*?%\}", re.S)
_STRUCTURAL = re.compile(r"^> (報告期間|產出時間|自動化程度)：.*$", re.M)
_LIST_NUMBER = re.compile(r"^\s*\d+\.\s", re.M)


def page_text(markdown: str) -> str:
    """The reader-visible text that must be traced (front-matter description included)."""
    body = markdown
    description = ""
    m = _FRONT.match(markdown)
    if m:
        body = markdown[m.end():]
        for line in m.group(1).splitlines():
            if line.startswith("description:"):
                description = line.split(":", 1)[1]
    body = _INCLUDE.sub(" ", body)
    body = _STRUCTURAL.sub(" ", body)
    body = _LIST_NUMBER.sub(" ", body)
    body = _MARKER.sub("", body)
    body = _TAG.sub(" ", body)
    body = _URL.sub(" ", body)
    return description + "\n" + body


def untraced_numbers(markdown: str, sidecar: Sidecar, extra: list[str] | None = None) -> list[str]:
    """Problems for numbers on the page that no sidecar fact, document or structural date accounts for."""
    doc_strings = [d.date for d in sidecar.docs.values()] + [d.title for d in sidecar.docs.values()]
    visible = page_text(markdown)
    problems = check_text(visible, list(sidecar.facts.values()), doc_strings + list(extra or []))
    chars = simplified_chars(visible)
    if chars:
        problems.append(f"page contains simplified characters: {''.join(chars)}")
    return [p for p in problems if "全年" not in p]
