"""Export-control policy tracker (出口管制政策追蹤): the month's documents from MOFCOM and the Federal Register.

Why pure section builders: the report-spec engine (issue 9) drafts, verifies, traces and
publishes any spec; this module only decides what each section of the tracker says, from
documents (``DocRecord``) and nothing else, so it can be tested without an index, a model
or a store. Every line cites the document it comes from (title, number, URL); a quote is
the document's own text, cut at sentence boundaries; no date is inferred (an FR document
whose answer carried no effective date says so).

Sections: the month's documents in date order with their key sentence quoted; controls at
month end (in force / not yet in force / suspended until / expired) with the change since the
previous month end; list changes (entities added/removed) by list and destination; the
calendar of effective, suspension-end and expiry dates still ahead; later developments known
at drafting (e.g. a suspension published after the month).
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from tools.facts import make
from tools.facts.key import Basis, FactKey
from tools.facts.model import Fact
from tools.sources.federal_register_text import list_changes
from vectorstore.inforce import starts_on, suspended_on
from vectorstore.models import DocRecord
from vectorstore.textclean import to_traditional

TITLE = "出口管制政策追蹤"
PARENT = "出口管制政策追蹤"
#: Categories that carry legal effect of their own (press answers and notes explain, they do not bind).
BINDING = ("notice", "law", "federal_register")
_KEY_SENTENCE = re.compile(r"[^。；\n]*(?:自[^。；\n]*起(?:正式)?实施|起施行|自公布之日起)[^。；\n]*[。；]?")
_COUNTRY_ZH = {"China": "中國", "Taiwan": "台灣", "Turkey": "土耳其", "United Arab Emirates": "阿聯酋", "India": "印度",
               "Iran": "伊朗", "Singapore": "新加坡", "Pakistan": "巴基斯坦", "Russia": "俄羅斯", "Burma": "緬甸",
               "South Africa": "南非", "Belarus": "白俄羅斯", "United States": "美國", "Japan": "日本"}
_LIST_ZH = {"Entity List": "實體清單（美國 BIS）", "Unverified List": "未經核實清單（美國 BIS）",
            "Military End-User List": "軍事最終用戶清單（美國 BIS）",
            "Export Control Control List": "出口管制管控名單（中國商務部）",
            "Unreliable Entity List": "不可靠實體清單（中國）"}
#: China's own lists as a MOFCOM notice's title names a listing: "将3家美国实体列入出口管制管控名单",
#: "将…等3家美国企业列入不可靠实体清单" (count, nationality, list, all in the notice's own words).
_MOFCOM_LISTING = re.compile(r"(?P<n>\d+)家(?P<who>[^\d家]{1,6}?)(?:实体|企业)(?P<verb>列入|移出)"
                             r"(?P<list>出口管制管控名单|不可靠实体清单)")
_MOFCOM_LISTS = {"出口管制管控名单": "Export Control Control List", "不可靠实体清单": "Unreliable Entity List"}
_MOFCOM_NATION = {"美国": "United States", "日本": "Japan", "台湾": "Taiwan"}


def mofcom_listings(doc: DocRecord) -> list[tuple[str, str, str, int]]:
    """(list, add|remove, country, count) a MOFCOM notice's title states; press answers about the same
    listing are left out, so a listing counts once."""
    if doc.source_kind == "federal_register" or doc.category != "notice":
        return []
    out = []
    for m in _MOFCOM_LISTING.finditer(doc.title_orig):
        country = _MOFCOM_NATION.get(m.group("who"), m.group("who"))
        out.append((_MOFCOM_LISTS[m.group("list")], "add" if m.group("verb") == "列入" else "remove", country,
                    int(m.group("n"))))
    return out


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        m = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", text.strip())
        if not m:
            raise ValueError(f"--month must look like YYYY-MM, got {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), 12 if self.month == 1 else self.month - 1)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label_zh(self) -> str:
        return f"{self.year} 年 {self.month} 月"


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    fact_ids: list[str] = field(default_factory=list)  # every figure in ``lines`` is the display of one of these


def source_zh(doc: DocRecord) -> str:
    if doc.source_kind == "federal_register":
        return "美國聯邦公報（BIS）"
    if doc.source_kind == "analyst_note":
        return "分析註記（非官方文本）"
    return "中國商務部"


def reference(doc: DocRecord) -> str:
    """Number and link a reader checks: FR citation + document number, or the MOFCOM notice number."""
    if doc.doc_number:
        number = f"{doc.citation}，文件號 {doc.doc_number}" if doc.citation else f"文件號 {doc.doc_number}"
    else:
        number = to_traditional(doc.notice_no) if doc.notice_no else "無公告編號"
    return f"{number}，[原文]({doc.url})" if doc.url else number


def key_sentence(doc: DocRecord) -> tuple[str, int, int]:
    """The document's own sentence worth quoting, with its offsets in the stored text.

    MOFCOM: the sentence stating when it applies; FR: the sentence stating a list change,
    else the first sentence of the abstract. Empty when the text has none. The offsets point
    into the stored (simplified) text; ``quote`` converts what the page shows to zh-Hant.
    """
    text = doc.text
    if doc.source_kind == "federal_register":
        changes = list_changes(text)
        if changes:
            return text[changes[0].start:changes[0].end].strip(), changes[0].start, changes[0].end
        body = text.split("\n\n", 1)
        if len(body) == 2 and body[1].strip():
            offset = len(body[0]) + 2
            first = re.match(r"[^.]+\.", body[1])
            end = offset + (first.end() if first else len(body[1]))
            return text[offset:end].strip(), offset, end
        return "", 0, 0
    m = _KEY_SENTENCE.search(text)
    return (m.group().strip(), m.start(), m.end()) if m else ("", 0, 0)


def quote(doc: DocRecord) -> str:
    """The key sentence as the page shows it (zh-Hant; English FR text unchanged)."""
    text = key_sentence(doc)[0]
    return to_traditional(text) if doc.source_kind != "federal_register" else text


def docs_of_month(docs: Sequence[DocRecord], month: Month) -> list[DocRecord]:
    """Every MOFCOM and Federal Register document published in the month, oldest first (notes excluded)."""
    picked = [d for d in docs if month.first <= d.publish_date <= month.last and d.source_kind != "analyst_note"]
    return sorted(picked, key=lambda d: (d.publish_date, d.source_kind != "mofcom", d.doc_number or d.doc_id))


def documents_section(docs: Sequence[DocRecord], month: Month) -> Section:
    section = Section(f"{month.label_zh}發布的文件")
    for doc in docs_of_month(docs, month):
        effective = ("生效日：" + "、".join(d.isoformat() for d in doc.effective_dates) if doc.effective_dates
                     else "生效日：擷取資料未載明")
        kind = f"（{doc.doc_type}）" if doc.doc_type else ""
        section.lines.append(f"- **{doc.publish_date.isoformat()}** {source_zh(doc)}{kind}：{doc.title}（{reference(doc)}）；{effective}")
        shown = quote(doc)
        if shown:
            section.lines.append(f"  > {shown}")
        section.doc_ids.append(doc.doc_id)
    if not section.lines:
        section.lines.append("- 本月沒有已擷取的文件")
    return section


def status_on(doc: DocRecord, day: date, docs: Sequence[DocRecord]) -> str:
    """'生效中' | '尚未生效（YYYY-MM-DD 起）' | '暫停至 YYYY-MM-DD（…）' | '已失效' on ``day``."""
    if doc.expires is not None and day > doc.expires:
        return "已失效"
    if doc.effective_dates and starts_on(doc) > day:
        return f"尚未生效（{starts_on(doc).isoformat()} 起）"
    pause = suspended_on(doc, day, docs)
    if pause is not None:
        until = f"暫停至 {pause.suspension_until.isoformat()}" if pause.suspension_until else "暫停中"
        return f"{until}（{to_traditional(pause.notice_no) if pause.notice_no else pause.title}）"
    if not doc.effective_dates:
        return "已發布（生效日未載明）"
    return "生效中"


def controls_section(docs: Sequence[DocRecord], month: Month) -> Section:
    """Binding documents published by month end: status then and at the previous month end."""
    section = Section(f"{month.label_zh}底的管制措施")
    before = month.previous().last
    binding = sorted((d for d in docs if d.category in BINDING and d.publish_date <= month.last
                      and (d.source_kind != "federal_register" or d.publish_date >= month.first)),
                     key=lambda d: (d.publish_date, d.doc_id))
    if not binding:
        section.lines.append("- 截至月底沒有已擷取的管制文件")
        return section
    section.lines += ["| 文件 | 來源 | 月底狀態 | 上月底狀態 |", "|---|---|---|---|"]
    for doc in binding:
        now, then = status_on(doc, month.last, docs), (
            status_on(doc, before, docs) if doc.publish_date <= before else "（尚未發布）")
        change = "" if now == then else "（本月變動）"
        section.lines.append(f"| {doc.title}（{reference(doc)}） | {source_zh(doc)} | {now}{change} | {then} |")
        section.doc_ids.append(doc.doc_id)
        # a status naming a suspension cites the document that declares it (the 2026-11 page showed the
        # October status "暫停至 2026-11-10" once the suspension had ended and nothing else cited the note)
        for day in (month.last, before):
            pause = suspended_on(doc, day, docs)
            if pause is not None and pause.doc_id not in section.doc_ids:
                section.doc_ids.append(pause.doc_id)
    return section


def list_change_facts(docs: Sequence[DocRecord], month: Month) -> tuple[list[Fact], list[str]]:
    """Entities added/removed per (list, action, destination) in the month, as count facts, and the documents used."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    used: list[str] = []
    for doc in docs_of_month(docs, month):
        for name, action, country, n in mofcom_listings(doc):
            counts[(name, action, country)] += n
            if doc.doc_id not in used:
                used.append(doc.doc_id)
        if doc.source_kind != "federal_register":
            continue
        for change in list_changes(doc.text):
            if doc.doc_id not in used:
                used.append(doc.doc_id)
            for country, n in change.by_country:
                counts[(change.list_name, change.action, country)] += n
    per = make.period(month.label, month.label, Basis.MONTH, month.label_zh)
    facts = []
    for (name, action, country), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1], -kv[1])):
        word = "新增" if action == "add" else "移除"
        slug = name.lower().replace(" ", "_").replace("-", "_")
        source = "mofcom" if name in _MOFCOM_LISTS.values() else "federal_register"
        key = FactKey(source=source, reporter=slug, partner=country.lower().replace(" ", "_"), flow=action,
                      measure="entities", basis=Basis.MONTH, start=month.label, end=month.label)
        facts.append(make.count_fact(
            key=key, kind="list_change",
            value=float(n), period=per, derived_from=used,
            subject={"scheme": source, "list": name, "action": action, "country": country},
            label_zh=f"{_LIST_ZH.get(name, name)}{word}{_COUNTRY_ZH.get(country, country)}實體筆數（{month.label_zh}）",
        ))
    return facts, used


def _cited_as(doc: DocRecord) -> str:
    """How the data note names a document: its FR citation, its MOFCOM notice number, else its title."""
    return doc.citation or to_traditional(doc.notice_no) or doc.title


def list_changes_section(docs: Sequence[DocRecord], month: Month) -> Section:
    """Entities added to / removed from each list in the month, by destination, as the abstracts state."""
    section = Section("清單異動（依清單與目的地）")
    facts, section.doc_ids = list_change_facts(docs, month)
    if not facts:
        section.lines.append("- 本月已擷取文件未載有清單新增或移除")
        return section
    section.lines += ["| 清單 | 異動 | 目的地 | 筆數 |", "|---|---|---|---|"]
    for f in facts:
        name, action, country = f.subject["list"], f.subject["action"], f.subject["country"]
        section.lines.append(f"| {_LIST_ZH.get(name, name)} | {'新增' if action == 'add' else '移除'} | "
                             f"{_COUNTRY_ZH.get(country, country)} | {f.display} |")
        section.fact_ids.append(f.id)
    cited = "、".join(_cited_as(next(d for d in docs if d.doc_id == i)) for i in section.doc_ids)
    section.lines.append(f"\n資料依據：{cited}（美國清單為聯邦公報摘要所列各目的地筆數；中國的清單為商務部公告標題所載家數，"
                         "目的地為所列實體的國別）。")
    return section


def calendar_section(docs: Sequence[DocRecord], month: Month) -> Section:
    """Effective, suspension-end and expiry dates after the month end, soonest first."""
    section = Section("後續日程")
    events: list[tuple[date, str, DocRecord]] = []
    for doc in docs:
        if doc.publish_date > month.last and doc.source_kind != "analyst_note":
            continue
        for day in doc.effective_dates:
            if day > month.last:
                events.append((day, "生效", doc))
        if doc.expires and doc.expires > month.last:
            events.append((doc.expires, "到期", doc))
        if doc.suspension_until and doc.suspension_until > month.last:
            events.append((doc.suspension_until, "暫停期滿", doc))
    for day, what, doc in sorted(events, key=lambda e: (e[0], e[2].doc_id)):
        if doc.source_kind == "analyst_note":  # a note's dates are those of the measure it summarises
            what = {"生效": "所述措施起始", "到期": "所述期間屆滿"}.get(what, what)
        section.lines.append(f"- {day.isoformat()}：{doc.title}{what}（{reference(doc)}）")
        if doc.doc_id not in section.doc_ids:
            section.doc_ids.append(doc.doc_id)
    if not section.lines:
        section.lines.append("- 月底之後沒有已知的生效或到期日")
    return section


def later_section(docs: Sequence[DocRecord], month: Month) -> Section:
    """Documents published after the month that suspend or amend one of the month's documents."""
    section = Section("月後發展（撰稿時已知）")
    keys = {d.notice_key for d in docs_of_month(docs, month) if d.notice_key}
    for doc in sorted(docs, key=lambda d: d.publish_date):
        if doc.publish_date <= month.last or not (set(doc.suspends) & keys):
            continue
        until = f"，暫停至 {doc.suspension_until.isoformat()}" if doc.suspension_until else ""
        section.lines.append(f"- {doc.publish_date.isoformat()} {source_zh(doc)}：{doc.title}（{reference(doc)}）{until}")
        section.doc_ids.append(doc.doc_id)
    if not section.lines:
        section.lines.append("- 撰稿時沒有已知的後續暫停或修訂")
    return section


def tracker_sections(docs: Sequence[DocRecord], month: Month) -> list[Section]:
    """Every section of the tracker for ``month``, in page order."""
    return [
        documents_section(docs, month),
        controls_section(docs, month),
        list_changes_section(docs, month),
        calendar_section(docs, month),
        later_section(docs, month),
    ]


def file_name(month: Month) -> str:
    return f"{month.label}-policy-tracker.md"


def render(docs: Sequence[DocRecord], month: Month, generated: date) -> str:
    """The whole tracker page (Jekyll front matter + sections); interpretation is left to flagged prose."""
    sections = tracker_sections(docs, month)
    front = [
        "---", "layout: default", f"title: {TITLE} {month.label_zh}", f"parent: {PARENT}",
        f"date: {generated.isoformat()}", f"report_month: {month.label}", "---", "",
        f"# {TITLE}：{month.label_zh}", "",
        "本頁依已擷取的中國商務部公告與美國聯邦公報（BIS）文件整理；引文為文件原文，政策解讀須經審閱。", "",
    ]
    body: list[str] = []
    for s in sections:
        body += [f"## {s.heading}", "", *s.lines, ""]
    return "\n".join(front + body)
