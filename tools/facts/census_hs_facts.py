"""Facts from Census HS detail: what drove a partner's change (contribution of each HS chapter).

Ids (printable names; the subject carries the key):
  census.{cty}.{flow}.hs2.total.{basis}.{start}_{end}        partner total summed from the HS table
  census.{cty}.{flow}.hs2.change.{start}_{end}               its change against the same months a year earlier
  census.{cty}.{flow}.hs2.{ch}.{basis}.{start}_{end}         a chapter's value (current and base period)
  census.{cty}.{flow}.hs2.{ch}.change.{start}_{end}          the chapter's contribution to the change (USD)
  census.{cty}.{flow}.hs2.{ch}.contrib_share.{start}_{end}   its share of the total change (percent)
  census.{cty}.{flow}.hs2.{ch}.share.{start}_{end}           its share of the partner total (percent)
  census.{cty}.{flow}.hs2.other.{change|contrib_share}.…     every other chapter, folded (so the table adds up)
  hs.HS2.{ch}                                                the chapter code and its zh-Hant name
  cutoff.census_hs                                           the last month with commodity detail

Why a separate producer: commodity detail stops earlier than the country totals (the bundled
pull ends 2024-12 while totals run into 2025), so every fact here carries its own period and
the page must say where the detail stops; the totals here are the HS table's own sums, never
mixed with the country totals of another vintage.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from tools.countries import name_zh
from tools.facts import make
from tools.facts.model import Basis, Fact, Period, QualityFlag, SourceRef
from tools.metrics import contributions as cb
from tools.metrics.census import Range
from tools.metrics.world import partners_only

_CHAPTERS = Path(__file__).resolve().parents[1] / "data" / "hs" / "hs2_chapters_zh.csv"
#: Chapters named one by one per partner; the rest are folded into one row.
TOP_CHAPTERS = 5
LEVEL = "HS2"
_FLOW_ZH = {"imports": "進口", "exports": "出口"}


@lru_cache(maxsize=1)
def chapter_names() -> dict[str, str]:
    with _CHAPTERS.open(encoding="utf-8") as fh:
        return {r["chapter"]: r["name_zh"] for r in csv.DictReader(fh)}


def chapter_label(code: str, desc: str = "") -> str:
    """'機器及機械用具（含電腦）'; the Census English title when the table has no name for the code."""
    return chapter_names().get(code) or desc.title() or f"HS {code}"


@dataclass
class HsResult:
    facts: list[Fact] = field(default_factory=list)
    flags: list[QualityFlag] = field(default_factory=list)
    #: partner -> ids of the chapter contribution facts, largest first (for sections and tables)
    drivers: dict[str, list[str]] = field(default_factory=dict)


def _subject(cty: str, pzh: str, flow: str, **extra: str) -> dict[str, str]:
    return {"scheme": "census", "reporter": "842", "reporter_name": "美國", "partner": cty, "partner_name": pzh,
            "flow": flow, "level": LEVEL, **extra}


def _period(rng: Range) -> Period:
    return make.period(rng.start, rng.end, rng.basis, rng.label_zh)


def _source(rows: pd.DataFrame) -> SourceRef:
    newest = rows.sort_values("fetched_at").iloc[-1]
    return make.source_ref("census", str(newest["source_url"]), newest["fetched_at"].to_pydatetime(),
                           str(newest["vintage"]), bool(rows["synthetic"].any()))


def chapter_fact(code: str, desc: str, per: Period, src: SourceRef) -> Fact:
    return make.text_fact(
        id=f"hs.{LEVEL}.{code}", kind="commodity", text=f"HS {code}", alternatives=[f"HS{code}", f"第 {code} 章"],
        period=per, subject={"scheme": "hs", "level": LEVEL, "commodity": code},
        label_zh=chapter_label(code, desc), source=src, note_zh=desc,
    )


def partner_facts(rows: pd.DataFrame, cty: str, pzh: str, flow: str, last_period: str,
                  top: int = TOP_CHAPTERS) -> tuple[list[Fact], list[str]]:
    """The contribution facts of one partner and flow (empty when the two periods are not comparable)."""
    pair = cb.latest_comparable(rows, last_period)
    if pair is None:
        return [], []
    current, base = pair
    res = cb.contributions(rows[rows["period"] <= last_period], current, base)
    src = _source(rows)
    what = f"美國{'自' if flow == 'imports' else '對'}{pzh}{_FLOW_ZH[flow]}"
    cur_p, base_p = _period(current), _period(base)
    key, bkey = current.key, base.key
    prefix = f"census.{cty}.{flow}.hs2"
    total_id, base_total_id = f"{prefix}.total.{current.basis}.{key}", f"{prefix}.total.{base.basis}.{bkey}"
    change_id = f"{prefix}.change.{key}"
    note = f"{LEVEL} 各章加總（同一版本），與國別總額可能因版本不同略有差異"
    facts = [
        make.usd_fact(id=total_id, kind="hs_total", value=res.total_current, period=cur_p, source=src,
                      subject=_subject(cty, pzh, flow), label_zh=f"{what}（{LEVEL} 各章合計）", note_zh=note),
        make.usd_fact(id=base_total_id, kind="hs_total", value=res.total_base, period=base_p, source=src,
                      subject=_subject(cty, pzh, flow), label_zh=f"{what}（{LEVEL} 各章合計）", note_zh=note),
        make.usd_fact(id=change_id, kind="hs_change", value=res.total_change, period=cur_p, source=src,
                      direction=_direction(res.total_change), compares=[total_id, base_total_id],
                      derived_from=[total_id, base_total_id],
                      subject=_subject(cty, pzh, flow, base_period=bkey),
                      label_zh=f"{what}增減（{current.label_zh}較 {base.label_zh}）"),
    ]
    lead, other = cb.leading(res, top)
    driver_ids = []
    for code, r in lead.iterrows():
        code = str(code)
        name = chapter_label(code, str(r["desc"]))
        chapter = chapter_fact(code, str(r["desc"]), cur_p, src)
        cid, bid = f"{prefix}.{code}.{current.basis}.{key}", f"{prefix}.{code}.{base.basis}.{bkey}"
        sub = _subject(cty, pzh, flow, commodity=code, commodity_name=name, hs=code, hs_name=name,
                       change_label=f"{what}增減")
        facts += [
            chapter,
            make.usd_fact(id=cid, kind="hs_value", value=float(r["current"]), period=cur_p, source=src, subject=sub,
                          label_zh=f"{what}：{name}"),
            make.usd_fact(id=bid, kind="hs_value", value=float(r["base"]), period=base_p, source=src, subject=sub,
                          label_zh=f"{what}：{name}"),
            make.usd_fact(id=f"{prefix}.{code}.change.{key}", kind="contribution", value=float(r["change"]),
                          period=cur_p, source=src, direction=_direction(float(r["change"])), compares=[cid, bid],
                          derived_from=[cid, bid, change_id], subject={**sub, "base_period": bkey},
                          label_zh=f"{name}增減（{current.label_zh}較 {base.label_zh}）"),
            make.pct_fact(id=f"{prefix}.{code}.contrib_share.{key}", kind="contribution_share",
                          value=float(r["share_of_change"]), period=cur_p, source=src, derived_from=[change_id],
                          subject={**sub, "base_period": bkey},
                          label_zh=f"{name}占{what}增減的比重", note_zh="該章增減 ÷ 各章合計增減"),
            make.pct_fact(id=f"{prefix}.{code}.share.{key}", kind="hs_share", value=float(r["share_of_total"]),
                          period=cur_p, source=src, derived_from=[cid, total_id], subject=sub,
                          label_zh=f"{name}占{what}的比重"),
        ]
        driver_ids.append(f"{prefix}.{code}.change.{key}")
    if len(res.table) > top:
        sub = _subject(cty, pzh, flow, commodity="other", commodity_name="其他各章", hs_name="其他各章",
                       change_label=f"{what}增減")
        facts += [
            make.usd_fact(id=f"{prefix}.other.change.{key}", kind="contribution", value=float(other["change"]),
                          period=cur_p, source=src, direction=_direction(float(other["change"])),
                          derived_from=[change_id], subject={**sub, "base_period": bkey},
                          label_zh=f"其他各章增減（{current.label_zh}較 {base.label_zh}）",
                          note_zh=f"其餘 {len(res.table) - top} 章合計"),
            make.pct_fact(id=f"{prefix}.other.contrib_share.{key}", kind="contribution_share",
                          value=float(other["share_of_change"]), period=cur_p, source=src, derived_from=[change_id],
                          subject={**sub, "base_period": bkey}, label_zh=f"其他各章占{what}增減的比重"),
            make.pct_fact(id=f"{prefix}.other.share.{key}", kind="hs_share", value=float(other["share_of_total"]),
                          period=cur_p, source=src, derived_from=[total_id], subject=sub,
                          label_zh=f"其他各章占{what}的比重"),
        ]
    return facts, driver_ids


def _direction(value: float) -> str:
    return "flat" if value == 0 else ("up" if value > 0 else "down")


def hs_facts(hs: pd.DataFrame, last_period: str, partners: list[str] | None = None) -> HsResult:
    """Contribution facts for every partner and flow the HS table holds, up to ``last_period`` (the week's cut-off).

    ``partners`` narrows to some Census codes. The all-countries total row is never a partner.
    """
    res = HsResult()
    if hs.empty:
        return res
    table = partners_only(hs[(hs["comm_lvl"] == LEVEL) & (hs["period"] <= last_period)])
    if partners is not None:
        table = table[table["cty_code"].isin(partners)]
    if table.empty:
        return res
    seen: set[str] = set()
    for (cty, flow), rows in table.groupby(["cty_code", "flow"], sort=True):
        cty, flow = str(cty), str(flow)
        pzh = name_zh(cty, scheme="census", fallback=cty)
        facts, drivers = partner_facts(rows, cty, pzh, flow, last_period)
        for f in facts:
            if f.id not in seen:
                seen.add(f.id)
                res.facts.append(f)
        if drivers:
            res.drivers[f"{cty}.{flow}"] = drivers
    last = str(table["period"].max())
    y, m = last.split("-")
    res.facts.append(make.text_fact(
        id="cutoff.census_hs", kind="data_cutoff", text=last, alternatives=[f"{y} 年 {int(m)} 月", f"{y}年{int(m)}月"],
        period=make.period(last, last, Basis.MONTH, f"{y} 年 {int(m)} 月"),
        subject={"scheme": "census", "source": "census", "level": LEVEL},
        label_zh=f"美國普查局商品別（{LEVEL}）資料截至", source=_source(table),
    ))
    res.flags.append(coverage_flag(str(table["period"].min()), last, set(table["flow"].astype(str).unique()), last_period))
    return res


def coverage_flag(first: str, last: str, flows: set[str], last_period: str) -> QualityFlag:
    """Where commodity detail exists and where it does not (the gap is said, never filled)."""
    flows = set(flows)
    have = "、".join(_FLOW_ZH[f] for f in sorted(flows, key=list(_FLOW_ZH).index))
    missing = [_FLOW_ZH[f] for f in ("imports", "exports") if f not in flows]
    parts = [f"美國普查局商品別（{LEVEL}）明細僅有{have} {first} 至 {last}"]
    if last < last_period:
        parts.append(f"{last} 之後（至本週資料截止 {last_period}）沒有商品別明細，成長來源只能說明到 {last}")
    if missing:
        parts.append(f"{'、'.join(missing)}沒有商品別明細")
    return QualityFlag(code="hs_detail_gap", severity="info", subject={"scheme": "census", "level": LEVEL,
                                                                        "first": first, "last": last},
                       message_zh="；".join(parts) + "；本報不以估計或其他資料填補")
