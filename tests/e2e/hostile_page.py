"""Publish the bundled 2026-W07 briefing with two hostile policy documents and render it to HTML.

One arrives as an ingested analyst-style note (front matter read by the ingest parser), the other
as a MOFCOM list answer (parsed by the MOFCOM client, served by respx on a fake host). Both carry
a script tag, an event handler, a ``javascript:`` URL (the note) and Liquid. The draft is written
by the template narrator from the bundled sample, every flagged item approved, published, and the
published Markdown rendered the way a Jekyll site would show it: raw HTML on.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

WEEK = "2026-W07"
SCRIPT_TITLE = "<script>alert(1)</script>"
URL_JS = "javascript:alert(2)"
IMG_PUBLISHER = "<img src=x onerror=alert(3)>"
LIQUID = "{{7*7}}"
NOTE = f"""---
title: "{SCRIPT_TITLE}出口管制說明"
date: 2026-02-10
publisher: "{IMG_PUBLISHER}"
url: "{URL_JS}"
notice_no: "{LIQUID}"
effective: 2026-03-01
language: zh-Hant
---
商務部說明兩用物項出口管制的執行安排，出口經營者應依規定申請許可。<script>alert(4)</script>
"""
MOFCOM_BASE = "http://mofcom.test"
MOFCOM_PATH = "/article/gndt/202602/9999.html"


@dataclass
class HostilePage:
    env: dict[str, str]
    markdown: str  # the published file
    html: str  # rendered with raw HTML on
    path: Path


def _mofcom_doc(repo: Path) -> object:
    """A MOFCOM list row with hostile title and source, through the real client."""
    import httpx
    import respx

    from tools.sources.http import HttpPolicy, SourceHttp
    from tools.sources.mofcom import LIST_PATH, MofcomClient

    row = {"id": 1, "title": f"{SCRIPT_TITLE}商務部公告{LIQUID}{{% include x %}}", "url": MOFCOM_PATH,
           "publishTimeStr": "2026-02-11 00:00:00", "source": IMG_PUBLISHER, "content": ""}
    answer = {"pageInfo": {"pageNumber": 1, "pageSize": 20, "total": 1, "maxPageNum": 1, "rows": [row]}}
    article = (repo / "data" / "sample" / "mofcom" / "article" / "article_gndt_202601_1204.html").read_bytes()
    with respx.mock:
        respx.post(MOFCOM_BASE + LIST_PATH).mock(return_value=httpx.Response(200, json=answer))
        respx.get(MOFCOM_BASE + MOFCOM_PATH).mock(return_value=httpx.Response(200, content=article))
        http = SourceHttp("mofcom", HttpPolicy(timeout=2.0, attempts=1, min_interval=0.0, sleep=lambda s: None))
        fetched = MofcomClient(http, MOFCOM_BASE).column(9)
    return next(doc for f in fetched for doc in f.policy)


def build_hostile_page(root: Path) -> HostilePage:
    from markdown_it import MarkdownIt

    from agent.config import load_settings
    from agent.llm import get_backend
    from agent.narrate import Retrieved, draft, inputs_for
    from agent.review import ReviewDesk
    from agent.review.markers import split_front_matter
    from agent.verify import to_traditional
    from tools.facts.build import build_fact_sheet
    from tools.store import Store
    from tools.weeks import parse_week
    from vectorstore.files import read_policy_file
    from vectorstore.models import Passage

    repo = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    env.update(AGENT_DATA_DIR=str(root / "data"), AGENT_DRAFTS_DIR=str(root / "drafts"),
               AGENT_SITE_DIR=str(root / "site"))
    fetched = subprocess.run([sys.executable, "-m", "agent", "fetch", "--from-sample"], env=env,
                             capture_output=True, text=True, timeout=300)
    if fetched.returncode != 0:
        raise RuntimeError(f"agent fetch --from-sample failed: {fetched.stderr[-500:]}")
    note = root / "hostile-note.md"
    note.write_text(NOTE, encoding="utf-8")
    note_doc, _ = read_policy_file(note)
    settings = load_settings(env)
    store = Store(settings.data_dir)
    week = parse_week(WEEK)
    bundled = [d for d in store.policy_docs() if week.end - timedelta(days=90) <= d.publish_date <= week.end][:2]
    docs = [note_doc, _mofcom_doc(repo), *bundled]
    passages = [Passage(doc_id=hashlib.sha256(f"{d.url}{d.title}".encode()).hexdigest()[:12],  # type: ignore[attr-defined]
                        chunk_id="0", title=to_traditional(d.title), title_orig=d.title,  # type: ignore[attr-defined]
                        publish_date=d.publish_date, url=d.url, text=d.body_text[:400],  # type: ignore[attr-defined]
                        score=1.0, notice_no=d.notice_no, effective_dates=d.effective_dates,  # type: ignore[attr-defined]
                        publisher=d.publisher) for d in docs]  # type: ignore[attr-defined]
    inputs = inputs_for(WEEK, build_fact_sheet(store, WEEK), retrieved=Retrieved(passages=passages))
    draft(inputs, get_backend("template", settings), settings.drafts_dir / "trade-briefing")
    desk = ReviewDesk(settings)
    for item in desk.items(WEEK):
        desk.decide(item, "approve", "pat")
    published = desk.publish(WEEK, "pat")
    markdown = published.path.read_text(encoding="utf-8")
    _, body = split_front_matter(markdown)
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(body)
    return HostilePage(env=env, markdown=markdown, html=html, path=published.path)
