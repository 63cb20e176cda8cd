"""Published pages as the site sees them: URL, title, navigation place, and the text Jekyll receives.

Why pure: which files are on the site (only published pages), where each one lives (the URL the
reports' ``nav``/``related_reports`` links expect) and how a page is made safe for Jekyll (its
body never runs as Liquid; the trusted report-nav include becomes front matter the layout reads)
are the rules worth testing without Ruby.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml

from tools.yaml_safe import safe_load

_FRONT = re.compile(r"\A---\n(.*?)\n---\n?", re.S)
#: The one include the drafter writes (agent/narrate/render.py:nav_include), on a line of its own.
_NAV = re.compile(r'^\{%\s*include\s+report-nav\.html\s+prev="(?P<prev>[^"]*)"\s+prev_title="(?P<prev_title>[^"]*)"'
                  r'\s+next="(?P<next>[^"]*)"\s+next_title="(?P<next_title>[^"]*)"\s*%\}[ \t]*\n?', re.M)
#: A directory the pre-split layout published into; it is not part of the page's URL.
PUBLISHED_DIR = "published"


@dataclass(frozen=True)
class SitePage:
    """One published page: where it came from (relative to the docs root) and what the site shows."""

    rel: PurePosixPath
    url: str
    title: str
    parent: str
    nav_order: int
    date: str
    description: str
    front: dict[str, Any] = field(default_factory=dict)
    body: str = ""

    @property
    def section_dir(self) -> str:
        """``/Narrator/trade_briefing/`` for ``/Narrator/trade_briefing/2026-W07-trade-briefing/``."""
        return self.url.rstrip("/").rsplit("/", 1)[0] + "/"


def split_page(text: str) -> tuple[dict[str, Any], str]:
    m = _FRONT.match(text)
    if not m:
        return {}, text
    front = safe_load(m.group(1)) or {}
    return (front if isinstance(front, dict) else {}), text[m.end():]


def is_published(front: dict[str, Any]) -> bool:
    """Only pages that went through `agent publish` (it stamps ``published_at``) go on the site."""
    return bool(front.get("published_at"))


def page_url(rel: PurePosixPath) -> str:
    parts = [p for p in rel.with_suffix("").parts if p != PUBLISHED_DIR]
    return "/" + "/".join(parts) + "/"


def site_page(rel: PurePosixPath, text: str) -> SitePage | None:
    """The page as the site will carry it, or None for anything not published (a draft never shows)."""
    front, body = split_page(text)
    if not is_published(front):
        return None
    nav = None
    m = _NAV.search(body)
    if m:
        nav = {k: html.unescape(v) for k, v in m.groupdict().items()}
        body = body[:m.start()] + body[m.end():]
    url = page_url(rel)
    staged = {**front, "permalink": url, "render_with_liquid": False, "layout": front.get("layout") or "default"}
    if nav:
        staged["report_nav"] = nav
    try:
        order = int(front.get("nav_order", 999))
    except (TypeError, ValueError):
        order = 999
    return SitePage(rel=rel, url=url, title=str(front.get("title") or rel.stem), parent=str(front.get("parent") or ""),
                    nav_order=order, date=str(front.get("date") or ""), description=str(front.get("description") or ""),
                    front=staged, body=body)


def page_text(page: SitePage) -> str:
    """What the staging tree gets: front matter (Liquid off, nav as data) and the untouched body."""
    front = yaml.safe_dump(page.front, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    return f"---\n{front}---\n{page.body}"


@dataclass(frozen=True)
class Section:
    title: str
    url: str
    pages: list[SitePage]


def sections(pages: list[SitePage]) -> list[Section]:
    """Pages grouped by ``parent``; sections by their best ``nav_order``, pages newest first within one."""
    groups: dict[str, list[SitePage]] = {}
    for page in pages:
        groups.setdefault(page.parent or "其他報告", []).append(page)
    out = []
    for title, members in groups.items():
        members = sorted(members, key=lambda p: (p.date, p.url), reverse=True)
        out.append(Section(title, members[0].section_dir, members))
    out.sort(key=lambda s: (min(p.nav_order for p in s.pages), s.title))
    return out


def nav_data(secs: list[Section]) -> dict[str, Any]:
    """``_data/nav.yml`` for the layout's sidebar."""
    return {"sections": [{"title": s.title, "url": s.url,
                          "children": [{"title": p.title, "url": p.url} for p in s.pages]} for s in secs]}


def _list(pages: list[SitePage]) -> str:
    items = []
    for p in pages:
        desc = f" — {html.escape(p.description)}" if p.description else ""
        date = f' <span class="date">{html.escape(p.date)}</span>' if p.date else ""
        items.append(f'<li><a href="{html.escape(p.url)}">{html.escape(p.title)}</a>{date}{desc}</li>')
    return '<ul class="report-list">\n' + "\n".join(items) + "\n</ul>"


def index_page(secs: list[Section]) -> str:
    """The home page: every published report by section (HTML written here, escaped; Liquid off)."""
    front = {"title": "已刊出的報告", "permalink": "/", "render_with_liquid": False, "layout": "default"}
    parts = ["# 已刊出的報告", "",
             "以下報告的數字皆由程式自官方數據產生並逐一核對，標記的敘述經人工審核後才刊出。", ""]
    if not secs:
        parts += ["目前尚無已刊出的報告：草稿經 `agent review` 審核、`agent publish` 刊出後會列在這裡。", ""]
    for s in secs:
        parts += [f'<h2><a href="{html.escape(s.url)}">{html.escape(s.title)}</a></h2>', "", _list(s.pages), ""]
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n" + "\n".join(parts)


def section_page(section: Section) -> str:
    """``/Narrator/<section>/``: the section's reports (the parent the pages' navigation points to)."""
    front = {"title": section.title, "permalink": section.url, "render_with_liquid": False, "layout": "default"}
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n# {html.escape(section.title)}\n\n{_list(section.pages)}\n"
