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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from agent.reports.policy_tracker import Month, Section, docs_of_month, quote, reference, source_zh
from tools.facts import make
from tools.facts.model import Basis, Fact, FactSheet, QualityFlag, SourceRef
from tools.facts.worldbank_facts import NOT_COVERED_ZH, WorldBankResult
from tools.metrics.census import month_index, period_of
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


def trend_facts(census: pd.DataFrame, cty: str, last: str, partner_zh: str,
                source: SourceRef | None = None) -> list[Fact]:
    """Balance of the last three months, of the three before, and the change: derived facts with their inputs."""
    end = month_index(last)
    cur = [period_of(i) for i in range(end - 2, end + 1)]
    prev = [period_of(i) for i in range(end - 5, end - 2)]
    part = census[census["cty_code"] == cty].set_index("period")
    if not set(cur + prev) <= set(part.index):
        return []
    bal = (part["exports_usd"] - part["imports_usd"]).astype(float)
    a, b = float(bal[cur].sum()), float(bal[prev].sum())
    if math.isnan(a) or math.isnan(b):
        return []
    subj = {"scheme": "census", "reporter": "842", "partner": cty, "partner_name": partner_zh, "flow": "balance"}
    src = source
    fact_a = make.usd_fact(
        id=f"census.{cty}.balance.3m.{cur[0]}_{cur[-1]}", kind="balance", value=a, magnitude=True,
        period=make.period(cur[0], cur[-1], Basis.WINDOW, f"{cur[0]} 至 {cur[-1]}"), subject=subj, source=src,
        label_zh=f"美國對{partner_zh}近三個月貿易{'逆差' if a < 0 else '順差'}",
    )
    fact_b = make.usd_fact(
        id=f"census.{cty}.balance.3m.{prev[0]}_{prev[-1]}", kind="balance", value=b, magnitude=True,
        period=make.period(prev[0], prev[-1], Basis.WINDOW, f"{prev[0]} 至 {prev[-1]}"), subject=subj, source=src,
        label_zh=f"美國對{partner_zh}前三個月貿易{'逆差' if b < 0 else '順差'}",
    )
    out = [fact_a, fact_b]
    if b != 0 and (a < 0) == (b < 0):
        change = (abs(a) - abs(b)) / abs(b) * 100.0
        out.append(make.pct_fact(
            id=f"census.{cty}.balance.3m_change.{cur[0]}_{cur[-1]}", kind="yoy", value=change, signed=True,
            period=fact_a.period, subject=subj, source=src, compares=[fact_a.id, fact_b.id],
            derived_from=[fact_a.id, fact_b.id], direction="up" if change > 0 else ("down" if change < 0 else "flat"),
            label_zh=f"美國對{partner_zh}近三個月{'逆差' if a < 0 else '順差'}較前三個月變動",
        ))
    return out


def _balance(facts: dict[str, Fact], fid: str, used: list[str]) -> str:
    """A balance cell: the magnitude's display with 逆差/順差 from the sign (the display itself is unsigned)."""
    if fid not in facts or facts[fid].value is None:
        return "—"
    used.append(fid)
    value = facts[fid].value or 0.0
    return f"{'逆差' if value < 0 else '順差'} {facts[fid].display}"


def _fact(facts: dict[str, Fact], fid: str, used: list[str]) -> str:
    if fid not in facts:
        return "—"
    used.append(fid)
    return facts[fid].display


def trade_section(inp: SupplyChainInputs) -> Section:
    """The month, Jan–N with same-basis change, three-month trend and the largest monthly deficit since the window start."""
    last = data_month(inp.sheet)
    section = Section("美國與各夥伴的貿易")
    if not last:
        section.lines.append("- 本月無已發布的美國普查局月度資料")
        return section
    facts = inp.sheet.by_id()
    y = last[:4]
    ytd = f"{y}-01_{last}"
    basis = "year" if last.endswith("-12") else "ytd"
    section.lines += [
        f"資料至 {int(y)} 年 {int(last[5:])} 月（美國普查局，依發布日程）。",
        "",
        "| 夥伴 | 當月 | 年初至今 | 同口徑年增 | 近三個月 | 較前三個月 | 單月最大逆差（資料期間內） |",
        "|---|---|---|---|---|---|---|",
    ]
    for cty in PARTNERS:
        name = next((f.subject.get("partner_name", cty) for f in inp.sheet.facts if f.subject.get("partner") == cty), "")
        if not name:
            continue
        tf = {i: f for i, f in {**facts, **{f.id: f for f in inp.extra}}.items()
              if i.startswith(f"census.{cty}.balance.3m")}
        trend = list(tf.values())
        used = section.fact_ids
        extreme = next((f for f in inp.sheet.facts if f.id.startswith(f"census.{cty}.balance.max_deficit.")), None)
        cells = [
            name,
            _balance(facts, f"census.{cty}.balance.month.{last}_{last}", used),
            _balance(facts, f"census.{cty}.balance.{basis}.{ytd}", used),
            _fact(facts, f"census.{cty}.balance.yoy.{ytd}", used),
            _balance(tf, next((i for i in tf if ".3m." in i), ""), used),
            _fact(tf, next((i for i in tf if ".3m_change." in i), ""), used),
            f"{extreme.display}（{extreme.subject.get('month', '')}，{extreme.period.start} 起）" if extreme else "—",
        ]
        if extreme:
            used.append(extreme.id)
        used += [f.id for f in trend if f.id not in used]
        section.lines.append("| " + " | ".join(cells) + " |")
    return section


def commodity_section(inp: SupplyChainInputs) -> Section:
    """Top HS2 chapters of US imports from each partner in the data month and their share (facts from ``hs_facts``)."""
    section = Section("商品結構（HS 章別）")
    last = data_month(inp.sheet)
    facts = {**inp.sheet.by_id(), **{f.id: f for f in inp.extra}}
    for cty in PARTNERS:
        values = [f for i, f in facts.items() if i.startswith(f"census_hs.{cty}.imports.HS2.") and ".share." not in i
                  and i.endswith(f".{last}")]
        if not values:
            continue
        values.sort(key=lambda f: -(f.value or 0.0))
        parts = []
        for value in values:
            share = facts.get(value.id.replace(f".{last}", f".share.{last}"))
            section.fact_ids += [value.id] + ([share.id] if share else [])
            parts.append(f"HS{value.subject['commodity']} {value.display}" + (f"（{share.display}）" if share else ""))
        section.lines.append(f"- {values[0].subject.get('partner_name', cty)}：" + "；".join(parts))
    if not section.lines:
        section.lines.append("- 本期無 HS 細項資料（可用 `agent fetch` 的 `--hs` 選項取得），本節從略")
    return section


def hs_facts(hs: pd.DataFrame | None, census: pd.DataFrame, sheet: FactSheet, top: int = 5) -> list[Fact]:
    """Top HS2 import chapters per partner in the data month, with their share of that month's imports."""
    last = data_month(sheet)
    if hs is None or hs.empty or not last:
        return []
    month = hs[(hs["period"] == last) & (hs["flow"] == "imports") & (hs["comm_lvl"] == "HS2")]
    totals = census[census["period"] == last].set_index("cty_code")["imports_usd"]
    out: list[Fact] = []
    per = make.period(last, last, Basis.MONTH, f"{int(last[:4])} 年 {int(last[5:])} 月")
    for cty in PARTNERS:
        rows = month[month["cty_code"] == cty].dropna(subset=["value_usd"]).nlargest(top, "value_usd")
        if rows.empty or cty not in totals.index or not totals[cty]:
            continue
        name = next((f.subject.get("partner_name", cty) for f in sheet.facts if f.subject.get("partner") == cty), cty)
        for r in rows.itertuples(index=False):
            subj = {"scheme": "census_hs", "partner": cty, "partner_name": name, "commodity": str(r.commodity)}
            value = make.usd_fact(id=f"census_hs.{cty}.imports.HS2.{r.commodity}.{last}", kind="imports",
                                  value=float(r.value_usd), period=per, subject=subj,
                                  label_zh=f"美國自{name}進口 HS{r.commodity}")
            share = make.pct_fact(id=f"census_hs.{cty}.imports.HS2.{r.commodity}.share.{last}", kind="share",
                                  value=float(r.value_usd) / float(totals[cty]) * 100.0, period=per, subject=subj,
                                  derived_from=[value.id, f"census.{cty}.imports.month.{last}_{last}"],
                                  label_zh=f"HS{r.commodity} 占美國自{name}進口比重")
            out += [value, share]
    return out


def derived_facts(sheet: FactSheet, census: pd.DataFrame, hs: pd.DataFrame | None = None) -> list[Fact]:
    """What the month adds to the shared fact sheet: three-month trends per partner and HS2 structure."""
    last = data_month(sheet)
    out: list[Fact] = []
    if last:
        upto = census[census["period"] <= last]
        for cty in PARTNERS:
            name = next((f.subject.get("partner_name", "") for f in sheet.facts if f.subject.get("partner") == cty), "")
            source = next((f.source for f in sheet.facts if f.subject.get("partner") == cty and f.source), None)
            if name:
                out += trend_facts(upto, cty, last, name, source)
    return out + hs_facts(hs, census, sheet)


def concentration_section(inp: SupplyChainInputs) -> Section:
    """HHI and top-3 share of each economy's export markets (Comtrade, latest available year)."""
    section = Section("出口市場集中度")
    year = inp.sheet.data_cutoff.get("comtrade")
    if not year:
        section.lines.append("- 無可用的 UN Comtrade 年度資料")
        return section
    facts = inp.sheet.by_id()
    section.lines += [f"UN Comtrade {year} 年出口（年度資料）。", "", "| 經濟體 | HHI | 集中程度 | 前三大市場占比 |",
                      "|---|---|---|---|"]
    for code, _iso in ECONOMIES:
        base = f"comtrade.{code}.X.{year}"
        if f"{base}.hhi" not in facts:
            continue
        name = facts[f"{base}.hhi"].subject.get("reporter_name", str(code))
        cells = [name] + [_fact(facts, f"{base}.{m}", section.fact_ids) for m in ("hhi", "hhi_band", "top3_share")]
        section.lines.append("| " + " | ".join(cells) + " |")
    if any(f.code == "synthetic_sample" for f in inp.sheet.flags):
        section.lines.append("\n注意：隨附樣本的 Comtrade 夥伴表為合成資料，集中度數字僅供示範，不可引用為統計。")
    return section


def macro_section(inp: SupplyChainInputs, years: int = 2) -> Section:
    """GDP growth and trade % of GDP for the last ``years`` published years, each labelled by its year."""
    section = Section("總體經濟背景（世界銀行，年度）")
    facts = {f.id: f for f in inp.worldbank.facts}
    published = sorted({int(f.period.start) for f in inp.worldbank.facts}, reverse=True)[:years]
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
            cells += [_fact(facts, f"worldbank.{iso3}.gdp_growth.{y}", section.fact_ids),
                      _fact(facts, f"worldbank.{iso3}.trade_pct_gdp.{y}", section.fact_ids)]
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
