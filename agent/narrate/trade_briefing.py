"""The weekly trade briefing (貿易動態週報) as a report spec: its sections, page and hooks.

Why a spec module: everything that makes the weekly briefing *weekly* — six sections with
their planners and prompts, the week-over-week and year-ago tables, the watchlist, the
limits, sources and front matter — is declared here; the drafting engine
(``agent.narrate.engine``) is the same for every report.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from agent.llm import LLMBackend
from agent.reports import ReportSpec, SectionDef, register_report
from agent.reports.related import related_urls
from agent.sidecar import Claim, DocRef
from tools import markup
from tools.facts.model import Fact, FactSheet, QualityFlag
from tools.weeks import ReportWeek

from . import facts_view as fv
from . import render
from .compare import compare_sheets
from .engine import DraftContext, Inputs, PageParts
from .provenance import Link, SourceLines, data_source_lines
from .retrieval import NOTE_NOT_CONSULTED
from .sections import (
    SectionPlan,
    concentration_section,
    doc_publisher,
    exports_section,
    headline_partners,
    imports_section,
    policy_section,
    summary_section,
    watchlist,
)
from .sentences import policy_summary_sentence, tidy

REPORT_ID = "trade-briefing"


def _week(ctx: DraftContext) -> ReportWeek:
    week = ctx.period.week
    assert week is not None, "the trade briefing is drafted per ISO week"
    return week


def _policy_plans(ctx: DraftContext) -> tuple[SectionPlan, SectionPlan]:
    """Both policy parts come from one planning pass over the retrieved documents."""
    if "policy" not in ctx.cache:
        ctx.cache["policy"] = policy_section(ctx.sheet, ctx.passages, ctx.statuses, ctx.period.end, ctx.provisions)
    plans: tuple[SectionPlan, SectionPlan] = ctx.cache["policy"]
    return plans


def _impact_calendar(impact: SectionPlan) -> None:
    """Without a chat model the impact part states what follows from the provisions and the calendar."""
    impact.spec = replace(impact.spec, plans=impact.calendar, speculative=False, model_plans=0)


SECTIONS = (
    SectionDef("summary", lambda ctx: summary_section(ctx.sheet), fewshot="local_fewshot", highlight_all=True),
    SectionDef("exports", lambda ctx: exports_section(ctx.sheet), fewshot="local_fewshot"),
    SectionDef("imports", lambda ctx: imports_section(ctx.sheet), fewshot="local_fewshot"),
    SectionDef("policy", lambda ctx: _policy_plans(ctx)[0], fewshot="local_policy_fewshot"),
    SectionDef("policy_impact", lambda ctx: _policy_plans(ctx)[1], analysis=True, without_model=_impact_calendar),
    # The base model copies its examples' periods into HHI sentences: no few-shot, stays templated there.
    SectionDef("concentration", lambda ctx: concentration_section(ctx.sheet)),
)


def _summary_policy_claim(passages: list[Any], status: str) -> Claim | None:
    """One deterministic summary line on the newest retrieved document (title + date), flagged as policy.

    Why not the model: the summary is written from figures; a policy line there must say only
    what the document's metadata says, and a reviewer confirms it like every policy claim.
    """
    if status != "ok" or not passages:
        return None
    newest = max(passages, key=lambda p: p.publish_date)
    text = policy_summary_sentence(newest.title, newest.publish_date, getattr(newest, "publisher", ""),
                                   note=getattr(newest, "category", "") == "analyst_note")
    return Claim(id="", section="summary", text=text, doc_ids=[newest.doc_id], flags=["policy_interpretation"],
                 origin="template")


def _add_summary_policy_line(ctx: DraftContext) -> None:
    """The summary ends with the newest retrieved document; its paragraph cites it."""
    claim = _summary_policy_claim(ctx.passages, ctx.inputs.retrieved.status)
    if claim is None:
        return
    ctx.results["summary"].claims.append(claim)
    newest = next(p for p in ctx.passages if p.doc_id in claim.doc_ids)
    source = f"{doc_publisher(newest)}，發布於 {newest.publish_date.isoformat()}"
    for paragraph in ctx.plans["summary"].paragraphs[-1:]:
        paragraph.source = "；".join(s for s in (paragraph.source, source) if s)
        paragraph.doc_ids.append(newest.doc_id)


def _watchlist_claims(ctx: DraftContext) -> list[Claim]:
    items = watchlist(ctx.sheet, ctx.passages, ctx.period.end, ctx.provisions, ctx.statuses)
    for item in items:
        item.text = markup.text(item.text)
    ctx.cache["watchlist"] = items
    return [Claim(id="", section="watchlist", text=item.text, fact_ids=item.fact_ids, doc_ids=item.doc_ids,
                  origin="template", provision_ids=item.provision_ids) for item in items]


_THRESHOLD = re.compile(r"±\d+(?:\.\d+)?%")


def _synthetic_codes(sheet: FactSheet) -> set[str]:
    """Comtrade reporter codes whose partner tables are synthetic (from the sheet's sources)."""
    return {f.subject.get("reporter", "") for f in sheet.facts
            if f.source is not None and f.source.synthetic and f.source.dataset.startswith("comtrade")}


def _mirror_involves_synthetic(flag: QualityFlag, by_id: dict[str, Fact], synthetic: set[str]) -> bool:
    """A mirror gap is only as real as both of its sides: synthetic on either side makes it illustrative."""
    if "合成" in flag.message_zh:
        return True
    if any((f := by_id.get(i)) is not None and f.source is not None and f.source.synthetic for i in flag.fact_ids):
        return True
    sides = {flag.subject.get("reporter", ""), flag.subject.get("partner", "")}
    return bool(sides & synthetic)


def mirror_limits(sheet: FactSheet) -> tuple[list[str], list[str]]:
    """(lines for 已知限制, the flag messages they stand for).

    Why grouped: on a synthetic partner table every mirror pair misses the threshold, and a
    line per pair buries the limits that matter. Gaps with a synthetic side become one line
    naming the pairs; gaps between two real sides keep their own line.
    """
    t = render.text()
    by_id, synthetic = sheet.by_id(), _synthetic_codes(sheet)
    grouped: dict[str, list[str]] = {}
    threshold = ""
    lines: list[str] = []
    covered: list[str] = []
    for flag in sheet.flags:
        if flag.code != "mirror_gap":
            continue
        covered.append(flag.message_zh)
        if not _mirror_involves_synthetic(flag, by_id, synthetic):
            lines.append(flag.message_zh)
            continue
        found = _THRESHOLD.search(flag.message_zh)
        threshold = threshold or (found.group(0) if found else "")
        subj = flag.subject
        pair = f"{subj.get('reporter_name', subj.get('reporter', ''))}→{subj.get('partner_name', subj.get('partner', ''))}"
        basis = subj.get("basis", "Comtrade")
        grouped.setdefault(subj.get("year", ""), []).append(pair if basis == "Comtrade" else f"{pair}（{basis}）")
    for year, pairs in sorted(grouped.items()):
        period = f"{year} 年" if year else ""
        lines.insert(0, t["limit_mirror_synthetic"].format(
            period=period, threshold=f" {threshold} " if threshold else "", pairs="、".join(dict.fromkeys(pairs))))
    return lines, covered


def _limits(inputs: Inputs, week: ReportWeek, replaced: int) -> list[str]:
    t = render.text()
    mirror_lines, covered = mirror_limits(inputs.sheet)
    out = list(dict.fromkeys(tidy(f.message_zh) for f in inputs.sheet.flags if f.message_zh not in covered))
    out += [tidy(line) for line in mirror_lines]
    if inputs.prev_sheet is None:
        out.append(t["limit_no_prev"].format(week=week.prev_week))
    if inputs.year_ago_sheet is None:
        out.append(t["limit_no_year_ago"].format(week=week.year_ago_week))
    if inputs.retrieved.status != "ok":
        out.append(t["limit_policy"].format(note=inputs.retrieved.note))
    if replaced:
        out.append(t["limit_fallback"])
    return out + inputs.notes


def _sources(sheet: FactSheet, facts: dict[str, Fact], docs: dict[str, DocRef],
             publishers: dict[str, str]) -> SourceLines:
    """Data queries (labelled, Comtrade answers counted) then each cited document as a link."""
    out = data_source_lines(sheet, list(facts.values()))
    for d in docs.values():
        link = Link(f"「{d.title}」（{d.date}）", d.url).markdown()
        out.lines.append(f"{markup.text(publishers.get(d.doc_id) or '中國商務部出口管制資訊網')}：{link}")
    return out


def _coverage(sheet: FactSheet) -> str:
    t = render.text()
    items = []
    if "census" in sheet.data_cutoff:
        items.append(t["coverage_census"].format(month=_month_zh(sheet.data_cutoff["census"])))
    if "comtrade" in sheet.data_cutoff:
        items.append(t["coverage_comtrade"].format(year=f"{sheet.data_cutoff['comtrade']} 年"))
    return t["coverage"].format(items="；".join(items)) if items else ""


def _month_zh(ym: str) -> str:
    parts = ym.split("-")
    return f"{int(parts[0])} 年 {int(parts[1])} 月" if len(parts) > 1 else f"{parts[0]} 年"


def _backend_note(words: dict[str, str], backend: LLMBackend, kept: int) -> str:
    """Who wrote the prose: a model only when at least one of its sentences reached the page."""
    if not backend.capabilities.writes_prose:
        return words["backend_template"]
    if kept == 0:  # the model failed or every sentence was replaced: the text is the template's
        return words["backend_model_failed"].format(model=backend.model or backend.name)
    return words["backend_model"].format(model=backend.model or backend.name)


def _description(sheet: FactSheet) -> str:
    parts = []
    for cty in headline_partners(sheet)[:2]:
        ch = fv.census_change(sheet, cty, "balance")
        if ch:
            parts.append(f"{ch.current.period.label_zh}{ch.current.label_zh}為 {ch.current.display}"
                         f"（同期比較 {ch.change.display}）")
    return "；".join(parts) or "本週貿易數據與政策動態"


def _keywords(sheet: FactSheet, week: ReportWeek) -> str:
    names = ["國際貿易", "美國"] + [fv.partner_name(f) for cty in fv.census_partners(sheet)
                                   if (f := fv.latest_census(sheet, cty, "balance"))]
    return ", ".join(dict.fromkeys(names + ["貿易差額", "出口管制", str(week.year)]))


def week_title(week: str) -> str:
    year, number = week.split("-W")
    return render.text()["nav_title"].format(year=int(year), number=f"{int(number):02d}")


def _compose(ctx: DraftContext) -> PageParts:
    """The page around the sections: comparisons, watchlist, limits, sources, front matter, navigation."""
    inputs, sheet, week, spec = ctx.inputs, ctx.sheet, _week(ctx), ctx.spec
    by_id = ctx.by_id
    wow = compare_sheets(sheet, inputs.prev_sheet, f"上週（{week.prev_week}）", f"本週（{week.week}）")
    ago = compare_sheets(sheet, inputs.year_ago_sheet, f"去年同週（{week.year_ago_week}）", f"本週（{week.week}）",
                         matched_only=True)
    ctx.show({i: by_id[i] for i in wow.this_ids + ago.this_ids if i in by_id})
    ctx.show({i: by_id[i] for flag in sheet.flags for i in flag.fact_ids if i in by_id})
    ctx.show(wow.other_facts)
    ctx.show(ago.other_facts)
    sources = _sources(sheet, ctx.facts_on_page, ctx.docs, {p.doc_id: doc_publisher(p) for p in ctx.passages})
    ctx.show(sources.facts)
    for cty in headline_partners(sheet)[:2]:
        ch = fv.census_change(sheet, cty, "balance")
        if ch:
            ctx.show({ch.current.id: ch.current, ch.change.id: ch.change})
    items = ctx.cache.get("watchlist", [])
    replaced = sum(r.replaced for r in ctx.results.values())
    backend = ctx.backend
    words = render.text()
    context = {
        "front_matter": render.front_matter({
            "layout": "default",
            "title": week.label_zh,
            "parent": spec.title_zh,
            "nav_order": spec.nav_order,
            "description": _description(sheet),
            "date": week.generated_at.date().isoformat(),
            "article_section": "週報分析",
            "keywords": _keywords(sheet, week),
            "related_reports": related_urls(spec, ctx.period),
        }),
        "week_label": week.label_zh,
        "period_start": week.start.isoformat(),
        "period_end": week.end.isoformat(),
        "generated_at": week.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "backend_note": _backend_note(words, backend, sum(r.kept for r in ctx.results.values())),
        "coverage": _coverage(sheet),
        "policy_status": inputs.retrieved.status if ctx.passages else "empty",
        "policy_empty": words["policy_empty"].format(note=inputs.retrieved.note or NOTE_NOT_CONSULTED),
        "impact_empty": words["impact_empty"],
        "impact_note": words["impact_note_model" if ctx.plans["policy_impact"].spec.speculative
                             else "impact_note_calendar"],
        "watchlist": items,
        "prev_label": week.prev_week.split("-")[1],
        "wow": render.md_table(wow.headers, wow.rows) if wow.rows else "",
        "year_ago": render.md_table(ago.headers, ago.rows) if ago.rows else "",
        "year_ago_label": week.year_ago_week,
        "limits": _limits(inputs, week, replaced),
        "disclaimer": words["disclaimer"],
        "sources": sources.lines,
        "nav": render.nav_include(spec.url(week.prev_week), week_title(week.prev_week),
                                  spec.url(week.next_week), week_title(week.next_week)),
    }
    return PageParts(context=context, vouched=sources.labels + [item.basis for item in items]
                     + ctx.plans["policy_impact"].vouched)


TRADE_BRIEFING = register_report(ReportSpec(
    id=REPORT_ID,
    title_zh="貿易動態週報",
    period_kind="week",
    site_section="Narrator/trade_briefing",
    template=render.TEMPLATES / "briefing.md.j2",
    sections=SECTIONS,
    compose=_compose,
    amend=_add_summary_policy_line,
    extra_claims=_watchlist_claims,
    comparisons=("prev", "year_ago"),
    documents=True,
))
