"""Context facts from the Census store: partner shares of all US trade, and revisions between vintages.

Ids:
  census.{cty}.{flow}.world_share.{basis}.{start}_{end}   partner share of US exports/imports to/from all countries
  census.-.{flow}.{basis}.{start}_{end}                   the all-countries total it is divided by
  census.revisions.{differing|revised|max_revision|max_difference}   the revision summary (counts, USD)
  census.{cty}.{flow}.revision.{YYYY-MM}                  one revision beyond rounding (old → new)

Why here: the total row and the vintages say how large and how settled a partner's figures
are; both are stated as facts so the page may cite them, and the revision summary tells
rounding (pages publish 0.1 M) from real revisions.
"""

from __future__ import annotations

import math

import pandas as pd

from tools import fmt
from tools.facts import make
from tools.facts.model import Basis, Fact, QualityFlag, SourceRef
from tools.metrics import revisions as rv
from tools.metrics.census import Range, current_range
from tools.metrics.world import WORLD, world_rows, world_shares

_FLOW_ZH = {"exports": "出口", "imports": "進口"}


def _what(flow: str, pzh: str) -> str:
    return f"美國對{pzh}出口" if flow == "exports" else f"美國自{pzh}進口"


def latest_world_range(census: pd.DataFrame, last_period: str) -> Range | None:
    """Jan–N of the latest year in which the all-countries total has every month (up to the cut-off)."""
    world = world_rows(census)
    world = world[(world["period"] <= last_period)].dropna(subset=["imports_usd", "exports_usd"], how="all")
    if world.empty:
        return None
    have = set(world["period"].astype(str).unique())
    latest = str(world["period"].max())
    rng = current_range(latest)
    while rng.start >= str(world["period"].min()):
        months = [f"{rng.start[:4]}-{m:02d}" for m in range(1, int(rng.end[5:]) + 1)]
        if all(m in have for m in months):
            return rng
        prev = f"{int(rng.start[:4]) - 1}-12"
        rng = current_range(prev)
    return None


def world_share_facts(census: pd.DataFrame, last_period: str, names: dict[str, str],
                      src: SourceRef | None) -> list[Fact]:
    """Each partner's share of all US exports and imports for the latest period the total row covers."""
    rng = latest_world_range(census, last_period)
    if rng is None:
        return []
    shares = world_shares(census[census["period"] <= last_period], rng)
    per = make.period(rng.start, rng.end, rng.basis, rng.label_zh)
    ref = _world_source(census, rng) or src
    out: list[Fact] = []
    for flow in ("exports", "imports"):
        world_value = float(shares[f"{flow}_world"].iloc[0]) if len(shares) else math.nan
        world_id = f"census.{WORLD}.{flow}.{rng.basis}.{rng.key}"
        if math.isnan(world_value):
            continue
        out.append(make.usd_fact(
            id=world_id, kind="world_total", value=world_value, period=per, source=ref,
            subject={"scheme": "census", "reporter": "842", "reporter_name": "美國", "partner": WORLD,
                     "partner_name": "全球", "flow": flow},
            label_zh=f"美國{'對全球出口' if flow == 'exports' else '自全球進口'}（所有國家合計）",
        ))
        for cty, row in shares.iterrows():
            share = row[f"{flow}_share"]
            if pd.isna(share) or str(cty) not in names:
                continue
            pzh = names[str(cty)]
            out.append(make.pct_fact(
                id=f"census.{cty}.{flow}.world_share.{rng.basis}.{rng.key}", kind="world_share", value=float(share),
                period=per, source=ref, derived_from=[world_id],
                subject={"scheme": "census", "reporter": "842", "reporter_name": "美國", "partner": str(cty),
                         "partner_name": pzh, "flow": flow},
                label_zh=f"{_what(flow, pzh)}占美國{_FLOW_ZH[flow]}總額的比重",
                note_zh=f"{_what(flow, pzh)}（{fmt.usd(float(row[flow]))}）÷ 所有國家合計（{fmt.usd(world_value)}）",
            ))
    return out


def _world_source(census: pd.DataFrame, rng: Range) -> SourceRef | None:
    rows = world_rows(census)
    rows = rows[(rows["period"] >= rng.start) & (rows["period"] <= rng.end)]
    if rows.empty:
        return None
    r = rows.sort_values("fetched_at").iloc[-1]
    return make.source_ref("census", str(r["source_url"]), r["fetched_at"].to_pydatetime(), str(r["vintage"]),
                           bool(rows["synthetic"].any()))


def revision_facts(revisions: pd.DataFrame, cutoff: str, names: dict[str, str],
                   src: SourceRef | None) -> tuple[list[Fact], list[QualityFlag]]:
    """The revision summary (rounding told apart) and one fact per month revised beyond rounding."""
    if revisions is None or revisions.empty:
        return [], []
    summary = rv.summarise(revisions[revisions["period"] <= cutoff])
    if summary.differing == 0:
        return [], []
    months = sorted(set(revisions["period"].astype(str).unique()))
    per = make.period(months[0], months[-1], Basis.WINDOW, f"{months[0]} 至 {months[-1]}")
    sub = {"scheme": "census", "reporter": "842"}
    facts = [
        make.count_fact(id="census.revisions.differing", kind="revision_count", value=summary.differing, period=per,
                        subject=sub, source=src, label_zh="美國普查局月度數值在兩個版本間不同的筆數（國別×月份×流向）"),
        make.count_fact(id="census.revisions.revised", kind="revision_count", value=summary.revised, period=per,
                        subject=sub, source=src, label_zh="其中超出發布單位四捨五入、屬實質修正的筆數"),
        make.usd_fact(id="census.revisions.max_difference", kind="revision", value=summary.max_abs_difference,
                      period=per, subject=sub, source=src, label_zh="兩版本間最大差異（絕對值）"),
        make.usd_fact(id="census.revisions.rounding", kind="revision", value=summary.rounding_usd, period=per,
                      subject=sub, source=src, label_zh="發布單位四捨五入可造成的最大差異"),
    ]
    if summary.revised:
        facts.append(make.usd_fact(id="census.revisions.max_revision", kind="revision",
                                   value=summary.max_abs_revision, period=per, subject=sub, source=src,
                                   label_zh="實質修正的最大幅度（絕對值）"))
    for r in summary.revised_rows.itertuples(index=False):
        cty, p, flow = str(r.cty_code), str(r.period), str(r.flow)
        y, m = p.split("-")
        facts.append(make.usd_fact(
            id=f"census.{cty}.{flow}.revision.{p}", kind="revision", value=float(r.new_value) - float(r.old_value),
            period=make.period(p, p, Basis.MONTH, f"{y} 年 {int(m)} 月"), source=src,
            subject={"scheme": "census", "reporter": "842", "partner": cty, "partner_name": names.get(cty, cty),
                     "flow": flow, "old_vintage": str(r.old_vintage), "new_vintage": str(r.new_vintage)},
            label_zh=f"{_what(flow, names.get(cty, cty))} {p} 數據修正幅度",
            note_zh=f"由 {float(r.old_value):,.0f} 修正為 {float(r.new_value):,.0f} 美元",
        ))
    months_rev = len(summary.periods)
    if summary.revised:
        text = (f"美國普查局較早版本與最新版本相比，{fmt.count(months_rev)} 個月份有實質修正"
                f"（{fmt.count(summary.revised)} 筆，最大 {fmt.usd(summary.max_abs_revision)}）；另有 "
                f"{fmt.count(summary.differing - summary.revised)} 筆差異僅為四捨五入；本報採用最新版本")
    else:
        text = (f"美國普查局資料的不同版本間，{months[0]} 至 {months[-1]} 有 {fmt.count(summary.differing)} "
                f"筆月度數值不同，最大差異 {fmt.usd(summary.max_abs_difference)}，均在發布單位四捨五入範圍內"
                f"（不超過 {fmt.usd(summary.rounding_usd)}），沒有月份被實質修正；本報採用最新版本")
    flag = QualityFlag(code="revision", severity="info", subject={"scheme": "census"},
                       fact_ids=[f.id for f in facts], message_zh=text)
    return facts, [flag]
