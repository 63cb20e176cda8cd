"""Charts as data: which facts a chart draws, its text (title, alt, caption, labels), nothing drawn yet.

Why pure and separate from the drawing: what a chart *says* must pass the same number check as
the prose (every number in its title, alt text, caption and data labels is a display form of a
fact it draws, or that fact's period), and that is easy to test without a plotting library. The
y-axis tick values are a scale, not statements, and are the one text the check does not read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from agent.sidecar import ChartRef
from agent.verify import check_text
from tools.errors import VerificationError
from tools.facts.model import Fact

#: Values are plotted in this unit (億 = 10^8) so the axis reads like the prose.
YI = 1e8


@dataclass(frozen=True)
class Series:
    """One line or one group of bars: (x label, value, data label or "") per point."""

    name: str
    points: list[tuple[str, float, str]]


@dataclass(frozen=True)
class Chart:
    ref: ChartRef
    style: str  # "line" | "bars" | "hbars"
    y_label: str
    series: list[Series]
    facts: list[Fact] = field(default_factory=list)


def _month_zh(period: str) -> str:
    year, month = period.split("-")
    return f"{int(year)} 年 {int(month)} 月"


def _synthetic_note(facts: list[Fact]) -> str:
    """Synthetic sample data is said so on the chart's caption, as on the page."""
    for fact in facts:
        refs = getattr(fact, "sources", None) or ([fact.source] if getattr(fact, "source", None) else [])
        if any(getattr(ref, "synthetic", False) for ref in refs):
            return "（含合成樣本資料，僅供示範）"
    return ""


def codes_of(facts: Iterable[Fact]) -> list[str]:
    """Commodity codes name a fact (they are part of its subject), as a notice number names a document."""
    return [f"HS {f.subject['hs']}" for f in facts if f.subject.get("hs")]


def _checked(chart: Chart) -> Chart:
    """Refuse a chart whose text holds a number none of its facts accounts for."""
    text = "\n".join([chart.ref.title, chart.ref.alt, chart.ref.caption, *chart.ref.labels])
    problems = check_text(text, chart.facts, codes_of(chart.facts))
    if problems:
        raise VerificationError(f"chart {chart.ref.id}: {'; '.join(problems)}")
    return chart


def _ref(kind: str, chart_id: str, title: str, alt: str, caption: str, facts: list[Fact],
         labels: list[str]) -> ChartRef:
    return ChartRef(id=chart_id, kind=kind, file=f"charts/{chart_id}.svg", title=title, alt=alt, caption=caption,
                    fact_ids=[f.id for f in facts], labels=labels)


def balance_chart(monthly: Iterable[Fact]) -> Chart | None:
    """US monthly balance with each partner, every stored month (single-month facts, kind ``balance``)."""
    by_partner: dict[str, list[Fact]] = defaultdict(list)
    for fact in monthly:
        if fact.kind == "balance" and fact.value is not None and fact.period.start == fact.period.end:
            by_partner[fact.subject.get("partner_name", fact.subject.get("partner", ""))].append(fact)
    if not by_partner:
        return None
    series: list[Series] = []
    facts: list[Fact] = []
    labels: list[str] = []
    for name, rows in by_partner.items():
        rows.sort(key=lambda f: f.period.start)
        last = rows[-1]
        assert last.value is not None
        end_label = f"{name} {_month_zh(last.period.start)}{'逆差' if last.value < 0 else '順差'} {last.display}"
        labels.append(end_label)
        series.append(Series(name, [(f.period.start, float(f.value or 0) / YI, last.display if f is last else "")
                                    for f in rows]))
        facts += rows
    first = min(f.period.start for f in facts)
    end = max(f.period.start for f in facts)
    names = "、".join(by_partner)
    window = f"首月 {_month_zh(first)}、末月 {_month_zh(end)}"
    title = "美國對主要夥伴每月貿易差額"
    alt = (f"折線圖：美國對{names}的每月貿易差額，{window}；線在零以下為美方逆差。"
           + "；".join(labels) + "。")
    caption = (f"圖：美國對{names}每月貿易差額（{window}，單月數值，USD 億；負值為逆差）。"
               "資料來源：US Census Bureau 國際貿易 API。" + _synthetic_note(facts))
    labels += [s.name for s in series]
    return _checked(Chart(_ref("balance_monthly", "balance-monthly", title, alt, caption, facts, labels),
                          "line", "USD 億", series, facts))


def hhi_chart(hhi_facts: Iterable[Fact]) -> Chart | None:
    """Export-market HHI by economy and year (Comtrade single-year facts, kind ``hhi``)."""
    rows = [f for f in hhi_facts if f.kind == "hhi" and f.value is not None]
    if not rows:
        return None
    years = sorted({f.period.start for f in rows})
    economies = list(dict.fromkeys(f.subject.get("reporter_name", f.subject.get("reporter", "")) for f in rows))
    series: list[Series] = []
    labels: list[str] = []
    for year in years:
        points = []
        for economy in economies:
            fact = next((f for f in rows if f.period.start == year
                         and f.subject.get("reporter_name", f.subject.get("reporter")) == economy), None)
            if fact is None:
                continue
            points.append((economy, float(fact.value or 0), fact.display))
            labels.append(fact.display)
        series.append(Series(f"{year} 年", points))
    span = "、".join(f"{y} 年" for y in years)
    title = "出口市場集中度（HHI）"
    alt = (f"長條圖：{'、'.join(economies)}的出口市場集中度（HHI），{span}，各年分列；"
           + "；".join(f"{f.subject.get('reporter_name', '')} {f.period.start} 年 {f.display}" for f in rows) + "。")
    caption = (f"圖：各經濟體出口市場集中度（HHI，{span}，單一年度資料，不跨年加總；數值越高越集中）。"
               "資料來源：UN Comtrade。" + _synthetic_note(rows))
    labels += economies + [s.name for s in series]
    return _checked(Chart(_ref("hhi", "export-hhi", title, alt, caption, rows, labels), "bars", "HHI", series, rows))


def contribution_chart(contributions: Iterable[Fact]) -> Chart | None:
    """HS-chapter contributions to one change (facts of kind ``contribution``), largest first; facts of other
    changes than the first one given are left out.

    The facts are expected to say, in ``subject``, the chapter (``hs_name`` or ``hs``) and the
    change they contribute to (``change_label`` falls back to the fact's label); a sheet without
    such facts draws no chart.
    """
    rows = [f for f in contributions if f.kind == "contribution" and f.value is not None]
    if not rows:
        return None
    # one change only (the first fact's partner, flow and period): the caption names one change
    first = rows[0]
    rows = [f for f in rows if (f.subject.get("partner"), f.subject.get("flow"), f.period.end)
            == (first.subject.get("partner"), first.subject.get("flow"), first.period.end)]
    rows.sort(key=lambda f: abs(float(f.value or 0)), reverse=True)
    rows = rows[:10]
    points = [(f.subject.get("hs_name") or f"HS {f.subject.get('hs', '')}", float(f.value or 0) / YI
               if f.unit == "USD" else float(f.value or 0), f.display) for f in rows]
    unit = "USD 億" if rows[0].unit == "USD" else ("百分點" if rows[0].unit in ("pp", "pct") else rows[0].unit)
    period = rows[0].period.label_zh
    what = rows[0].subject.get("change_label", rows[0].label_zh)
    labels = [p[2] for p in points] + [p[0] for p in points]
    title = "各 HS 章對變動的貢獻"
    alt = f"橫條圖：{what}（{period}）按 HS 章分解；" + "；".join(f"{p[0]} {p[2]}" for p in points) + "。"
    caption = f"圖：{what}的 HS 章貢獻（{period}，與上年同期比較）。資料來源：US Census Bureau。" + _synthetic_note(rows)
    return _checked(Chart(_ref("hs_contribution", "hs-contribution", title, alt, caption, rows, labels),
                          "hbars", unit, [Series(what, points)], rows))
