"""Draft any report spec: facts → section plans → verified prose → Markdown + JSON sidecar.

Why this order: the numbers are settled before any model runs (fact sheet, tables,
retrieval), the model only phrases planned statements section by section, and the finished
page is traced once more as a whole — a number that no claim or table fact accounts for
stops the draft instead of reaching a reader. What a report *is* (its sections, template,
the page around them) comes from its :class:`~agent.reports.ReportSpec`; this module knows
no report by name, and asks a backend what it can do, never which one it is.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.llm import LLMBackend, PassageView, SectionRequest
from agent.reports import Period, ReportSpec, SectionDef, get_report, parse_period
from agent.sidecar import Claim, DocRef, Sidecar
from tools import markup
from tools.atomic import write_text_atomic
from tools.errors import AgentError, InputError, VerificationError
from tools.facts.model import Fact, FactSheet

from . import render
from .policy_status import DocStatus, doc_status
from .prompts import load_prompt
from .quotes import attach_quotes
from .retrieval import NOTE_NOT_CONSULTED, Retrieved
from .sections import Paragraph, SectionPlan, evidence
from .trace import untraced_numbers
from .writer import DocEvidence, SectionResult, write_section

DEFAULT_REPORT = "trade-briefing"


@dataclass
class Inputs:
    """Everything a draft reads; the CLI builds it from the store, tests hand-build it."""

    period: Period
    sheet: FactSheet
    prev_sheet: FactSheet | None = None
    year_ago_sheet: FactSheet | None = None
    retrieved: Retrieved = field(default_factory=Retrieved)
    notes: list[str] = field(default_factory=list)


@dataclass
class PageParts:
    """What a spec's ``compose`` adds: template values and the strings the page trace accepts."""

    context: dict[str, Any]
    vouched: list[str] = field(default_factory=list)


@dataclass
class DraftContext:
    """The draft in progress, handed to a spec's planners and hooks."""

    spec: ReportSpec
    inputs: Inputs
    backend: LLMBackend
    passages: list[Any]
    statuses: dict[str, DocStatus]
    evidence: dict[str, DocEvidence]
    provisions: dict[str, list[Any]] = field(default_factory=dict)  # doc id -> provisions extracted from it
    plans: dict[str, SectionPlan] = field(default_factory=dict)
    results: dict[str, SectionResult] = field(default_factory=dict)
    facts_on_page: dict[str, Fact] = field(default_factory=dict)
    docs: dict[str, DocRef] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # planners sharing work (e.g. two policy parts)

    @property
    def period(self) -> Period:
        return self.inputs.period

    @property
    def sheet(self) -> FactSheet:
        return self.inputs.sheet

    @property
    def by_id(self) -> dict[str, Fact]:
        if "by_id" not in self.cache:
            self.cache["by_id"] = self.sheet.by_id()
        found: dict[str, Fact] = self.cache["by_id"]
        return found

    def show(self, facts: dict[str, Fact]) -> None:
        """Facts the page shows (the sidecar must define every one of them)."""
        self.facts_on_page.update(facts)


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


def completion_only(backend: LLMBackend) -> bool:
    """A base model phrasing one planned sentence at a time (no schema of its own)."""
    caps = backend.capabilities
    return caps.fewshot_completion and not caps.structured_output


def section_request(plan: SectionPlan, section: SectionDef, period: Period, backend: LLMBackend,
                    versions: dict[str, str]) -> SectionRequest:
    """The prompt for one section (system, section prompt, re-ask, few-shot prefix), versions noted."""
    system, prompt, reask = load_prompt("system"), load_prompt(plan.prompt), load_prompt("reask")
    passages = [p.passage for p in plan.spec.plans if p.passage is not None]
    versions.update({"system": system.version, plan.prompt: prompt.version, "reask": reask.version})
    completion = ""
    if section.fewshot and completion_only(backend):
        fewshot = load_prompt(section.fewshot)
        versions[fewshot.name] = fewshot.version
        completion = fewshot.body
    body = prompt.render(week_label=period.label_zh, period_label=period.label_zh,
                         max_sentences=plan.spec.max_sentences, facts_block=_facts_block(plan),
                         passages_block=_passages_block(passages))
    return SectionRequest(section=plan.spec.key, system=system.body, prompt=body, plans=plan.spec.plans,
                          passages=passages, completion_prompt=completion, reask_template=reask.body,
                          max_tokens=600)


def _fit_to_backend(section: SectionDef, plan: SectionPlan, backend: LLMBackend) -> None:
    if section.analysis and not backend.capabilities.structured_output:
        # Analysis is not restatement: it has no plain rendering, so only a schema-following model writes it;
        # a spec may say what the section states instead (e.g. consequences read off a calendar).
        if section.without_model is not None:
            section.without_model(plan)
        else:
            plan.spec.plans = []
    if completion_only(backend) and section.fewshot is None:
        # No few-shot examples for this section: a base model copies the wrong periods; keep it templated.
        plan.spec.model_plans = 0


def claim_id(claim: Claim, taken: set[str]) -> str:
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
            # Claim text may quote a scraped title, publisher or notice number: inert before any markup is added.
            claim.text = markup.text(claim.text)
            if highlight_all or p.takeaway:
                claim.text = render.highlight(claim.text, [facts[f] for f in claim.fact_ids if f in facts])
            parts.append(render.claim_markdown(claim))
        if parts:
            views.append({"title": markup.text(p.title), "text": "".join(parts), "source": markup.text(p.source),
                          "takeaway": p.takeaway})
    return views


def _context(spec: ReportSpec, inputs: Inputs, backend: LLMBackend) -> DraftContext:
    passages = list(inputs.retrieved.passages)
    statuses = {p.doc_id: inputs.retrieved.statuses.get(p.doc_id) or doc_status(p, inputs.retrieved.docs,
                                                                                inputs.period.end)
                for p in passages}
    provisions = {p.doc_id: list(inputs.retrieved.provisions.get(p.doc_id, [])) for p in passages}
    found = {e.ref.doc_id: e for e in (evidence(p, statuses.get(p.doc_id), provisions.get(p.doc_id))
                                       for p in passages)}
    return DraftContext(spec=spec, inputs=inputs, backend=backend, passages=passages, statuses=statuses,
                        evidence=found, provisions=provisions)


def _write_sections(ctx: DraftContext, timings: dict[str, float], versions: dict[str, str],
                    tokens: dict[str, int]) -> None:
    data_quality = {fid for flag in ctx.sheet.flags if flag.severity == "warn" for fid in flag.fact_ids}
    for section in ctx.spec.sections:
        plan = ctx.plans[section.key]
        request = section_request(plan, section, ctx.period, ctx.backend, versions)
        t0 = time.perf_counter()
        ctx.results[section.key] = write_section(plan.spec, request, ctx.backend, data_quality)
        timings[f"section.{section.key}"] = time.perf_counter() - t0
        tokens[section.key] = ctx.results[section.key].tokens


def _section_views(ctx: DraftContext, taken: set[str]) -> dict[str, dict[str, Any]]:
    by_id = ctx.by_id
    views: dict[str, dict[str, Any]] = {}
    for section in ctx.spec.sections:
        plan, section_claims = ctx.plans[section.key], ctx.results[section.key].claims
        for claim in section_claims:
            claim.id = claim_id(claim, taken)
        views[section.key] = {
            "paragraphs": _paragraph_views(plan, section_claims, by_id, highlight_all=section.highlight_all),
            "tables": [render.md_table(t.headers, t.rows) for t in plan.tables],
        }
        ctx.claims += section_claims
        for t in plan.tables:
            ctx.show({i: by_id[i] for i in t.fact_ids if i in by_id})
    return views


def draft(inputs: Inputs, backend: LLMBackend, output_dir: Path | None = None,
          spec: ReportSpec | str = DEFAULT_REPORT) -> DraftResult:
    """Write the ``spec`` report for ``inputs.period`` with ``backend``; files land in ``output_dir`` if given."""
    spec = get_report(spec) if isinstance(spec, str) else spec
    if inputs.period.kind != spec.period_kind:
        raise InputError(f"{spec.id} is drafted per {spec.period_kind}, not per {inputs.period.kind}")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    ctx = _context(spec, inputs, backend)
    for section in spec.sections:
        ctx.plans[section.key] = section.plan(ctx)
        _fit_to_backend(section, ctx.plans[section.key], backend)
    timings["plan_tables"] = time.perf_counter() - started

    versions: dict[str, str] = {}
    tokens: dict[str, int] = {}
    _write_sections(ctx, timings, versions, tokens)
    if not backend.capabilities.writes_prose:
        versions = {}
    if spec.amend is not None:
        spec.amend(ctx)

    taken: set[str] = set()
    views = _section_views(ctx, taken)
    for claim in spec.extra_claims(ctx) if spec.extra_claims is not None else []:
        claim.id = claim_id(claim, taken)
        ctx.claims.append(claim)
    by_id = ctx.by_id
    for claim in ctx.claims:
        attach_quotes(claim, ctx.provisions)
        ctx.show({i: by_id[i] for i in claim.fact_ids if i in by_id})
        ctx.docs.update({d: ctx.evidence[d].ref for d in claim.doc_ids if d in ctx.evidence})
    ctx.docs.update({d: e.ref for d, e in ctx.evidence.items()})

    parts = spec.compose(ctx)
    markdown = render.page({**parts.context, "sections": views}, spec.template)
    timings["total"] = time.perf_counter() - started

    name = spec.stem(inputs.period.id)
    md_path = output_dir / f"{name}.md" if output_dir else None
    sidecar = Sidecar(
        report=spec.id, period=inputs.period.id, report_path=str(md_path or f"{name}.md"),
        generated_at=datetime.now(UTC), backend=backend.name, model=backend.model, prompt_versions=versions,
        timings=timings, tokens=tokens, claims=ctx.claims, facts=ctx.facts_on_page, docs=ctx.docs,
        quality_flags=ctx.sheet.flags,
    )
    vouched = [v for e in ctx.evidence.values() for v in e.vouches] + [f.message_zh for f in ctx.sheet.flags]
    vouched += parts.vouched + page_dates(inputs)
    sidecar.vouched = list(dict.fromkeys(vouched))
    problems = untraced_numbers(markdown, sidecar, extra=sidecar.vouched)
    if problems:
        raise VerificationError(f"draft has numbers no fact or document accounts for: {problems[0]}")
    kept = sum(r.kept for r in ctx.results.values())
    replaced = sum(r.replaced for r in ctx.results.values())
    stats = {"kept": kept, "replaced": replaced,
             "sections": {s.key: {"seconds": timings[f"section.{s.key}"], "tokens": tokens[s.key]}
                          for s in spec.sections}}
    result = DraftResult(markdown=markdown, sidecar=sidecar, stats=stats)
    if output_dir is not None:
        result.markdown_path, result.sidecar_path = write_outputs(output_dir, name, markdown, sidecar)
    return result


def fact_sheet(spec: ReportSpec, store: Any, period: Period, *, comparison_only: bool = False) -> FactSheet:
    """The spec's fact sheet for ``period``; by default the sheet of the ISO week holding its last day.

    ``comparison_only``: the sheet is an earlier period's, read only by the comparison tables (see
    ``build_fact_sheet``); a spec with its own fact builder gets its full sheet."""
    if spec.facts is not None:
        sheet: FactSheet = spec.facts(store, period)
        return sheet
    from tools.facts.build import build_fact_sheet

    iso = period.end.isocalendar()
    return build_fact_sheet(store, f"{iso.year}-W{iso.week:02d}", comparison_only=comparison_only)


def page_dates(inputs: Inputs) -> list[str]:
    """Structural dates/labels every page may show (its period and neighbours, data fetch dates)."""
    p, sheet = inputs.period, inputs.sheet
    fetched = {f.source.fetched_at.date().isoformat() for f in sheet.facts if f.source}
    year = str(p.week.year) if p.week is not None else str(p.start.year)
    return [p.id, p.prev, p.year_ago, year, p.label_zh, p.start.isoformat(), p.end.isoformat(), *sorted(fetched)]


def write_outputs(output_dir: Path, name: str, markdown: str, sidecar: Sidecar) -> tuple[Path, Path]:
    """Markdown and ``<name>.json`` sidecar, each written atomically."""
    md_path, json_path = output_dir / f"{name}.md", output_dir / f"{name}.json"
    try:
        write_text_atomic(md_path, markdown)
        write_text_atomic(json_path, sidecar.model_dump_json(indent=2))
    except OSError as exc:
        raise AgentError(f"cannot write the draft to {output_dir}: {exc}") from exc
    return md_path, json_path


def inputs_for(period_text: str, sheet: FactSheet, prev: FactSheet | None = None,
               year_ago: FactSheet | None = None, retrieved: Retrieved | None = None,
               kind: str = "week") -> Inputs:
    return Inputs(period=parse_period(kind, period_text), sheet=sheet, prev_sheet=prev,  # type: ignore[arg-type]
                  year_ago_sheet=year_ago, retrieved=retrieved or Retrieved(status="empty", note=NOTE_NOT_CONSULTED))
