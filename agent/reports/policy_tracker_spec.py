"""The export-control policy tracker (出口管制政策追蹤) as a report spec on the drafting engine.

Why no model sections: the tracker lists documents, dates and counts, each taken from the
stored documents (``policy_tracker``), so every line is deterministic. The one sentence of
interpretation — what the month's newest measure is — is a flagged claim, so a reviewer
approves it before ``agent publish``, as for every policy claim.
"""

from __future__ import annotations

from agent.config import load_settings
from agent.narrate import render
from agent.narrate.engine import DraftContext, PageParts
from agent.narrate.sentences import policy_summary_sentence
from agent.reports import Period, ReportSpec, register_report
from agent.reports.corpus import report_docs
from agent.reports.monthly_page import TEMPLATE, blocks, doc_ref
from agent.reports.policy_tracker import (
    PARENT,
    Month,
    docs_of_month,
    list_change_facts,
    source_zh,
    tracker_sections,
)
from agent.reports.related import related_urls
from agent.sidecar import Claim
from vectorstore.models import DocRecord

REPORT_ID = "policy-tracker"


def month_of(period: Period) -> Month:
    return Month(period.start.year, period.start.month)


def _docs(ctx: DraftContext) -> list[DocRecord]:
    if "docs" not in ctx.cache:
        ctx.cache["docs"] = report_docs(load_settings())
    found: list[DocRecord] = ctx.cache["docs"]
    return found


def _summary_claim(ctx: DraftContext) -> list[Claim]:
    """One flagged line on the month's newest binding document (its title, date and publisher only)."""
    month = month_of(ctx.period)
    binding = [d for d in docs_of_month(_docs(ctx), month) if d.category in ("notice", "law", "federal_register")]
    if not binding:
        return []
    newest = max(binding, key=lambda d: (d.publish_date, d.doc_id))
    ctx.docs[newest.doc_id] = doc_ref(newest)
    text = policy_summary_sentence(newest.title, newest.publish_date, source_zh(newest))
    return [Claim(id="", section="policy", text=text, doc_ids=[newest.doc_id], flags=["policy_interpretation"],
                  origin="template")]


def _compose(ctx: DraftContext) -> PageParts:
    spec, period = ctx.spec, ctx.period
    month, docs = month_of(period), _docs(ctx)
    counts, _ = list_change_facts(docs, month)
    facts = {f.id: f for f in counts}
    page_blocks, vouched = blocks(ctx, tracker_sections(docs, month), docs, facts)
    claims = [c for c in ctx.claims if c.section == "policy"]
    summary = "".join(render.claim_markdown(c) for c in claims)
    front = render.front_matter({
        "layout": "default", "title": f"{spec.title_zh} {period.label_zh}", "parent": PARENT, "nav_order": spec.nav_order,
        "description": f"{period.label_zh}中國商務部與美國聯邦公報（BIS）出口管制文件、月底管制狀態與後續日程",
        "date": period.end.isoformat(), "article_section": "政策追蹤", "related_reports": related_urls(spec, period),
    })
    context = {
        "front_matter": front, "heading": f"{spec.title_zh}：{period.label_zh}", "period_label": period.label_zh,
        "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
        "intro": (summary + "\n\n" if summary else "")
        + "本頁依已擷取的中國商務部公告與美國聯邦公報（BIS）文件整理；引文為文件原文，政策解讀須經審閱。",
        "blocks": page_blocks,
        "nav": render.nav_include(spec.url(period.prev), period.prev, spec.url(period.next), period.next),
    }
    return PageParts(context=context, vouched=vouched)


POLICY_TRACKER = register_report(ReportSpec(
    id=REPORT_ID,
    title_zh="出口管制政策追蹤",
    period_kind="month",
    site_section="Narrator/policy_tracker",
    template=TEMPLATE,
    sections=(),
    compose=_compose,
    file_pattern="{period}-policy-tracker",
    nav_order=3,
    extra_claims=_summary_claim,
    charts=(),  # a page about documents: no trade charts
))
