"""Build the real bundled-week draft in a temporary directory (shared by the review tests).

Production path: `agent fetch --from-sample` → fact sheet → template narrator → Markdown + sidecar.
Only the policy retrieval is short-cut: passages come straight from the stored sample documents
instead of the vector index, so no test spends a minute embedding.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

WEEK = "2026-W07"


def build_bundled_draft(root: Path, week: str = WEEK, output_dir: Path | None = None) -> dict[str, str]:
    """Write the week's draft under ``root/drafts`` (or ``output_dir``; store in ``root/data``, site
    ``root/site``); returns the agent env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    env.update(AGENT_DATA_DIR=str(root / "data"), AGENT_DRAFTS_DIR=str(output_dir or root / "drafts"),
               AGENT_SITE_DIR=str(root / "site"))
    fetched = subprocess.run([sys.executable, "-m", "agent", "fetch", "--from-sample"], env=env,
                             capture_output=True, text=True, timeout=300)
    if fetched.returncode != 0:
        raise RuntimeError(f"agent fetch --from-sample failed: {fetched.stderr[-500:]}")
    draft_week(env, week)
    return env


def stored_passages(store: Any, week_end: date) -> list[Any]:
    """The stored sample documents of the 90 days before ``week_end`` as passages (no vector index),
    the four newest of each publisher, picked by the narrator's own rule."""
    from agent.narrate.retrieval import RECENT_DAYS, newest_per_publisher
    from agent.verify import to_traditional
    from vectorstore.models import Passage

    recent = [Passage(doc_id=hashlib.sha256(d.url.encode()).hexdigest()[:12], chunk_id="0",
                      title=to_traditional(d.title), title_orig=d.title, publish_date=d.publish_date, url=d.url,
                      text=d.body_text[:400], score=1.0, notice_no=d.notice_no,
                      effective_dates=d.effective_dates, publisher=d.publisher,
                      category="federal_register" if d.doc_number else "other",  # as the index files them
                      doc_type=d.doc_type)
              for d in store.policy_docs() if week_end - timedelta(days=RECENT_DAYS) <= d.publish_date <= week_end]
    return newest_per_publisher(recent, 4)


def draft_week(env: dict[str, str], week: str, charts: bool = False) -> None:
    """Draft ``week`` from the store ``env`` points to (fetched already); with ``charts``, attach its charts."""
    from agent.config import load_settings
    from agent.llm import get_backend
    from agent.narrate import Retrieved, draft, inputs_for
    from tools.facts.build import build_fact_sheet
    from tools.store import Store
    from tools.weeks import parse_week

    settings = load_settings(env)
    store = Store(settings.data_dir)
    report_week = parse_week(week)
    passages = stored_passages(store, report_week.end)
    sheet = build_fact_sheet(store, week)
    result = draft(inputs_for(week, sheet, retrieved=Retrieved(passages=passages)), get_backend("template", settings),
                   settings.drafts_dir / "trade-briefing")
    if charts and result.markdown_path and result.sidecar_path:
        from agent.site.attach import attach_charts
        from agent.site.chart_facts import chart_facts

        attach_charts(result.markdown_path, result.sidecar_path, chart_facts(store, sheet))
