"""Draft the weekly briefing: facts → plans → verified prose → Markdown + JSON sidecar.

Why this order: the numbers are settled before any model runs (fact sheet, tables,
retrieval), the model only phrases planned statements section by section, and the finished
page is traced once more as a whole — a number that no claim or table fact accounts for
stops the draft instead of reaching a reader.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.llm import LLMBackend, PassageView, SectionRequest
from agent.sidecar import Claim, DocRef, Sidecar
from tools.atomic import write_text_atomic
from tools.errors import AgentError, VerificationError
from tools.facts.model import Fact, FactSheet, QualityFlag
from tools.weeks import ReportWeek, parse_week

from . import facts_view as fv
from . import render
from .compare import compare_sheets
from .policy_status import doc_status
from .prompts import load_prompt
from .provenance import Link, SourceLines, data_source_lines
from .retrieval import NOTE_NOT_CONSULTED, Retrieved
from .sections import (
    Paragraph,
    SectionPlan,
    concentration_section,
    doc_publisher,
    evidence,
    exports_section,
    headline_partners,
    imports_section,
    policy_section,
    summary_section,
    watchlist,
)
from .sentences import policy_summary_sentence, tidy
from .trace import untraced_numbers
from .writer import DocEvidence, SectionResult, write_section

SECTION_ORDER = ("summary", "exports", "imports", "policy", "policy_impact", "concentration")
#: Sections the bundled base model is asked to phrase (few-shot examples exist for these).
LOCAL_SECTIONS = {"summary", "exports", "imports", "policy"}


@dataclass
class Inputs:
    """Everything a draft reads; the CLI builds it from the store, tests hand-build it."""

    week: ReportWeek
    sheet: FactSheet
    prev_sheet: FactSheet | None = None
    year_ago_sheet: FactSheet | None = None
    retrieved: Retrieved = field(default_factory=Retrieved)
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftResult:
    markdown: str
    sidecar: Sidecar
    markdown_path: Path | None = None
    sidecar_path: Path | None = None
    stats: dict[str, Any] = field(default_factory=dict)


def _facts_block(plan: SectionPlan) -> str:
    lines = []
    for p in plan.spec.plans:
        for f in p.facts:
            extra = f"；方向：{f.direction_word}" if f.direction_word else ""
            lines.append(f"- {f.id}｜{f.label}｜{f.period}｜顯示值：{f.display}{extra}")
    return "\n".join(dict.fromkeys(lines)) or "（無）"


def _passages_block(passages: list[PassageView]) -> str:
    def head(p: PassageView) -> str:
        status = f' status="{p.status}"' if p.status else ""
        return f'<document id="{p.doc_id}" title="{p.title}" date="{p.date}"{status}>'
    return "\n".join(f"{head(p)}\n{p.text}\n</document>" for p in passages) or "（無）"


def _request(plan: SectionPlan, week: ReportWeek, backend: LLMBackend, versions: dict[str, str]) -> SectionRequest:
    system, prompt, reask = load_prompt("system"), load_prompt(plan.prompt), load_prompt("reask")
    fewshot = load_prompt("local_policy_fewshot" if plan.spec.policy else "local_fewshot")
    passages = [p.passage for p in plan.spec.plans if p.passage is not None]
    versions.update({"system": system.version, plan.prompt: prompt.version, "reask": reask.version})
    if backend.capabilities.fewshot_completion and not backend.capabilities.structured_output:
        versions[fewshot.name] = fewshot.version
    body = prompt.render(week_label=week.label_zh, max_sentences=plan.spec.max_sentences,
                         facts_block=_facts_block(plan), passages_block=_passages_block(passages))
    return SectionRequest(section=plan.spec.key, system=system.body, prompt=body, plans=plan.spec.plans,
                          passages=passages, completion_prompt=fewshot.body, reask_template=reask.body,
                          max_tokens=600)


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


def _claim_id(claim: Claim, taken: set[str]) -> str:
    digest = hashlib.sha1("|".join(claim.fact_ids + claim.doc_ids + [claim.text]).encode()).hexdigest()
    base = f"{claim.section}-{digest[:8]}"
    cid, n = base, 2
    while cid in taken:
        cid, n = f"{base}-{n}", n + 1
    taken.add(cid)
    return cid


def _assign(paragraphs: list[Paragraph], claims: list[Claim]) -> dict[int, list[Claim]]:
    """Each claim goes to the first paragraph sharing a fact or document with it (else the last)."""
    out: dict[int, list[Claim]] = {i: [] for i in range(len(paragraphs))}
    for claim in claims:
        cited = set(claim.fact_ids) | set(claim.doc_ids)
        index = next((i for i, p in enumerate(paragraphs) if cited & (set(p.fact_ids) | set(p.doc_ids))),
                     len(paragraphs) - 1)
        out[index].append(claim)
    return out


def _paragraph_views(plan: SectionPlan, claims: list[Claim], facts: dict[str, Fact],
                     highlight_all: bool) -> list[dict[str, Any]]:
    paragraphs = plan.paragraphs or [Paragraph("", [], [], "")]
    assigned = _assign(paragraphs, claims)
    views = []
    for i, p in enumerate(paragraphs):
        parts = []
        for claim in assigned[i]:
            if highlight_all or p.takeaway:
                claim.text = render.highlight(claim.text, [facts[f] for f in claim.fact_ids if f in facts])
            parts.append(render.claim_markdown(claim))
        if parts:
            views.append({"title": p.title, "text": "".join(parts), "source": p.source, "takeaway": p.takeaway})
    return views


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


def _limits(inputs: Inputs, replaced: int) -> list[str]:
    t = render.text()
    mirror_lines, covered = mirror_limits(inputs.sheet)
    out = list(dict.fromkeys(tidy(f.message_zh) for f in inputs.sheet.flags if f.message_zh not in covered))
    out += [tidy(line) for line in mirror_lines]
    if inputs.prev_sheet is None:
        out.append(t["limit_no_prev"].format(week=inputs.week.prev_week))
    if inputs.year_ago_sheet is None:
        out.append(t["limit_no_year_ago"].format(week=inputs.week.year_ago_week))
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
        out.lines.append(f"{publishers.get(d.doc_id) or '中國商務部出口管制資訊網'}：{link}")
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


def draft(inputs: Inputs, backend: LLMBackend, output_dir: Path | None = None) -> DraftResult:
    """Write the briefing for ``inputs.week`` with ``backend``; files land in ``output_dir`` if given."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    week, sheet = inputs.week, inputs.sheet
    passages = list(inputs.retrieved.passages)
    plans: dict[str, SectionPlan] = {
        "summary": summary_section(sheet),
        "exports": exports_section(sheet),
        "imports": imports_section(sheet),
        "concentration": concentration_section(sheet),
    }
    statuses = {p.doc_id: inputs.retrieved.statuses.get(p.doc_id) or doc_status(p, inputs.retrieved.docs, week.end)
                for p in passages}
    plans["policy"], plans["policy_impact"] = policy_section(sheet, passages, statuses, week.end)
    caps = backend.capabilities
    if not caps.structured_output:
        # The impact part is analysis, not restatement: only a chat model is asked for it.
        plans["policy_impact"].spec.plans = []
    if caps.fewshot_completion and not caps.structured_output:
        # The base model copies its examples' periods into HHI sentences; that section stays templated.
        for key in SECTION_ORDER:
            if key not in LOCAL_SECTIONS:
                plans[key].spec.model_plans = 0
    wow = compare_sheets(sheet, inputs.prev_sheet, f"上週（{week.prev_week}）", f"本週（{week.week}）")
    ago = compare_sheets(sheet, inputs.year_ago_sheet, f"去年同週（{week.year_ago_week}）", f"本週（{week.week}）",
                         matched_only=True)
    timings["plan_tables"] = time.perf_counter() - started

    data_quality = {fid for flag in sheet.flags if flag.severity == "warn" for fid in flag.fact_ids}
    versions: dict[str, str] = {}
    results: dict[str, SectionResult] = {}
    tokens: dict[str, int] = {}
    for key in SECTION_ORDER:
        plan = plans[key]
        request = _request(plan, week, backend, versions)
        t0 = time.perf_counter()
        results[key] = write_section(plan.spec, request, backend, data_quality)
        timings[f"section.{key}"] = time.perf_counter() - t0
        tokens[key] = results[key].tokens
    if not backend.capabilities.writes_prose:
        versions = {}
    summary_policy = _summary_policy_claim(passages, inputs.retrieved.status)
    if summary_policy is not None:
        results["summary"].claims.append(summary_policy)
        newest = next(p for p in passages if p.doc_id in summary_policy.doc_ids)
        source = f"{doc_publisher(newest)}，發布於 {newest.publish_date.isoformat()}"
        for paragraph in plans["summary"].paragraphs[-1:]:
            paragraph.source = "；".join(s for s in (paragraph.source, source) if s)
            paragraph.doc_ids.append(newest.doc_id)

    by_id = sheet.by_id()
    facts_on_page: dict[str, Fact] = {}
    docs: dict[str, DocRef] = {}
    evidence_all: dict[str, DocEvidence] = {e.ref.doc_id: e for e in (evidence(p, statuses.get(p.doc_id))
                                                                      for p in passages)}
    taken: set[str] = set()
    claims: list[Claim] = []
    views: dict[str, dict[str, Any]] = {}
    for key in SECTION_ORDER:
        section_claims = results[key].claims
        for claim in section_claims:
            claim.id = _claim_id(claim, taken)
        views[key] = {
            "paragraphs": _paragraph_views(plans[key], section_claims, by_id, highlight_all=key == "summary"),
            "tables": [render.md_table(t.headers, t.rows) for t in plans[key].tables],
        }
        claims += section_claims
        for t in plans[key].tables:
            facts_on_page.update({i: by_id[i] for i in t.fact_ids if i in by_id})
    items = watchlist(sheet, passages, week.end)
    for item in items:
        claim = Claim(id="", section="watchlist", text=item.text, fact_ids=item.fact_ids, doc_ids=item.doc_ids,
                      origin="template")
        claim.id = _claim_id(claim, taken)
        claims.append(claim)
    for claim in claims:
        facts_on_page.update({i: by_id[i] for i in claim.fact_ids if i in by_id})
        docs.update({d: evidence_all[d].ref for d in claim.doc_ids if d in evidence_all})
    docs.update({d: e.ref for d, e in evidence_all.items()})
    facts_on_page.update({i: by_id[i] for i in wow.this_ids + ago.this_ids if i in by_id})
    facts_on_page.update({i: by_id[i] for flag in sheet.flags for i in flag.fact_ids if i in by_id})
    facts_on_page.update(wow.other_facts)
    facts_on_page.update(ago.other_facts)
    sources = _sources(sheet, facts_on_page, docs, {p.doc_id: doc_publisher(p) for p in passages})
    facts_on_page.update(sources.facts)
    for cty in headline_partners(sheet)[:2]:
        ch = fv.census_change(sheet, cty, "balance")
        if ch:
            facts_on_page.update({ch.current.id: ch.current, ch.change.id: ch.change})

    replaced = sum(r.replaced for r in results.values())
    kept = sum(r.kept for r in results.values())
    words = render.text()
    context = {
        "front_matter": render.front_matter({
            "layout": "default",
            "title": week.label_zh,
            "parent": "貿易動態週報",
            "nav_order": 1,
            "description": _description(sheet),
            "date": week.generated_at.date().isoformat(),
            "article_section": "週報分析",
            "keywords": _keywords(sheet, week),
            "related_reports": [render.week_url(week.prev_week)],
        }),
        "week_label": week.label_zh,
        "period_start": week.start.isoformat(),
        "period_end": week.end.isoformat(),
        "generated_at": week.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "backend_note": words["backend_template"] if not backend.capabilities.writes_prose else words["backend_model"].format(
            model=backend.model or backend.name),
        "sections": views,
        "coverage": _coverage(sheet),
        "policy_status": inputs.retrieved.status if passages else "empty",
        "policy_empty": words["policy_empty"].format(note=inputs.retrieved.note or NOTE_NOT_CONSULTED),
        "impact_empty": words["impact_empty"],
        "watchlist": items,
        "prev_label": week.prev_week.split("-")[1],
        "wow": render.md_table(wow.headers, wow.rows) if wow.rows else "",
        "year_ago": render.md_table(ago.headers, ago.rows) if ago.rows else "",
        "year_ago_label": week.year_ago_week,
        "limits": _limits(inputs, replaced),
        "disclaimer": words["disclaimer"],
        "sources": sources.lines,
        "nav": render.nav_include(week.prev_week, week.next_week),
    }
    markdown = render.page(context)
    timings["total"] = time.perf_counter() - started

    name = f"{week.week}-trade-briefing"
    md_path = output_dir / f"{name}.md" if output_dir else None
    sidecar = Sidecar(
        week=week.week, report_path=str(md_path or f"{name}.md"), generated_at=datetime.now(UTC),
        backend=backend.name, model=backend.model, prompt_versions=versions, timings=timings, tokens=tokens,
        claims=claims, facts=facts_on_page, docs=docs, quality_flags=sheet.flags,
    )
    vouched = [v for e in evidence_all.values() for v in e.vouches] + [f.message_zh for f in sheet.flags]
    vouched += sources.labels + [item.basis for item in items]
    problems = untraced_numbers(markdown, sidecar, extra=vouched + _page_dates(week, sheet))
    if problems:
        raise VerificationError(f"draft has numbers no fact or document accounts for: {problems[0]}")
    stats = {"kept": kept, "replaced": replaced, "sections": {k: {"seconds": timings[f"section.{k}"],
                                                                  "tokens": tokens[k]} for k in SECTION_ORDER}}
    result = DraftResult(markdown=markdown, sidecar=sidecar, stats=stats)
    if output_dir is not None:
        result.markdown_path, result.sidecar_path = write_outputs(output_dir, name, markdown, sidecar)
    return result


def _page_dates(week: ReportWeek, sheet: FactSheet) -> list[str]:
    """Structural dates/labels the page shows (report week, data fetch dates)."""
    fetched = {f.source.fetched_at.date().isoformat() for f in sheet.facts if f.source}
    return [week.week, week.prev_week, week.year_ago_week, str(week.year), week.start.isoformat(),
            week.end.isoformat(), *sorted(fetched)]


def write_outputs(output_dir: Path, name: str, markdown: str, sidecar: Sidecar) -> tuple[Path, Path]:
    """Markdown and ``<name>.json`` sidecar, each written atomically."""
    md_path, json_path = output_dir / f"{name}.md", output_dir / f"{name}.json"
    try:
        write_text_atomic(md_path, markdown)
        write_text_atomic(json_path, sidecar.model_dump_json(indent=2))
    except OSError as exc:
        raise AgentError(f"cannot write the draft to {output_dir}: {exc}") from exc
    return md_path, json_path


def inputs_for(week_text: str, sheet: FactSheet, prev: FactSheet | None = None, year_ago: FactSheet | None = None,
               retrieved: Retrieved | None = None) -> Inputs:
    return Inputs(week=parse_week(week_text), sheet=sheet, prev_sheet=prev, year_ago_sheet=year_ago,
                  retrieved=retrieved or Retrieved(status="empty", note=NOTE_NOT_CONSULTED))
