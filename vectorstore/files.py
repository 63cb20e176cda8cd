"""Read analysts' policy files (Markdown, TXT, HTML) with a small YAML front matter.

Front matter (between ``---`` lines at the top)::

    title: 商务部 海关总署公告2025年第70号（分析师摘要）
    date: 2025-11-07            # publish date (required)
    url: https://…              # optional; gives a stable id
    id: note-2025-70            # optional explicit id
    publisher: 分析师笔记
    notice_no: 商务部、海关总署公告2025年第70号
    category: analyst_note      # notice | press | law | international | analyst_note | other
    kind: analyst_note          # marks the file as an analyst note, not a source document
    effective: 2025-11-07       # or a list
    expires: 2026-11-10
    suspends: [2025-55, 2025-56] # notice keys this document pauses
    suspended_until: 2026-11-10
    language: zh-Hans

Why strict: a note without a date cannot be placed in a reporting window or checked for
being in force, so it is rejected with the file named rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tools.errors import InputError
from tools.sources.models import PolicyDoc

from .records import DocExtras

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
#: Largest policy file read. Why: embedding costs ~0.6 s per 320-character chunk on a small CPU, so a
#: 100 KB note (~140 chunks) held `agent policy ingest` for 80 s and 1 MB for over 20 minutes; real
#: notices and analyst notes are a few KB. Longer files are skipped by name: split them.
MAX_FILE_BYTES = 64 * 1024
#: Largest front matter parsed; front matter is a dozen short key: value lines.
MAX_FRONT_MATTER_CHARS = 8 * 1024
#: Front-matter keys that may hold a list of plain values (dates, notice keys); every other value is one scalar.
LIST_KEYS = frozenset({"effective", "expires", "suspends"})
#: Markdown block markers (headings, quotes, list bullets, emphasis) that are layout, not text.
_MD_MARKERS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)|\*\*|__", re.M)
_FRONT = re.compile(r"\A\ufeff?---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)


class _TextOnly(HTMLParser):
    """Collects visible text; <title>/<h1> become the headline; script/style/nav/footer dropped."""

    _SKIP = {"script", "style", "nav", "footer", "header", "noscript"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "section", "article"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.h1 = ""
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCK:
            self.parts.append("\n")
        if tag not in {"br", "meta", "link", "img", "hr", "input"}:
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if any(t in self._SKIP or t == "title" for t in self._stack):
            return
        if "h1" in self._stack and not self.h1:
            self.h1 = data.strip()
            return
        self.parts.append(data)


def _as_date(value: Any, field: str, path: Path) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InputError(f"{path}: {field} {value!r} is not a YYYY-MM-DD date") from exc


def _dates(value: Any, field: str, path: Path) -> list[date]:
    if value in (None, ""):
        return []
    values = value if isinstance(value, list) else [value]
    return [_as_date(v, field, path) for v in values]


def _refuse_anchors(front: str, path: Path) -> None:
    """Refuse YAML anchors and aliases before anything is built from them.

    Why: the parser's events are read without expanding aliases, so a 700-byte "billion laughs"
    front matter is refused in microseconds instead of growing to gigabytes when composed.
    """
    for event in yaml.parse(front, Loader=yaml.BaseLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise InputError(f"{path}: front matter uses YAML anchors/aliases (& or *); write plain values")


def _check_values(meta: dict[Any, Any], path: Path) -> None:
    for key, value in meta.items():
        if not isinstance(key, str):
            raise InputError(f"{path}: front matter keys must be plain words")
        if isinstance(value, list) and key in LIST_KEYS:
            if all(isinstance(v, str) for v in value):
                continue
        elif isinstance(value, str):
            continue
        shape = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else "not text"
        allowed = " (a list of plain values is allowed)" if key in LIST_KEYS else ""
        raise InputError(f"{path}: front matter {key!r} is {shape}; it must be one plain value{allowed}")


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    m = _FRONT.match(text)
    if not m:
        return {}, text
    if len(m.group(1)) > MAX_FRONT_MATTER_CHARS:
        raise InputError(f"{path}: front matter is longer than {MAX_FRONT_MATTER_CHARS} characters")
    try:
        _refuse_anchors(m.group(1), path)
        # BaseLoader keeps every value a string, so dates are checked by _as_date with a clear message
        meta = yaml.load(m.group(1), Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: front matter is not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(meta, dict):
        raise InputError(f"{path}: front matter must be a mapping of key: value lines")
    _check_values(meta, path)
    return meta, text[m.end() :]


def read_policy_file(path: Path) -> tuple[PolicyDoc, DocExtras]:
    """Parse one file; any problem raises InputError naming the file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{path}: {size / 1024:.0f} KB is over the {MAX_FILE_BYTES // 1024} KB limit for one "
                             "policy file; split it into smaller notes")
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    meta, body = split_front_matter(raw, path)
    title = str(meta.get("title") or "").strip()
    if path.suffix.lower() in (".html", ".htm"):
        parser = _TextOnly()
        parser.feed(body)
        body = "".join(parser.parts)
        title = title or parser.h1
    elif path.suffix.lower() in (".md", ".markdown"):
        heading = re.search(r"^#\s+(.+)$", body, re.M)
        title = title or (heading.group(1).strip() if heading else "")
        body = _MD_MARKERS.sub("", body)
    if not title:
        raise InputError(f"{path}: no title (add 'title:' to the front matter)")
    if "date" not in meta:
        raise InputError(f"{path}: no date (add 'date: YYYY-MM-DD' to the front matter)")
    if not body.strip():
        raise InputError(f"{path}: empty body")
    kind = str(meta.get("kind") or "file")
    try:
        doc = PolicyDoc(
            url=str(meta.get("url") or ""),
            title=title,
            publish_date=_as_date(meta["date"], "date", path),
            body_text=body,
            publisher=str(meta.get("publisher") or ""),
            column=str(meta.get("column") or ""),
            notice_no=str(meta.get("notice_no") or ""),
            effective_dates=_dates(meta.get("effective"), "effective", path),
            language=str(meta.get("language") or "zh-Hans"),
            fetched_at=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
        )
        suspends = meta.get("suspends") or []
        extras = DocExtras(
            doc_id=str(meta.get("id") or ""),
            category=str(meta.get("category") or ""),
            kind=kind,
            expires=_dates(meta.get("expires"), "expires", path)[0] if meta.get("expires") else None,
            suspends=[str(s) for s in (suspends if isinstance(suspends, list) else [suspends])],
            suspension_start=_as_date(meta["suspended_from"], "suspended_from", path)
            if meta.get("suspended_from")
            else None,
            suspension_until=_as_date(meta["suspended_until"], "suspended_until", path)
            if meta.get("suspended_until")
            else None,
            source_path=str(path),
        )
    except ValidationError as exc:
        raise InputError(f"{path}: {exc.errors()[0]['msg']}") from exc
    return doc, extras


def policy_files(root: Path) -> Iterator[Path]:
    """The readable files under ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        raise InputError(f"{root}: no such file or directory")
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith("."):
            if path.name.lower() in ("readme.md", "sources.md"):
                continue
            yield path
