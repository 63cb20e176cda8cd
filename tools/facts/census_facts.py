"""Facts from US Census monthly bilateral data: period sums, same-basis YoY, latest month, extremes.

Ids (the contract D/E/F consume):
  census.{cty}.{exports|imports|balance}.{ytd|year|month}.{YYYY-MM}_{YYYY-MM}
  census.{cty}.{flow}.yoy.{YYYY-MM}_{YYYY-MM}            (range of the *current* fact)
  census.{cty}.balance.{max_deficit|max_surplus}.{window_start}_{window_end}
Subject: scheme='census', reporter='842', reporter_name='美國', partner=<cty>, partner_name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from tools import fmt
from tools.countries import name_zh
from tools.facts import make
from tools.facts.key import FactKey, fact_id
from tools.facts.model import Basis, Fact, QualityFlag, SourceRef
from tools.metrics import census as cm
from tools.metrics import growth

US = "842"
US_ZH = "美國"


@dataclass
class CensusResult:
    facts: list[Fact] = field(default_factory=list)
    flags: list[QualityFlag] = field(default_factory=list)
    headline: dict[str, str] = field(default_factory=dict)  # cty -> current balance fact id


def _label(flow: str, partner_zh: str, value: float | None) -> str:
    if flow == "exports":
        return f"美國對{partner_zh}出口"
    if flow == "imports":
        return f"美國自{partner_zh}進口"
    word = fmt.balance_word(value) if value is not None and not math.isnan(value) else "貿易差額"
    return f"美國對{partner_zh}貿易{word}" if word in ("逆差", "順差") else f"美國對{partner_zh}貿易差額"


def _sources(df: pd.DataFrame) -> dict[str, dict[str, list[SourceRef]]]:
    """Per country and flow, the queries its newest month came from (all values are from the latest vintage).

    Exports and imports are separate Census queries: each flow cites its own URL when the
    store keeps it; a balance is exports minus imports, so it cites both.
    """
    latest = df.sort_values(["cty_code", "fetched_at", "period"]).drop_duplicates("cty_code", keep="last")
    synthetic = df.groupby("cty_code")["synthetic"].any()
    out: dict[str, dict[str, list[SourceRef]]] = {}
    for r in latest.to_dict("records"):
        cty = str(r["cty_code"])
        refs: dict[str, SourceRef] = {}
        for flow in ("exports", "imports"):
            url = r.get(f"{flow}_source_url")
            url = str(url) if isinstance(url, str) and url and url != "nan" else str(r["source_url"])
            window = r.get(f"{flow}_window")
            refs[flow] = make.source_ref("census", url, r["fetched_at"].to_pydatetime(), str(r["vintage"]),
                                         bool(synthetic[r["cty_code"]]), dataset=_text(r.get("dataset")), flow=flow,
                                         window=_text(window), reporter=US)
        both = [refs["exports"]] + ([refs["imports"]] if refs["imports"].url != refs["exports"].url else [])
        out[cty] = {"exports": [refs["exports"]], "imports": [refs["imports"]], "balance": both}
    return out


def _text(value: object) -> str:
    """A stored text cell ('' for a missing one: answers stored before provenance was recorded)."""
    return value if isinstance(value, str) and value != "nan" else ""


def _months_zh(months: list[str]) -> str:
    if len(months) <= 6:
        return " " + "、".join(months) + " "
    return f" {months[0]} 至 {months[-1]} 間 {len(months)} 個月"


def _subject(cty: str, partner_zh: str, **extra: str) -> dict[str, str]:
    return {"scheme": "census", "reporter": US, "reporter_name": US_ZH, "partner": cty, "partner_name": partner_zh,
            **extra}


def census_key(cty: str, flow: str, rng: cm.Range, measure: str = "value") -> FactKey:
    """The key of a Census figure of US trade with ``cty`` over ``rng``."""
    return FactKey(source="census", reporter=US, partner=cty, flow=flow, measure=measure, basis=Basis(rng.basis),
                   start=rng.start, end=rng.end)


def _value_facts(cty: str, pzh: str, rng: cm.Range, sums: Mapping[str, Any],
                 src: Mapping[str, list[SourceRef]]) -> list[Fact]:
    out = []
    per = make.period(rng.start, rng.end, rng.basis, rng.label_zh)
    for flow in cm.FLOWS:
        v = sums.get(flow)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        out.append(make.usd_fact(
            key=census_key(cty, flow, rng), kind=flow, value=v, period=per,
            subject=_subject(cty, pzh, flow=flow), label_zh=_label(flow, pzh, v), sources=src[flow],
            magnitude=(flow == "balance"),
        ))
    return out


def _yoy_facts(cty: str, pzh: str, rng: cm.Range, row: Mapping[str, Any],
               srcs: Mapping[str, list[SourceRef]]) -> list[Fact]:
    out = []
    for flow in cm.FLOWS:
        fact = change_fact(cty, pzh, flow, rng, row[f"{flow}_cur"], row[f"{flow}_base"], srcs[flow])
        if fact is not None:
            out.append(fact)
    return out


def change_fact(cty: str, pzh: str, flow: str, rng: cm.Range, cur_v: float, base_v: float,
                sources: list[SourceRef]) -> Fact | None:
    """The same-basis change of ``flow`` over ``rng`` against the same months a year earlier.

    The one rule for the briefing and the chat: a flow grows or falls by a percentage; a
    balance's magnitude widens or narrows, and a balance that changes sign is stated as
    由順差轉為逆差 (a text fact), never as a percentage. None when the base is missing or zero.
    """
    if cur_v is None or base_v is None or math.isnan(cur_v) or math.isnan(base_v):
        return None
    base = rng.year_before()
    per = make.period(rng.start, rng.end, rng.basis, rng.label_zh)
    cur_id = fact_id(census_key(cty, flow, rng))
    base_id = fact_id(census_key(cty, flow, base))
    common: dict[str, Any] = dict(
        key=census_key(cty, flow, rng, "yoy"), kind="yoy", period=per, sources=sources,
        compares=[cur_id, base_id], derived_from=[cur_id, base_id],
        subject=_subject(cty, pzh, flow=flow, base_period=base.key),
        note_zh=f"與 {base.label_zh} 同口徑比較",
    )
    kind: Literal["balance", "flow"] = "balance" if flow == "balance" else "flow"
    ch = growth.change(cur_v, base_v, kind)
    if ch.sign_flip:
        text = f"由{fmt.balance_word(base_v)}轉為{fmt.balance_word(cur_v)}"
        return make.text_fact(text=text, label_zh=f"美國對{pzh}貿易差額變化（較 {base.label_zh}）", **common)
    if ch.pct is None:
        return None
    word = fmt.direction_word(ch.pct, kind)
    return make.pct_fact(
        value=ch.pct, signed=True, direction=ch.direction,
        label_zh=f"{_label(flow, pzh, cur_v)}年增率（{rng.label_zh}較 {base.label_zh}，{word}）", **common,
    )


def _extreme_facts(cty: str, pzh: str, ext: Mapping[str, Any], src: list[SourceRef]) -> list[Fact]:
    out = []
    ws, we = str(ext["window_start"]), str(ext["window_end"])
    per = make.period(ws, we, Basis.WINDOW, f"{ws} 至 {we}")
    since = f"{ws[:4]} 年" if ws.endswith("-01") else ws  # "2013 年以來" when the window opens in January
    for name, value, month, word in (
        ("max_deficit", ext["min_value"], ext["min_period"], "逆差"),
        ("max_surplus", ext["max_value"], ext["max_period"], "順差"),
    ):
        if (name == "max_deficit" and value >= 0) or (name == "max_surplus" and value <= 0):
            continue
        out.append(make.usd_fact(
            key=FactKey(source="census", reporter=US, partner=cty, flow="balance", measure=name, basis=Basis.WINDOW,
                        start=ws, end=we), kind="monthly_extreme", value=value, period=per,
            subject=_subject(cty, pzh, flow="balance", month=str(month), extreme=name),
            label_zh=f"美國對{pzh}單月貿易{word}（{month}，{since}以來最大）", sources=src, magnitude=True,
            note_zh=f"比較範圍為資料庫內連續月份 {ws} 至 {we}（共 {int(ext['months'])} 個月），非歷史紀錄",
        ))
    return out


#: Relative difference between our Jan–N sum and Census's own year-to-date value that is flagged.
YTD_TOLERANCE = 0.001


def _ytd_crosscheck(df: pd.DataFrame, rng: cm.Range, yoy: Mapping[str, Mapping[str, Any]]) -> list[QualityFlag]:
    """Compare our Jan–N sums with the year-to-date values Census publishes (ALL_VAL_YR/GEN_VAL_YR)."""
    if "exports_ytd_usd" not in df.columns:
        return []
    last = df[df["period"] == rng.end]
    flags = []
    for r in last.to_dict("records"):
        cty = str(r["cty_code"])
        pzh = name_zh(cty, scheme="census", fallback=str(r["cty_name"]).title())
        for flow in ("exports", "imports"):
            published, ours = r.get(f"{flow}_ytd_usd"), yoy.get(cty, {}).get(f"{flow}_cur")
            if published is None or ours is None or pd.isna(published) or pd.isna(ours) or not published:
                continue
            if abs(ours - published) / abs(published) > YTD_TOLERANCE:
                flags.append(QualityFlag(
                    code="ytd_mismatch", severity="warn", subject=_subject(cty, pzh, flow=flow),
                    message_zh=(f"美國{'對' if flow == 'exports' else '自'}{pzh}{'出口' if flow == 'exports' else '進口'}"
                                f"逐月加總 {fmt.usd(ours)} 與普查局公布之年初至今累計 "
                                f"{fmt.usd(published)} 不符，請檢查是否缺月或修正"),
                ))
    return flags


def _partner_names(df: pd.DataFrame) -> dict[str, str]:
    """zh-Hant name per Census country code; the API's own name (title case) where the table has none."""
    names = df.drop_duplicates("cty_code").set_index("cty_code")["cty_name"]
    return {str(c): name_zh(str(c), scheme="census", fallback=str(n).title()) for c, n in names.items()}


def headline_facts(monthly: pd.DataFrame, last_period: str) -> CensusResult:
    """Only the current-range balance per country: what another week's sheet led with."""
    res = CensusResult()
    df = cm.with_balance(cm.up_to(monthly, last_period))
    if df.empty:
        return res
    rng = cm.current_range(str(df["period"].max()))
    srcs = _sources(df)
    names = _partner_names(df)
    sums = cm.range_sums(df, rng).to_dict("index")
    for cty, row in sums.items():
        cty = str(cty)
        pzh = names[cty]
        facts = [f for f in _value_facts(cty, pzh, rng, row, srcs[cty]) if f.kind == "balance"]
        if facts:
            res.facts += facts
            res.headline[cty] = facts[0].id
    return res


def census_facts(monthly: pd.DataFrame, last_period: str) -> CensusResult:
    """All Census facts for the months up to ``last_period`` (the week's cut-off)."""
    res = CensusResult()
    df = cm.with_balance(cm.up_to(monthly, last_period))
    if df.empty:
        return res
    latest = str(df["period"].max())
    rng = cm.current_range(latest)
    mrng = cm.month_range(latest)
    srcs = _sources(df)
    names = _partner_names(df)
    yoy = cm.same_basis_yoy(df, rng).to_dict("index")
    myoy = cm.same_basis_yoy(df, mrng).to_dict("index")
    base_sums = cm.range_sums(df, rng.year_before()).to_dict("index")
    mbase_sums = cm.range_sums(df, mrng.year_before()).to_dict("index")
    ext = cm.monthly_extremes(df).to_dict("index")
    gaps = cm.missing_months(df, rng)
    base_gaps = cm.missing_months(df, rng.year_before())
    for cty in sorted(df["cty_code"].unique()):
        cty = str(cty)
        pzh = names[cty]
        src = srcs[cty]
        row = yoy[cty]
        res.facts += _value_facts(cty, pzh, rng, {f: row[f"{f}_cur"] for f in cm.FLOWS}, src)
        if cty in base_sums:
            res.facts += _value_facts(cty, pzh, rng.year_before(), base_sums[cty], src)
        res.facts += _yoy_facts(cty, pzh, rng, row, src)
        mrow = myoy[cty]
        res.facts += _value_facts(cty, pzh, mrng, {f: mrow[f"{f}_cur"] for f in cm.FLOWS}, src)
        if cty in mbase_sums:
            res.facts += _value_facts(cty, pzh, mrng.year_before(), mbase_sums[cty], src)
        res.facts += _yoy_facts(cty, pzh, mrng, mrow, src)
        if cty in ext:
            res.facts += _extreme_facts(cty, pzh, ext[cty], src["balance"])
        if not math.isnan(row["balance_cur"]):
            res.headline[cty] = fact_id(census_key(cty, "balance", rng))
        missing = gaps.get(cty, []) + base_gaps.get(cty, [])
        if missing:
            res.flags.append(QualityFlag(
                code="missing_month", severity="warn", subject=_subject(cty, pzh),
                message_zh=f"美國對{pzh}缺少{_months_zh(missing)}的資料，相關累計與年增率未計算",
            ))
    res.flags += _ytd_crosscheck(df, rng, yoy)
    if rng.basis == "ytd":
        res.flags.append(QualityFlag(
            code="partial_year", severity="info", subject={"scheme": "census", "period": rng.key},
            message_zh=(f"美國普查局資料僅至 {latest}：{rng.label_zh}為年初至今累計（非全年），"
                        f"年增率與 {rng.year_before().label_zh}同口徑比較"),
        ))
    if bool(df["synthetic"].any()):
        res.flags.append(QualityFlag(
            code="synthetic_sample", severity="warn", subject={"scheme": "census"},
            message_zh="美國普查局資料含合成樣本（非官方數據），僅供展示",
        ))
    return res


# --- on demand (chat): the same facts for any partner, flow and months the store holds ---------------
def range_of(start: str, end: str) -> cm.Range:
    """The Census range ``start``..``end`` (YYYY-MM) with its basis: a month, Jan–Dec (year), Jan–N (ytd)
    or any other window."""
    if start == end:
        return cm.Range(start, end, Basis.MONTH.value)
    if start.endswith("-01") and start[:4] == end[:4]:
        return cm.Range(start, end, (Basis.YEAR if end.endswith("-12") else Basis.YTD).value)
    return cm.Range(start, end, Basis.WINDOW.value)


def _partner_rows(monthly: pd.DataFrame, cty: str) -> pd.DataFrame:
    return cm.with_balance(monthly[monthly["cty_code"].astype(str) == cty])


def sum_fact(monthly: pd.DataFrame, cty: str, flow: str, start: str, end: str,
             partner_zh: str | None = None) -> Fact | None:
    """exports/imports/balance of US trade with ``cty`` over ``start``..``end``; None unless every month is stored."""
    rows = _partner_rows(monthly, cty)
    if rows.empty:
        return None
    rng = range_of(start, end)
    sums = cm.range_sums(rows, rng)
    if cty not in sums.index.astype(str):
        return None
    row = sums.loc[sums.index.astype(str) == cty].iloc[0]
    pzh = partner_zh or _partner_names(rows)[cty]
    facts = _value_facts(cty, pzh, rng, {flow: row[flow]}, _sources(rows)[cty])
    return facts[0] if facts else None


def month_facts(monthly: pd.DataFrame, cty: str, flow: str, partner_zh: str | None = None) -> list[Fact]:
    """``sum_fact`` of every stored month of ``cty`` at once, oldest first (months without the flow skipped).

    Why a batch: a chart draws each partner's whole history (144 months since 2013); asking ``sum_fact``
    month by month re-filtered the table every time and was most of a draft's deterministic time.
    """
    rows = _partner_rows(monthly, cty)
    if rows.empty:
        return []
    pzh = partner_zh or _partner_names(rows)[cty]
    src = _sources(rows)[cty]
    facts: list[Fact] = []
    for period, value in rows.sort_values("period")[["period", f"{flow}_usd"]].itertuples(index=False):
        facts += _value_facts(cty, pzh, cm.month_range(str(period)), {flow: value}, src)
    return facts


def yoy_fact(monthly: pd.DataFrame, current: Fact) -> Fact | None:
    """The same-basis change of a Census sum fact against the same months a year earlier (sheet rule)."""
    key = current.key
    rng = range_of(key.start, key.end)
    base = sum_fact(monthly, key.partner, key.flow, rng.year_before().start, rng.year_before().end,
                    current.subject.get("partner_name"))
    if base is None or current.value is None or base.value is None:
        return None
    rows = _partner_rows(monthly, key.partner)
    return change_fact(key.partner, current.subject.get("partner_name") or key.partner, key.flow, rng,
                       current.value, base.value, _sources(rows)[key.partner][key.flow])


def extreme_fact(monthly: pd.DataFrame, cty: str, flow: str, start: str, end: str, partner_zh: str, *,
                 lowest: bool = False) -> tuple[Fact, Fact] | None:
    """The month with the largest deficit (or largest flow) in the window — with ``lowest``, the smallest
    deficit (lowest flow) — and that month's own fact."""
    rows = _partner_rows(monthly, cty)
    rows = rows[(rows["period"] >= start) & (rows["period"] <= end)]
    col = f"{flow}_usd"
    rows = rows.dropna(subset=[col])
    if rows.empty:
        return None
    want_min = (flow == "balance") != lowest  # a deficit is negative: the largest one is the minimum
    pick = rows.loc[rows[col].idxmin()] if want_min else rows.loc[rows[col].idxmax()]
    month = str(pick["period"])
    monthly_fact = sum_fact(monthly, cty, flow, month, month, partner_zh)
    if monthly_fact is None or monthly_fact.value is None:
        return None
    first, last = str(rows["period"].min()), str(rows["period"].max())
    if flow == "balance":
        name, what = ("min_deficit", "單月最小逆差") if lowest else ("max_deficit", "單月最大逆差")
    else:
        name = f"{'min' if lowest else 'max'}_{flow}"
        what = f"單月最{'低' if lowest else '高'}{'出口' if flow == 'exports' else '進口'}"
    window = range_of(first, last)
    fact = make.usd_fact(
        key=FactKey(source="census", reporter=US, partner=cty, flow=flow, measure=name, basis=Basis.WINDOW,
                    start=first, end=last),
        kind="monthly_extreme", value=monthly_fact.value, magnitude=(flow == "balance"),
        period=make.period(first, last, Basis.WINDOW, window.label_zh),
        subject={**monthly_fact.subject, "month": month, "extreme": name}, label_zh=f"美國對{partner_zh}{what}",
        sources=monthly_fact.sources, derived_from=[monthly_fact.id],
    )
    return fact, monthly_fact
