"""The monthly supply-chain analysis (供應鏈分析報告) as a report spec on the drafting engine.

Why this split: ``supply_chain`` decides what each section says from facts and documents;
this module tells the engine where the facts come from (the briefing's fact sheet for the
week holding the month's last day, plus World Bank facts and the month's derived facts), which
parts a model may phrase (the policy developments and their flagged impact, planned by the
briefing's own policy planner over the month's retrieved documents), and how the page looks.
"""

from __future__ import annotations

from typing import Any

from agent.config import load_settings
from agent.narrate import render
from agent.narrate.engine import DraftContext, PageParts
from agent.narrate.sections import SectionPlan, policy_section
from agent.reports import Period, ReportSpec, SectionDef, register_report
from agent.reports.corpus import report_docs
from agent.reports.monthly_page import TEMPLATE, blocks
from agent.reports.policy_tracker import Month
from agent.reports.related import related_urls
from agent.reports.supply_chain import PARENT, SupplyChainInputs, sections
from tools.facts.build import build_fact_sheet
from tools.facts.model import FactSheet
from tools.facts.monthly_facts import derived_facts
from tools.facts.worldbank_facts import WorldBankResult, worldbank_facts

REPORT_ID = "supply-chain"


def month_of(period: Period) -> Month:
    return Month(period.start.year, period.start.month)


def fact_sheet(store: Any, period: Period) -> FactSheet:
    """The briefing's sheet for the week holding the month's last day, plus World Bank and derived facts."""
    iso = period.end.isocalendar()
    sheet = build_fact_sheet(store, f"{iso.year}-W{iso.week:02d}")
    wb = worldbank_facts(store.worldbank_indicators())
    sheet.facts += wb.facts + derived_facts(sheet, store.census_monthly(), store.census_hs("HS2"))
    sheet.flags += wb.flags
    return sheet


def _inputs(ctx: DraftContext) -> SupplyChainInputs:
    if "supply" not in ctx.cache:
        wb = WorldBankResult(facts=[f for f in ctx.sheet.facts if f.subject.get("scheme") == "worldbank"],
                             flags=[f for f in ctx.sheet.flags if f.subject.get("scheme") == "worldbank"])
        ctx.cache["supply"] = SupplyChainInputs(
            month=month_of(ctx.period), sheet=ctx.sheet, census=None,  # type: ignore[arg-type]
            worldbank=wb, docs=report_docs(load_settings()))
    found: SupplyChainInputs = ctx.cache["supply"]
    return found


def _policy_plans(ctx: DraftContext) -> tuple[SectionPlan, SectionPlan]:
    if "policy" not in ctx.cache:
        ctx.cache["policy"] = policy_section(ctx.sheet, ctx.passages, ctx.statuses, ctx.period.end)
    plans: tuple[SectionPlan, SectionPlan] = ctx.cache["policy"]
    return plans


SECTIONS = (
    SectionDef("policy", lambda ctx: _policy_plans(ctx)[0], fewshot="local_policy_fewshot"),
    SectionDef("policy_impact", lambda ctx: _policy_plans(ctx)[1], analysis=True),
)


def _compose(ctx: DraftContext) -> PageParts:
    inp = _inputs(ctx)
    spec, period = ctx.spec, ctx.period
    parts = sections(inp)
    facts = {**ctx.by_id, **{f.id: f for f in inp.extra}}
    page_blocks, vouched = blocks(ctx, parts, inp.docs, facts, attach={f"{inp.month.label_zh}政策動態": ["policy", "policy_impact"]})
    ctx.show({i: facts[i] for flag in ctx.sheet.flags for i in flag.fact_ids if i in facts})
    front = render.front_matter({
        "layout": "default", "title": f"{spec.title_zh} {period.label_zh}", "parent": PARENT, "nav_order": spec.nav_order,
        "description": f"{period.label_zh}美國與主要夥伴的貿易、市場集中度、總體背景與出口管制動態",
        "date": period.end.isoformat(), "article_section": "月度分析", "related_reports": related_urls(spec, period),
    })
    context = {
        "front_matter": front, "heading": f"{spec.title_zh}：{period.label_zh}", "period_label": period.label_zh,
        "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
        "intro": "數字皆來自事實表（美國普查局、UN Comtrade、世界銀行）；政策段落引用原文，解讀須經審閱。",
        "blocks": page_blocks,
        "nav": render.nav_include(spec.url(period.prev), period.prev, spec.url(period.next), period.next),
    }
    codes = [f"HS{f.key.commodity}" for f in facts.values() if f.key.commodity]
    return PageParts(context=context, vouched=vouched + codes + [flag.message_zh for flag in ctx.sheet.flags])


SUPPLY_CHAIN = register_report(ReportSpec(
    id=REPORT_ID,
    title_zh="供應鏈分析報告",
    period_kind="month",
    site_section="Narrator/supply_chain_analysis",
    template=TEMPLATE,
    sections=SECTIONS,
    compose=_compose,
    file_pattern="{period}-supply-chain-analysis",
    nav_order=2,
    facts=fact_sheet,
    documents=True,
))
