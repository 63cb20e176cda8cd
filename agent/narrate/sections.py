"""Plan the briefing from the fact sheet: which sentences each section needs and which tables.

Why plans: each sentence the page needs is decided here from the facts (with its plain
rendering as the fallback), before any model is involved. A model may phrase the section
better, but cannot add a statement the plan and the facts do not support. Tables are built
here too, straight from fact display strings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agent.llm import FactLine, PassageView, SentencePlan
from agent.sidecar import DocRef
from agent.verify import to_traditional
from tools import markup
from tools.facts.model import Fact, FactSheet

from . import drivers as dv
from . import facts_view as fv
from .policy_scope import consequences, scope_line, upcoming_dates
from .policy_status import DocStatus
from .provenance import Link, fact_links, links_markdown
from .register_abstract import abstract_line
from .sentences import (
    change_sentence,
    change_word,
    concentration_sentence,
    extreme_sentence,
    month_label,
    policy_sentence,
    publisher_name,
    spaced,
    top_partners_sentence,
)
from .writer import DocEvidence, SectionSpec

ANALYST_NOTE = "分析師筆記（非官方文本）"


@dataclass
class Paragraph:
    title: str
    plan_keys: list[str]
    fact_ids: list[str]
    source: str
    takeaway: bool = False
    doc_ids: list[str] = field(default_factory=list)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    fact_ids: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass
class SectionPlan:
    spec: SectionSpec
    prompt: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    calendar: list[SentencePlan] = field(default_factory=list)  # offline consequences (impact part only)
    vouched: list[str] = field(default_factory=list)  # computed strings those sentences show (weeks left)


def fact_line(fact: Fact, current: Fact | None = None) -> FactLine:
    word = change_word(fact, current) if fact.direction and current is not None else ""
    return FactLine(id=fact.id, label=fact.label_zh, period=fact.period.label_zh, display=fact.display,
                    direction_word=word)


def source_line(facts: list[Fact]) -> str:
    """'（來源：…）' naming each dataset once with its fetch date; synthetic data says so."""
    seen: dict[str, str] = {}
    for fact in facts:
        if fact.source is None:
            continue
        ds = fact.source.dataset
        name = "US Census Bureau 國際貿易 API" if ds.startswith("census") else (
            "UN Comtrade" if ds.startswith("comtrade") else (
                "台灣財政部海關進出口貿易初步統計" if ds.startswith("taiwan_mof") else ds))
        note = f"擷取於 {fact.source.fetched_at.date().isoformat()}"
        if fact.source.synthetic:
            note += "，合成樣本"
        seen.setdefault(name, note)
    return "；".join(f"{k}，{v}" for k, v in seen.items())


def _change_plan(key: str, ch: fv.Change) -> SentencePlan:
    facts = [ch.current] + ([ch.base] if ch.base else []) + [ch.change]
    return SentencePlan(key=key, facts=tuple(fact_line(f, ch.current) for f in facts), fallback=change_sentence(ch))


def _ids(ch: fv.Change) -> list[str]:
    return [f.id for f in (ch.current, ch.base, ch.change) if f is not None]


def _facts(sheet: FactSheet, ids: list[str]) -> list[Fact]:
    by_id = sheet.by_id()
    return [by_id[i] for i in ids if i in by_id]


def _spec(key: str, plans: list[SentencePlan], sheet: FactSheet, **kw: object) -> SectionSpec:
    ids = {f.id for p in plans for f in p.facts}
    facts = {f.id: f for f in sheet.facts if f.id in ids}
    return SectionSpec(key=key, plans=plans, facts=facts, **kw)  # type: ignore[arg-type]


def headline_partners(sheet: FactSheet) -> list[str]:
    """Census partners ordered by the size of their balance change (the week's biggest story first)."""
    def size(cty: str) -> float:
        ch = fv.census_change(sheet, cty, "balance")
        return abs(ch.change.value or 0.0) if ch else 0.0
    return sorted(fv.census_partners(sheet), key=size, reverse=True)


def summary_section(sheet: FactSheet) -> SectionPlan:
    plans, paragraphs = [], []
    for cty in headline_partners(sheet)[:3]:
        ch = fv.census_change(sheet, cty, "balance")
        if ch:
            plans.append(_change_plan(f"summary.{cty}", ch))
    if plans:
        ids = [f.id for p in plans for f in p.facts]
        paragraphs.append(Paragraph("", [p.key for p in plans], ids, source_line(_facts(sheet, ids)), takeaway=True))
    return SectionPlan(_spec("summary", plans, sheet, max_sentences=6), "summary", paragraphs)


def _census_table(sheet: FactSheet, flow: str, partners: list[str]) -> Table | None:
    rows, ids = [], []
    header_cur = header_base = ""
    for cty in partners:
        ch = fv.census_change(sheet, cty, flow)
        if ch is None:
            continue
        header_cur, header_base = ch.current.period.label_zh, ch.base.period.label_zh if ch.base else "上年同期"
        rows.append([fv.partner_name(ch.current), ch.current.display, ch.base.display if ch.base else "—",
                     ch.change.display])
        ids += _ids(ch)
    if not rows:
        return None
    word = {"exports": "出口", "imports": "進口", "balance": "貿易差額"}[flow]
    return Table([f"夥伴（美國{word}）", header_cur, header_base, "同期比較"], rows, ids)


def exports_section(sheet: FactSheet) -> SectionPlan:
    plans: list[SentencePlan] = []
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    partners = fv.census_partners(sheet)
    for cty in partners:
        ch = fv.census_change(sheet, cty, "exports")
        if ch is None:
            continue
        plan = _change_plan(f"exports.{cty}", ch)
        plans.append(plan)
        paragraphs.append(Paragraph(f"美國對{fv.partner_name(ch.current)}出口", [plan.key], _ids(ch),
                                    source_line([ch.current])))
    census_table = _census_table(sheet, "exports", partners)
    if census_table:
        tables.append(census_table)
    rows, ids = [], []
    for ry in fv.reporter_years(sheet, "X"):
        text = top_partners_sentence(ry)
        tops = ry.top_partners(3)
        share = ry.facts.get("top3_share")
        if text and share is not None:
            plan_facts = [f for value, sh in tops for f in (value, sh) if f is not None] + [share]
            plan = SentencePlan(key=f"exports.comtrade.{ry.reporter}", facts=tuple(fact_line(f) for f in plan_facts),
                                fallback=text)
            plans.append(plan)
            paragraphs.append(Paragraph(f"{ry.name}出口市場", [plan.key], [f.id for f in plan_facts],
                                        source_line(plan_facts)))
            hhi = ry.facts.get("hhi")
            rows.append([ry.name, "、".join(fv.partner_name(v) for v, _ in tops), share.display,
                         hhi.display if hhi else "—", share.period.label_zh])
            ids += [share.id] + ([hhi.id] if hhi else [])
    if rows:
        tables.append(Table(["報告國", "前三大出口市場", "前三大市場占比", "HHI", "資料年度"], rows, ids))
    return SectionPlan(_spec("exports", plans, sheet), "exports", paragraphs, tables)


def imports_section(sheet: FactSheet) -> SectionPlan:
    plans: list[SentencePlan] = []
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    partners = fv.census_partners(sheet)
    top = headline_partners(sheet)[:1]
    explained = headline_partners(sheet)[:dv.EXPLAINED_PARTNERS]
    for cty in partners:
        keys, ids = [], []
        name = ""
        for flow in ("imports", "balance"):
            ch = fv.census_change(sheet, cty, flow)
            if ch is None:
                continue
            name = fv.partner_name(ch.current)
            plan = _change_plan(f"imports.{cty}.{flow}", ch)
            plans.append(plan)
            keys.append(plan.key)
            ids += _ids(ch)
        extreme = fv.monthly_extreme(sheet, cty)
        if extreme is not None and extreme.value is not None and extreme.value < 0:
            plan = SentencePlan(key=f"imports.{cty}.extreme", facts=(fact_line(extreme),),
                                fallback=extreme_sentence(extreme))
            plans.append(plan)
            keys.append(plan.key)
            ids.append(extreme.id)
        if keys:  # what drove the change (own period), share of all US trade, the partner's own statistics
            for more, more_ids in (dv.drivers_plans(sheet, cty) if cty in explained else ([], []),
                                   dv.world_share_plan(sheet, cty), dv.mirror_plan(sheet, cty)):
                plans += more
                keys += [m.key for m in more]
                ids += more_ids
            paragraphs.append(Paragraph(f"美國自{name}進口與貿易差額", keys, ids, source_line(_facts(sheet, ids)),
                                        takeaway=cty in top))
    for flow in ("imports", "balance"):
        table = _census_table(sheet, flow, partners)
        if table:
            tables.append(table)
    for cty in explained:
        headers, rows, table_ids = dv.drivers_table(sheet, cty)
        if rows:
            tables.append(Table(headers, rows, table_ids))
    rows, ids = [], []
    for ry in fv.reporter_years(sheet, "M"):
        tops = ry.top_partners(1)
        if tops:
            value, share = tops[0]
            rows.append([ry.name, fv.partner_name(value), value.display, share.display if share else "—",
                         value.period.label_zh])
            ids += [value.id] + ([share.id] if share else [])
    if rows:
        tables.append(Table(["報告國", "最大進口來源", "進口額", "占比", "資料年度"], rows, ids))
    return SectionPlan(_spec("imports", plans, sheet), "imports", paragraphs, tables)


def concentration_section(sheet: FactSheet) -> SectionPlan:
    plans, paragraphs, rows, ids = [], [], [], []
    for ry in fv.reporter_years(sheet, "X"):
        hhi, band, share, count = (ry.facts.get(k) for k in ("hhi", "hhi_band", "top3_share", "partner_count"))
        if hhi is None:
            continue
        before = fv.previous_year(sheet, ry, "hhi")
        rows.append([ry.name, hhi.display, band.display if band else "—", share.display if share else "—",
                     count.display if count else "—", before.display if before else "—"])
        ids += [f.id for f in (hhi, band, share, count, before) if f is not None]
        text = concentration_sentence(ry)
        if text and band is not None and count is not None:
            plan = SentencePlan(key=f"concentration.{ry.reporter}", facts=tuple(fact_line(f) for f in (hhi, band, count)),
                                fallback=text)
            plans.append(plan)
    if plans:
        pids = [f.id for p in plans for f in p.facts]
        paragraphs.append(Paragraph("", [p.key for p in plans], pids, source_line(_facts(sheet, pids))))
    tables = [Table(["報告國", "HHI", "集中度", "前三大市場占比", "夥伴數", "前一年 HHI"], rows, ids)] if rows else []
    return SectionPlan(_spec("concentration", plans, sheet), "concentration", paragraphs, tables)


_VOUCHED_KINDS = ("date", "notice", "control_code", "hs_code", "entity", "end_use", "item")


def provision_vouches(provisions: list[Any]) -> list[str]:
    """Provision values a sentence about the document may show (original and zh-Hant spelling)."""
    out = []
    for p in provisions:
        if p.kind in _VOUCHED_KINDS:
            out += [p.value, to_traditional(p.value)] + ([p.code] if p.code else [])
    return out


def evidence(passage: object, status: DocStatus | None = None, provisions: list[Any] | None = None) -> DocEvidence:
    """A retrieved passage as a citation (title in zh-Hant, what it vouches for)."""
    p = passage
    published: date = p.publish_date  # type: ignore[attr-defined]
    effective: list[date] = list(getattr(p, "effective_dates", []) or [])
    ref = DocRef(doc_id=p.doc_id, title=p.title, date=published.isoformat(), url=p.url,  # type: ignore[attr-defined]
                 passage=p.text)  # type: ignore[attr-defined]
    # Dates, notice number and title only: figures inside the passage body are not vouched for, so an
    # instruction or a number planted in a document cannot reach the page through a citation. The
    # index's status metadata (expiry, a suspension and the notice declaring it) is vouched as well.
    extra = ([d.isoformat() for d in status.dates()] + [status.notice_no, status.suspended_by, status.citation]
             if status else [])
    vouches = [published.isoformat(), *[d.isoformat() for d in effective], getattr(p, "notice_no", ""),
               p.title, getattr(p, "title_orig", ""), doc_publisher(p), *extra]  # type: ignore[attr-defined]
    vouches += provision_vouches(provisions or [])
    return DocEvidence(ref=ref, vouches=[v for v in dict.fromkeys(vouches) if v], provisions=list(provisions or []))


def _status_note(passage: object, status: DocStatus) -> str:
    """The index metadata a model may restate about a document (shown beside its text in the prompt)."""
    parts = [ANALYST_NOTE] if getattr(passage, "category", "") == "analyst_note" else []
    notice = to_traditional(getattr(passage, "notice_no", "") or "")
    parts += [f"公告編號：{notice}"] if notice else []
    parts += [f"聯邦公報：{status.citation}"] if status.citation and not notice else []
    parts += ["生效日：" + "、".join(d.isoformat() for d in status.effective)] if status.effective else []
    parts += [f"有效至：{status.expires.isoformat()}"] if status.expires else []
    if status.suspended_until is not None:
        parts.append(f"暫停實施至 {status.suspended_until.isoformat()}（依{status.suspended_by}）")
    if status.suspends_until is not None:
        parts.append(f"所列公告暫停實施至 {status.suspends_until.isoformat()}")
    return "；".join(parts)


def _effective_cell(status: DocStatus) -> str:
    parts = ["、".join(d.isoformat() for d in status.effective)]
    if status.suspended_until is not None:
        parts.append(f"暫停實施至 {status.suspended_until.isoformat()}")
    if status.suspends_until is not None:
        parts.append(f"所列公告暫停至 {status.suspends_until.isoformat()}")
    return "；".join(p for p in parts if p) or "—"


def doc_publisher(passage: object) -> str:
    """Who published a document, as the page credits it (analyst notes never pass as official text)."""
    if getattr(passage, "category", "") == "analyst_note":
        return ANALYST_NOTE
    return publisher_name(getattr(passage, "publisher", "")) or "中國商務部出口管制資訊網"


def policy_section(sheet: FactSheet, passages: list[object], statuses: dict[str, DocStatus] | None = None,
                   day: date | None = None, provisions: dict[str, list[Any]] | None = None,
                   ) -> tuple[SectionPlan, SectionPlan]:
    """(document statements, flagged impact part). Both cite retrieved documents only.

    Each document gets its metadata sentence (published, notice, effective, suspension) and, when
    its provisions name a measure, a scope sentence (what, to whom, from when) restating them.
    """
    statuses = statuses or {}
    provisions = provisions or {}
    docs = {e.ref.doc_id: e for e in (evidence(p, statuses.get(p.doc_id), provisions.get(p.doc_id))  # type: ignore[attr-defined]
                                      for p in passages)}
    plans, paragraphs, impact_plans = [], [], []
    rows = []
    titles = Counter(e.ref.title for e in docs.values())
    for p in passages:
        e = docs[p.doc_id]  # type: ignore[attr-defined]
        status = statuses.get(e.ref.doc_id) or DocStatus(effective=list(getattr(p, "effective_dates", []) or []))
        # documents the register titles alike are told apart by their citation in the heading and the table
        heading = (f"{e.ref.title}（{status.citation}）" if titles[e.ref.title] > 1 and status.citation
                   else e.ref.title)
        published = date.fromisoformat(e.ref.date)
        scope = scope_line(p, provisions.get(e.ref.doc_id, []))
        note = _status_note(p, status)
        if scope is not None:  # what the extracted provisions say the measure does (restatable as written)
            note = "；".join(x for x in (note, f"條文要點：{scope.text.rstrip('。')}") if x)
        view = PassageView(doc_id=e.ref.doc_id, title=e.ref.title, date=e.ref.date, text=e.ref.passage[:600],
                           status=note)
        fallback = policy_sentence(e.ref.title, published, getattr(p, "publisher", ""), status, day or published,
                                   note=getattr(p, "category", "") == "analyst_note", doc_type=getattr(p, "doc_type", ""))
        plan = SentencePlan(key=f"policy.{e.ref.doc_id}", facts=(), fallback=fallback, doc_ids=(e.ref.doc_id,),
                            passage=view)
        plans.append(plan)
        keys = [plan.key]
        if scope is not None:
            plans.append(SentencePlan(key=f"policy.{e.ref.doc_id}.scope", facts=(), fallback=markup.text(scope.text),
                                      doc_ids=(e.ref.doc_id,), passage=view))
            keys.append(plans[-1].key)
        if (abstract := abstract_line(p)) is not None:  # a register rule in its own words, marked as the original
            plans.append(SentencePlan(key=f"policy.{e.ref.doc_id}.abstract", facts=(), fallback=markup.text(abstract),
                                      doc_ids=(e.ref.doc_id,), passage=view))
            keys.append(plans[-1].key)
        publisher = markup.text(doc_publisher(p))
        paragraphs.append(Paragraph(markup.text(heading), keys, [], f"{publisher}，發布於 {e.ref.date}",
                                    doc_ids=[e.ref.doc_id]))
        impact_plans.append(SentencePlan(key=f"impact.{e.ref.doc_id}", facts=(), fallback="",
                                         doc_ids=(e.ref.doc_id,), passage=view))
        rows.append([markup.text(heading), e.ref.date, _effective_cell(status),
                     markup.link("原文", e.ref.url) if markup.safe_url(e.ref.url) else "—"])
    spec = SectionSpec(key="policy", plans=plans, facts={}, docs=docs, policy=True)
    impact_facts = {f.id: f for cty in headline_partners(sheet)[:2]
                    if (ch := fv.census_change(sheet, cty, "balance")) for f in (ch.current, ch.change)}
    impact_spec = SectionSpec(key="policy_impact", plans=impact_plans, facts=impact_facts, docs=docs, policy=True,
                              speculative=True, max_sentences=3)
    follows = consequences(passages, provisions, statuses, day or date.today())
    calendar = [SentencePlan(key=f"impact.{c.doc_id}.{i}", facts=(), fallback=c.text, doc_ids=(c.doc_id,))
                for i, c in enumerate(follows)]
    tables = [Table(["文件", "發布日期", "生效日期", "來源"], rows, [])] if rows else []
    impact = SectionPlan(impact_spec, "policy_impact", calendar=calendar, vouched=[v for c in follows for v in c.vouched])
    return SectionPlan(spec, "policy", paragraphs, tables), impact


@dataclass
class WatchItem:
    title: str
    text: str
    basis: str
    fact_ids: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    provision_ids: list[str] = field(default_factory=list)


def watchlist(sheet: FactSheet, passages: list[object], week_end: date,
              provisions: dict[str, list[Any]] | None = None,
              statuses: dict[str, DocStatus] | None = None) -> list[WatchItem]:
    """Items to keep an eye on, each with the facts/documents it rests on (no model involved)."""
    items: list[WatchItem] = []
    changes = [ch for cty in fv.census_partners(sheet) for flow in ("balance", "imports", "exports")
               if (ch := fv.census_change(sheet, cty, flow))]
    changes.sort(key=lambda ch: abs(ch.change.value or 0.0), reverse=True)
    for ch in changes[:2]:
        items.append(WatchItem(
            title=f"{ch.current.label_zh}{change_word(ch.change, ch.current)}",
            text=f"{ch.current.period.label_zh}為 {ch.current.display}，同期比較 {ch.change.display}。",
            basis=links_markdown(fact_links(ch.current, sheet)), fact_ids=[ch.current.id, ch.change.id]))
    for cty in fv.census_partners(sheet)[:3]:
        extreme = fv.monthly_extreme(sheet, cty)
        month = extreme.subject.get("month", "") if extreme else ""
        if extreme and month and month >= extreme.period.end[:4]:
            items.append(WatchItem(
                title=f"{extreme.label_zh}",
                text=spaced(extreme.period.label_zh, "期間最高為 ", month_label(month), "的 ", extreme.display, "。"),
                basis=links_markdown(fact_links(extreme, sheet)), fact_ids=[extreme.id]))
            break
    words = {"effective": "生效日為", "expiry": "有效期至", "suspension": "暫停期至"}
    for when in upcoming_dates(passages, provisions or {}, statuses or {}, week_end):
        text = spaced(words.get(when.role, "日期為"), " ", when.day.isoformat(), "，請追蹤執行情況。")
        items.append(WatchItem(title=markup.text(when.title), text=text,
                               basis=Link(f"「{when.title}」", when.url).markdown() if when.url else
                               f"「{markup.text(when.title)}」",
                               doc_ids=[when.doc_id], provision_ids=when.provision_ids))
    return items
