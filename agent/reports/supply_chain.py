"""Monthly supply-chain analysis (供應鏈分析報告): section builders over facts and documents.

Why pure builders over the shared producers: the weekly briefing, the monthly reports and the
chat must state the same figure the same way, so the trade numbers come from the same fact
sheet the briefing builds (``build_fact_sheet`` for the week holding the report month's last
day: same release calendar, same same-basis rules), the macro context from the World Bank
producer, the policy lines from the tracker's document rules. What is new here is only what a
month needs: the three-month trend (a derived fact with its inputs) and the page's sections.
Every number in a section is the display of a fact whose id the section lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from agent.reports.policy_tracker import Month, Section, docs_of_month, quote, reference, source_zh
from tools.facts.model import Basis, Fact, FactSheet, QualityFlag
from tools.facts.worldbank_facts import NOT_COVERED_ZH, WorldBankResult
from vectorstore.models import DocRecord

TITLE = "供應鏈分析報告"
PARENT = "供應鏈分析報告"
#: Partners in page order (Schedule C codes): China, Taiwan, Japan, South Korea, Germany.
PARTNERS = ("5700", "5830", "5880", "5800", "4280")
#: Economies of the concentration and macro sections (Comtrade codes / ISO3).
ECONOMIES = ((842, "USA"), (156, "CHN"), (392, "JPN"), (410, "KOR"), (276, "DEU"), (490, "TWN"))


@dataclass
class SupplyChainInputs:
    month: Month
    sheet: FactSheet
    census: pd.DataFrame | None  # store.census_monthly(), latest vintage (only to derive facts)
    worldbank: WorldBankResult
    docs: Sequence[DocRecord] = ()
    hs: pd.DataFrame | None = None  # store.census_hs("HS2"): optional commodity detail
    extra: list[Fact] = field(default_factory=list)  # derived here (three-month trend, commodity shares)


def data_month(sheet: FactSheet) -> str:
    return sheet.data_cutoff.get("census", "")


def _one(facts: Sequence[Fact], **key: object) -> Fact | None:
    """The figure whose key matches every given field (page-level views excluded)."""
    return next((f for f in facts if not f.key.view and all(getattr(f.key, k) == v for k, v in key.items())), None)


def _all(inp: SupplyChainInputs) -> list[Fact]:
    return [*inp.sheet.facts, *inp.extra, *inp.worldbank.facts]


def _balance(fact: Fact | None, used: list[str]) -> str:
    """A balance cell: the magnitude's display with 逆差/順差 from the sign (the display itself is unsigned)."""
    if fact is None or fact.value is None:
        return "—"
    used.append(fact.id)
    return f"{'逆差' if fact.value < 0 else '順差'} {fact.display}"


def _fact(fact: Fact | None, used: list[str]) -> str:
    if fact is None:
        return "—"
    used.append(fact.id)
    return fact.display


def trade_section(inp: SupplyChainInputs) -> Section:
    """The month, Jan–N with same-basis change, three-month trend and the largest monthly deficit since the window start."""
    last = data_month(inp.sheet)
    section = Section("美國與各夥伴的貿易")
    if not last:
        section.lines.append("- 本月無已發布的美國普查局月度資料")
        return section
    facts = _all(inp)
    y = last[:4]
    basis = Basis.YEAR if last.endswith("-12") else Basis.YTD
    section.lines += [
        f"資料至 {int(y)} 年 {int(last[5:])} 月（美國普查局，依發布日程）。",
        "",
        "| 夥伴 | 當月 | 年初至今 | 同口徑年增 | 近三個月 | 較前三個月 | 單月最大逆差（資料期間內） |",
        "|---|---|---|---|---|---|---|",
    ]
    for cty in PARTNERS:
        balance = {"source": "census", "partner": cty, "flow": "balance"}
        month = _one(facts, **balance, measure="value", basis=Basis.MONTH, start=last, end=last)
        if month is None:
            continue
        used = section.fact_ids
        extreme = _one(facts, **balance, measure="max_deficit")
        trend = _one(facts, **balance, measure="3m", end=last)
        change = _one(facts, **balance, measure="3m_change", end=last)
        cells = [
            month.subject.get("partner_name", cty),
            _balance(month, used),
            _balance(_one(facts, **balance, measure="value", basis=basis, start=f"{y}-01", end=last), used),
            _fact(_one(facts, **balance, measure="yoy", start=f"{y}-01", end=last), used),
            _balance(trend, used),
            _fact(change, used),
            f"{extreme.display}（{extreme.subject.get('month', '')}，{extreme.period.start} 起）" if extreme else "—",
        ]
        if extreme:
            used.append(extreme.id)
        if change is not None:
            used += [i for i in change.compares if i not in used]  # both windows the change compares
        section.lines.append("| " + " | ".join(cells) + " |")
    return section


def commodity_section(inp: SupplyChainInputs) -> Section:
    """Top HS2 chapters of US imports from each partner in the data month and their share (facts from ``hs_facts``)."""
    section = Section("商品結構（HS 章別）")
    last = data_month(inp.sheet)
    facts = _all(inp)
    for cty in PARTNERS:
        values = [f for f in facts if f.key.source == "census" and f.key.partner == cty and f.key.commodity
                  and f.key.flow == "imports" and f.key.measure == "value" and f.key.end == last]
        if not values:
            continue
        values.sort(key=lambda f: -(f.value or 0.0))
        parts = []
        for value in values:
            share = _one(facts, **{**value.key.model_dump(exclude={"measure"}), "measure": "share"})
            section.fact_ids += [value.id] + ([share.id] if share else [])
            parts.append(f"HS{value.key.commodity} {value.display}" + (f"（{share.display}）" if share else ""))
        section.lines.append(f"- {values[0].subject.get('partner_name', cty)}：" + "；".join(parts))
    if not section.lines:
        section.lines.append("- 本期無 HS 細項資料（可用 `agent fetch` 的 `--hs` 選項取得），本節從略")
    return section


def concentration_section(inp: SupplyChainInputs) -> Section:
    """HHI and top-3 share of each economy's export markets (Comtrade, latest available year)."""
    section = Section("出口市場集中度")
    year = inp.sheet.data_cutoff.get("comtrade")
    if not year:
        section.lines.append("- 無可用的 UN Comtrade 年度資料")
        return section
    facts = _all(inp)
    section.lines += [f"UN Comtrade {year} 年出口（年度資料）。", "", "| 經濟體 | HHI | 集中程度 | 前三大市場占比 |",
                      "|---|---|---|---|"]
    for code, _iso in ECONOMIES:
        series = {"source": "comtrade", "reporter": str(code), "flow": "X", "start": year}
        hhi = _one(facts, **series, measure="hhi")
        if hhi is None:
            continue
        cells = [hhi.subject.get("reporter_name", str(code))]
        cells += [_fact(_one(facts, **series, measure=m), section.fact_ids) for m in ("hhi", "hhi_band", "top3_share")]
        section.lines.append("| " + " | ".join(cells) + " |")
    if any(f.code == "synthetic_sample" for f in inp.sheet.flags):
        section.lines.append("\n注意：隨附樣本的 Comtrade 夥伴表為合成資料，集中度數字僅供示範，不可引用為統計。")
    return section


def macro_section(inp: SupplyChainInputs, years: int = 2) -> Section:
    """GDP growth and trade % of GDP for the last ``years`` published years, each labelled by its year."""
    section = Section("總體經濟背景（世界銀行，年度）")
    facts = inp.worldbank.facts
    published = sorted({int(f.period.start) for f in facts}, reverse=True)[:years]
    if not published:
        section.lines.append("- 無可用的世界銀行指標")
        return section
    head = " | ".join(f"GDP 成長率 {y} 年 | 貿易占 GDP {y} 年" for y in sorted(published))
    section.lines += [f"| 經濟體 | {head} |", "|---" * (1 + 2 * len(published)) + "|"]
    for _code, iso3 in ECONOMIES:
        if iso3 == "TWN":
            continue
        cells = []
        for y in sorted(published):
            for measure in ("gdp_growth", "trade_pct_gdp"):
                cells.append(_fact(_one(facts, source="worldbank", reporter=iso3, measure=measure, start=str(y)),
                                   section.fact_ids))
        name = next((f.subject["economy_name"] for f in inp.worldbank.facts if f.subject.get("economy") == iso3), iso3)
        section.lines.append(f"| {name} | " + " | ".join(cells) + " |")
    section.lines.append(f"\n{NOT_COVERED_ZH}。")
    return section


def policy_section(inp: SupplyChainInputs) -> Section:
    """The report month's documents from both sources, each with its own key sentence quoted."""
    section = Section(f"{inp.month.label_zh}政策動態")
    for doc in docs_of_month(inp.docs, inp.month):
        if doc.category == "press" and not doc.notice_no:
            continue  # spokesperson answers explain measures; the tracker lists them
        section.lines.append(f"- {doc.publish_date.isoformat()} {source_zh(doc)}：{doc.title}（{reference(doc)}）")
        shown = quote(doc)
        if shown:
            section.lines.append(f"  > {shown}")
        section.doc_ids.append(doc.doc_id)
    if not section.lines:
        section.lines.append("- 本月沒有已擷取的管制文件")
    return section


def mirror_section(inp: SupplyChainInputs) -> Section:
    section = Section("鏡像核對")
    gaps = [f for f in inp.sheet.facts if f.kind == "mirror_gap"]
    for f in gaps[:8]:
        section.lines.append(f"- {f.label_zh}：{f.display}")
        section.fact_ids.append(f.id)
    if not gaps:
        section.lines.append("- 無可比對的雙邊資料")
    return section


def watch_section(inp: SupplyChainInputs) -> Section:
    """Dates ahead (effective, suspension end) from the documents, soonest first."""
    from agent.reports.policy_tracker import calendar_section

    cal = calendar_section(inp.docs, inp.month)
    return Section("後續觀察", cal.lines[:6], cal.doc_ids[:6])


def limits_section(inp: SupplyChainInputs) -> Section:
    flags: list[QualityFlag] = [*inp.sheet.flags, *inp.worldbank.flags]
    lines = list(dict.fromkeys(f"- {f.message_zh}" for f in flags if f.code != "missing_year"))
    return Section("已知限制", lines or ["- 無"])


def sections(inp: SupplyChainInputs) -> list[Section]:
    return [trade_section(inp), commodity_section(inp), concentration_section(inp), macro_section(inp), policy_section(inp),
            mirror_section(inp), watch_section(inp), limits_section(inp)]


def file_name(month: Month) -> str:
    return f"{month.label}-supply-chain-analysis.md"


def render(inp: SupplyChainInputs, generated: date) -> str:
    front = ["---", "layout: default", f"title: {TITLE} {inp.month.label_zh}", f"parent: {PARENT}",
             f"date: {generated.isoformat()}", f"report_month: {inp.month.label}", "---", "",
             f"# {TITLE}：{inp.month.label_zh}", ""]
    body: list[str] = []
    for s in sections(inp):
        body += [f"## {s.heading}", "", *s.lines, ""]
    return "\n".join(front + body)
