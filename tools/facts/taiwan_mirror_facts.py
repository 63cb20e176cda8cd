"""Mirror check against Taiwan's own statistics: MOF exports to the US vs Census imports from Taiwan.

Ids:
  mirror.taiwan_mof.5830.exports.{start}_{end}     Taiwan's exports to the US (MOF, FOB)
  mirror.taiwan_mof.5830.census_imports.{start}_{end}  US general imports from Taiwan (Census, customs value)
  mirror.taiwan_mof.5830.gap.{start}_{end}         MOF − Census (USD)
  mirror.taiwan_mof.5830.gap_pct.{start}_{end}     the gap as a percent of Census imports

Why: two official sources for one flow should roughly agree; they differ by valuation (MOF
exports are FOB at Taiwan's ports, Census imports are customs value at US entry, which
excludes freight and insurance), by timing (goods in transit cross the month line) and by
country attribution. Only months that both sides publish are compared; nothing is estimated.
"""

from __future__ import annotations

import pandas as pd

from tools.facts import make
from tools.facts.model import Fact, QualityFlag, SourceRef
from tools.metrics.census import month_index, period_of
from tools.metrics.mirror import gap_pct
from tools.sources import taiwan_mof as mof

TAIWAN = "5830"
VALUATION_NOTE = "台灣財政部出口以 FOB（離岸價）計，美國普查局進口以海關價值（不含運費、保險）計，另有運輸時差"


def taiwan_mirror_facts(census: pd.DataFrame, last_period: str, rows: list[mof.MofExport],
                        census_src: SourceRef | None) -> tuple[list[Fact], list[QualityFlag]]:
    """Both sides and the gap over the longest run of months both sources publish (up to the cut-off)."""
    months = {r.period: r.value_usd for r in rows if r.basis == "month" and r.period <= last_period}
    tw = census[(census["cty_code"] == TAIWAN) & census["imports_usd"].notna()]
    census_months = dict(zip(tw["period"].astype(str), tw["imports_usd"].astype(float), strict=True))
    common = sorted(m for m in months if m in census_months)
    if not common:
        return [], []
    # the unbroken run of common months ending at the latest one
    run = [common[-1]]
    while period_of(month_index(run[0]) - 1) in months and period_of(month_index(run[0]) - 1) in census_months:
        run.insert(0, period_of(month_index(run[0]) - 1))
    start, end = run[0], run[-1]
    tw_value = sum(months[m] for m in run)
    us_value = sum(census_months[m] for m in run)
    y1, m1 = start.split("-")
    _, m2 = end.split("-")
    label = f"{y1} 年 {int(m1)}–{int(m2)} 月" if start[:4] == end[:4] and start != end else f"{start} 至 {end}"
    per = make.period(start, end, "ytd" if m1 == "01" and start[:4] == end[:4] else "window", label)
    key = f"{start}_{end}"
    src = make.source_ref("taiwan_mof", mof.SOURCE_URL, mof.CAPTURED_AT, mof.CAPTURED_AT.isoformat(), False,
                          dataset=mof.DATASET, flow="exports", window=f"{start}..{end}", reporter="490",
                          partner="842")
    sub = {"scheme": "mirror", "reporter": "490", "reporter_name": "台灣", "partner": "842", "partner_name": "美國",
           "census_partner": TAIWAN}
    ex_id, im_id = f"mirror.taiwan_mof.{TAIWAN}.exports.{key}", f"mirror.taiwan_mof.{TAIWAN}.census_imports.{key}"
    gap = tw_value - us_value
    pct = float(gap_pct(tw_value, us_value))
    facts = [
        make.usd_fact(id=ex_id, kind="mirror_side", value=tw_value, period=per, source=src,
                      subject={**sub, "side": "partner"},
                      label_zh="台灣財政部統計：台灣對美國出口（FOB）"),
        make.usd_fact(id=im_id, kind="mirror_side", value=us_value, period=per, source=census_src,
                      subject={**sub, "side": "census"},
                      label_zh="美國普查局統計：美國自台灣進口（海關價值）"),
        make.usd_fact(id=f"mirror.taiwan_mof.{TAIWAN}.gap.{key}", kind="mirror_gap", value=gap, period=per,
                      source=src, subject=sub, derived_from=[ex_id, im_id], compares=[ex_id, im_id],
                      label_zh="台灣對美出口與美國自台進口之差（台灣財政部 − 美國普查局）", note_zh=VALUATION_NOTE),
        make.pct_fact(id=f"mirror.taiwan_mof.{TAIWAN}.gap_pct.{key}", kind="mirror_gap", value=pct, signed=True,
                      period=per, source=src, subject=sub, derived_from=[ex_id, im_id],
                      label_zh="差距占美國自台進口的比率", note_zh=VALUATION_NOTE),
    ]
    flags = [QualityFlag(code="mirror_source", severity="info", subject=sub, fact_ids=[f.id for f in facts],
                         message_zh=(f"台灣對美出口取自台灣財政部海關進出口貿易初步統計（表 8，{label}），"
                                     f"與美國普查局自台進口對照；{VALUATION_NOTE}"))]
    return facts, flags
