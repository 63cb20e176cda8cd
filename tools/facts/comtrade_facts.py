"""Facts from UN Comtrade annual partner tables: totals, YoY, HHI, band, top-3, partners, mirror.

Ids (the contract D/E/F consume):
  comtrade.{r}.{X|M}.{Y}.total | .yoy | .hhi | .hhi_band | .top3_share | .partner_count
  comtrade.{r}.{X|M}.{Y}.partner.{p} | .share.{p} | .excluded_share
  mirror.{a}.{b}.{Y}.gap                      (a's exports to b vs b's imports from a)
  mirror.census.{cty}.{Y}.{exports|imports}.gap  (Census US side vs the partner's Comtrade side)
Subject: scheme='comtrade', reporter, reporter_name, flow, year (+ partner, partner_name, rank).

Each year is a calendar year on its own: never a sum of two years (the earlier system's
"2023-2024" figures were exactly that).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from tools import fmt
from tools.countries import by_census, name_zh
from tools.facts import make
from tools.facts.key import Basis, FactKey, fact_id
from tools.facts.model import Fact, QualityFlag, SourceRef
from tools.metrics import concentration as conc
from tools.metrics import mirror as mir
from tools.metrics import quality
from tools.metrics.growth import flow_change

#: The six economies of the weekly briefing; partner facts are always kept for these.
FOCUS = (842, 156, 392, 410, 276, 490)
#: Partner facts are emitted for each reporter's top-N partners (plus FOCUS partners).
TOP_PARTNERS = 5
FLOW_ZH = {"X": "出口", "M": "進口"}
SHARE_NOTE = "占比分母為可辨識國家夥伴合計（不含全球、未列明及集團地區），與 HHI 相同"


@dataclass
class ComtradeResult:
    facts: list[Fact] = field(default_factory=list)
    flags: list[QualityFlag] = field(default_factory=list)
    years: dict[int, list[int]] = field(default_factory=dict)  # reporter -> years reported on (newest first)


def _key(k: tuple[object, ...]) -> tuple[int, int, str]:
    return int(k[0]), int(k[1]), str(k[2])  # type: ignore[call-overload]


def _pzh(code: int, desc: str) -> str:
    return name_zh(int(code), fallback=str(desc))


def _group_sources(df: pd.DataFrame) -> dict[tuple[int, int, str], tuple[SourceRef, bool]]:
    keys = conc.KEYS
    g = df.groupby(keys)
    # One stored answer per (reporter, year, flow) in practice; cite the newest if several.
    asked = [c for c in ("dataset", "q_flow", "q_window", "q_partner") if c in df.columns]
    first = df.loc[g["fetched_at"].idxmax(), keys + ["source_url", "vintage", "fetched_at"] + asked]
    flags = g[["synthetic", "row_capped"]].any()
    out = {}
    for r in first.to_dict("records"):
        k = (int(r["reporter_code"]), int(r["year"]), str(r["flow"]))
        synth, capped = flags.loc[k]
        # What the client recorded; answers stored before that fall back to the cell's own key.
        ref = make.source_ref("comtrade", str(r["source_url"]), r["fetched_at"].to_pydatetime(), str(r["vintage"]),
                              bool(synth), dataset=str(r.get("dataset") or ""), flow=str(r.get("q_flow") or k[2]),
                              window=str(r.get("q_window") or k[1]), reporter=str(k[0]),
                              partner=str(r.get("q_partner") or ""))
        out[k] = (ref, bool(capped))
    return out


def comtrade_key(reporter: int | str, flow: str, year: int | str, measure: str, partner: int | str = "") -> FactKey:
    """The key of one metric of a reporter's annual partner table (``partner`` for partner/share)."""
    return FactKey(source="comtrade", reporter=str(reporter), partner=str(partner), flow=flow, measure=measure,
                   basis=Basis.YEAR, start=str(year), end=str(year))


def _subject(r: int, rzh: str, flow: str, year: int, **extra: str) -> dict[str, str]:
    return {"scheme": "comtrade", "reporter": str(r), "reporter_name": rzh, "flow": flow, "year": str(year), **extra}


def comtrade_facts(annual: pd.DataFrame, last_year: int, reporters: list[int] | None = None, *,
                   all_partners: bool = False) -> ComtradeResult:
    """All Comtrade facts for years up to ``last_year`` (the week's cut-off).

    Partner values and shares are made for each reporter's top partners and the FOCUS economies;
    ``all_partners`` makes them for every partner (chat asks for any one).
    """
    res = ComtradeResult()
    df = annual[annual["year"] <= last_year]
    if reporters is not None:
        df = df[df["reporter_code"].isin(reporters)]
    if df.empty:
        return res
    # Latest two years present per reporter (the report year and its YoY base).
    yrs = df[["reporter_code", "year"]].drop_duplicates()
    keep_years = {int(r): sorted((int(y) for y in g["year"]), reverse=True)[:2] for r, g in yrs.groupby("reporter_code")}
    res.years = keep_years
    min_year = df["reporter_code"].map({r: min(ys) for r, ys in keep_years.items()})
    sel = df[df["year"] >= min_year]

    countries, excluded = conc.split_aggregates(sel)
    shared = conc.with_shares(countries)
    summ = conc.summary(shared, top_n=3)
    # Plain dicts keyed (reporter, year, flow): MultiIndex lookups one by one are slow.
    world = {_key(k): float(v) for k, v in conc.world_totals(sel).items() if not math.isnan(v)}
    all_sum = {_key(k): float(v) for k, v in sel[sel["partner_code"] != 0].groupby(conc.KEYS)["value_usd"].sum().items()}
    excl_sum = {_key(k): float(v) for k, v in
                excluded[excluded["partner_code"] != 0].groupby(conc.KEYS)["value_usd"].sum().items()}
    sources = _group_sources(sel)
    rdesc = sel.drop_duplicates("reporter_code").set_index("reporter_code")["reporter_desc"]
    rzh = {int(r): _pzh(int(r), str(d)) for r, d in rdesc.items()}

    totals: dict[tuple[int, int, str], float] = {}
    for key in sources:
        totals[key] = world[key] if key in world else all_sum.get(key, math.nan)

    for row in summ.reset_index().to_dict("records"):
        r, y, f = int(row["reporter_code"]), int(row["year"]), str(row["flow"])
        k = (r, y, f)
        src, capped = sources[k]
        name = rzh[r]
        per = make.year_period(y)
        subj = _subject(r, name, f, y)
        what = f"{name}{FLOW_ZH[f]}"
        cap_note = "（該筆查詢觸及筆數上限，夥伴可能不完整）" if capped else ""
        total = totals[k]
        total_note = "" if k in world else "無全球（0）列，以各夥伴加總代替"
        res.facts.append(make.usd_fact(key=comtrade_key(r, f, y, "total"), kind="total", value=total, period=per, subject=subj,
                                       label_zh=f"{what}總額", source=src, note_zh=total_note))
        prev = (r, y - 1, f)
        if prev in totals:
            ch = flow_change(total, totals[prev])
            if ch.pct is not None:
                res.facts.append(make.pct_fact(
                    key=comtrade_key(r, f, y, "yoy"), kind="yoy", value=ch.pct, signed=True, direction=ch.direction, period=per,
                    subject=subj, source=src, compares=[fact_id(comtrade_key(r, f, y, "total")), fact_id(comtrade_key(r, f, y - 1, "total"))],
                    derived_from=[fact_id(comtrade_key(r, f, y, "total")),
                                  fact_id(comtrade_key(r, f, y - 1, "total"))],
                    label_zh=f"{what}年增率（{y} 年較 {y - 1} 年，{fmt.direction_word(ch.pct)}）",
                ))
        band = str(row["band"])
        hhi_note = "HHI＝Σ（夥伴占比%）²，已排除全球及未列明／集團地區；台灣（490）保留" + cap_note
        res.facts.append(make.index_fact(key=comtrade_key(r, f, y, "hhi"), kind="hhi", value=float(row["hhi"]), period=per,
                                         subject=subj, label_zh=f"{what}市場集中度（HHI）", source=src,
                                         note_zh=hhi_note))
        res.facts.append(make.text_fact(
            key=comtrade_key(r, f, y, "hhi_band"), kind="hhi_band", text=band, alternatives=[f"{band}集中度", f"{band}度集中"],
            period=per, subject=subj, label_zh=f"{what}集中度等級（<1,500 低／1,500–2,500 中／>2,500 高）",
            sources=[src], derived_from=[fact_id(comtrade_key(r, f, y, "hhi"))],
        ))
        top = [int(p) for p in row["top3"]]
        top_names = "、".join(name_zh(p, fallback=str(p)) for p in top)
        res.facts.append(make.pct_fact(
            key=comtrade_key(r, f, y, "top3_share"), kind="top_share", value=float(row["top3_share"]), period=per,
            subject={**subj, "partners": ",".join(map(str, top)), "partner_names": top_names},
            label_zh=f"{what}前三大夥伴（{top_names}）合計占比", source=src, note_zh=SHARE_NOTE,
        ))
        res.facts.append(make.count_fact(key=comtrade_key(r, f, y, "partner_count"), kind="partner_count",
                                         value=float(row["partner_count"]), period=per, subject=subj,
                                         label_zh=f"{what}夥伴國家數", source=src, note_zh=cap_note))
        ex = excl_sum.get(k, 0.0)
        if ex > 0 and total and not math.isnan(total):
            res.facts.append(make.pct_fact(
                key=comtrade_key(r, f, y, "excluded_share"), kind="excluded_share", value=ex / total * 100.0, period=per,
                subject=subj, source=src,
                label_zh=f"{what}中未列明／集團地區（不計入占比與 HHI）所占比重",
            ))

    # Partner values and shares: top-N and focus partners.
    pick = shared if all_partners else shared[(shared["rank"] <= TOP_PARTNERS) | shared["partner_code"].isin(FOCUS)]
    pnames = {int(c): _pzh(int(c), str(d)) for c, d in
              pick.drop_duplicates("partner_code")[["partner_code", "partner_desc"]].itertuples(index=False)}
    for p in pick.itertuples(index=False):
        r, y, f, pc = int(p.reporter_code), int(p.year), str(p.flow), int(p.partner_code)
        src, _ = sources[(r, y, f)]
        name, pname = rzh[r], pnames[pc]
        subj = _subject(r, name, f, y, partner=str(pc), partner_name=pname, rank=str(int(p.rank)))
        per = make.year_period(y)
        verb = "對" if f == "X" else "自"
        res.facts.append(make.usd_fact(key=comtrade_key(r, f, y, "partner", pc), kind="partner_value", value=float(p.value_usd),
                                       period=per, subject=subj, source=src,
                                       label_zh=f"{name}{verb}{pname}{FLOW_ZH[f]}"))
        res.facts.append(make.pct_fact(key=comtrade_key(r, f, y, "share", pc), kind="share", value=float(p.share_pct), period=per,
                                       subject=subj, source=src, derived_from=[fact_id(comtrade_key(r, f, y, "partner", pc))],
                                       label_zh=f"{pname}占{name}{FLOW_ZH[f]}比重（第 {int(p.rank)} 位）",
                                       note_zh=SHARE_NOTE))

    res.flags += _coverage_flags(sel, summ, rzh, keep_years)
    if not excluded.empty:
        codes = excluded.drop_duplicates("partner_code").sort_values("partner_code")
        names = "、".join(f"{_pzh(int(c), str(d))}（{int(c)}）" for c, d in
                         zip(codes["partner_code"], codes["partner_desc"], strict=True))
        res.flags.append(QualityFlag(
            code="excluded_aggregates", severity="info", subject={"scheme": "comtrade"},
            message_zh=f"占比與 HHI 不計入：{names}；其他亞洲未列明（490）即台灣，予以保留",
        ))
    return res


def reporter_year_facts(annual: pd.DataFrame, reporter: int, flow: str, year: int, *,
                        all_partners: bool = False) -> list[Fact]:
    """On demand (chat): one reporter's facts for one flow and year, made exactly as the sheet makes them."""
    df = annual[(annual["reporter_code"] == reporter) & (annual["flow"] == flow)
                & annual["year"].isin([year, year - 1])]
    if df[df["year"] == year].empty:
        return []
    res = comtrade_facts(df, year, [reporter], all_partners=all_partners)
    return [f for f in res.facts if f.key.start == str(year)]


def _coverage_flags(sel: pd.DataFrame, summ: pd.DataFrame, rzh: dict[int, str],
                    keep_years: dict[int, list[int]]) -> list[QualityFlag]:
    flags: list[QualityFlag] = []
    low = quality.low_coverage(summ["partner_count"])
    for key, row in low.iterrows():
        r, y, f = int(key[0]), int(key[1]), str(key[2])
        flags.append(QualityFlag(
            code="low_partner_coverage", severity="warn", subject=_subject(r, rzh[r], f, y),
            fact_ids=[fact_id(comtrade_key(r, f, y, "partner_count")), fact_id(comtrade_key(r, f, y, "hhi"))],
            message_zh=(f"{rzh[r]} {y} 年{FLOW_ZH[f]}僅 {int(row['partner_count'])} 個夥伴，遠少於同儕中位數 "
                        f"{int(row['peer_median'])}，HHI 與占比可能失真"),
        ))
    for key in quality.capped_groups(sel).itertuples(index=False):
        r, y, f = int(key.reporter_code), int(key.year), str(key.flow)
        flags.append(QualityFlag(
            code="row_cap", severity="warn", subject=_subject(r, rzh[r], f, y),
            fact_ids=[fact_id(comtrade_key(r, f, y, "hhi")), fact_id(comtrade_key(r, f, y, "partner_count"))],
            message_zh=f"{rzh[r]} {y} 年{FLOW_ZH[f]}的 Comtrade 回應觸及筆數上限，夥伴表可能不完整",
        ))
    years = sorted({y for ys in keep_years.values() for y in ys}, reverse=True)[:2]
    for r, y, f in quality.missing_years(sel, sorted(keep_years), years):
        flags.append(QualityFlag(
            code="missing_year", severity="warn", subject=_subject(r, rzh.get(r, str(r)), f, y),
            message_zh=f"{rzh.get(r, str(r))} 缺少 {y} 年{FLOW_ZH[f]}資料",
        ))
    synth = sel[sel["synthetic"]]["reporter_code"].unique()
    if len(synth):
        names = "、".join(rzh[int(r)] for r in sorted(synth))
        flags.append(QualityFlag(
            code="synthetic_sample", severity="warn", subject={"scheme": "comtrade", "reporters": ",".join(
                str(int(r)) for r in sorted(synth))},
            message_zh=f"UN Comtrade 夥伴表為合成樣本資料（非官方數據），僅供展示：{names}",
        ))
    return flags


def mirror_facts(annual: pd.DataFrame, year: int, reporters: list[int], top3: dict[int, list[int]],
                 census_years: pd.DataFrame | None = None,
                 census_source: SourceRef | None = None) -> tuple[list[Fact], list[QualityFlag]]:
    """Mirror gaps for each reporter's top-3 export partners that also report, and FOCUS pairs.

    ``census_years``: per Census country, full-year sums (index cty_code, columns exports, imports,
    year) to compare the US Census side with the partner's Comtrade record.
    """
    facts: list[Fact] = []
    flags: list[QualityFlag] = []
    df = annual[(annual["year"] == year) & annual["reporter_code"].isin(reporters)]
    srcs = _group_sources(df) if not df.empty else {}
    pairs = mir.mirror_pairs(df)
    if not pairs.empty:
        wanted = {(a, b) for a in reporters for b in top3.get(a, [])} | {(a, b) for a in FOCUS for b in FOCUS}
        keep = [(int(a), int(b)) in wanted for a, b in zip(pairs["a"], pairs["b"], strict=True)]
        for p in pairs[keep].itertuples(index=False):
            src = srcs.get((int(p.a), year, "X"), (None, False))[0]
            other = srcs.get((int(p.b), year, "M"), (None, False))[0]
            synth = bool((src and src.synthetic) or (other and other.synthetic))
            facts_, flags_ = _mirror_fact(mirror_key(p.a, p.b, year), int(p.a), int(p.b), year,
                                          float(p.exports_a_to_b), float(p.imports_b_from_a), "Comtrade", src,
                                          synth)
            facts += facts_
            flags += flags_
    if census_years is not None and not census_years.empty:
        us_side = annual[(annual["year"] == year) & (annual["partner_code"] == 842)]
        partner_says = {(int(r), str(f)): float(v) for r, f, v in
                        zip(us_side["reporter_code"], us_side["flow"], us_side["value_usd"], strict=True)}
        partner_synth = {(int(r), str(f)): bool(v) for r, f, v in
                         zip(us_side["reporter_code"], us_side["flow"], us_side["synthetic"], strict=True)}
        for cty, row in census_years.iterrows():
            c = by_census(str(cty))
            if c is None or c.comtrade is None:
                continue
            m = partner_says.get((c.comtrade, "M"))
            x = partner_says.get((c.comtrade, "X"))
            if m is not None and not math.isnan(row["exports"]):
                facts_, flags_ = _mirror_fact(mirror_key(842, cty, year, "exports"), 842, c.comtrade, year,
                                              float(row["exports"]), m, "Census/Comtrade", census_source,
                                              partner_synth.get((c.comtrade, "M"), False))
                facts += facts_
                flags += flags_
            if x is not None and not math.isnan(row["imports"]):
                facts_, flags_ = _mirror_fact(mirror_key(842, cty, year, "imports"), c.comtrade, 842, year,
                                              x, float(row["imports"]), "Comtrade/Census", census_source,
                                              partner_synth.get((c.comtrade, "X"), False))
                facts += facts_
                flags += flags_
    return facts, flags


def mirror_key(a: int | str, b: int | str, year: int, census_flow: str = "") -> FactKey:
    """A mirror gap: a's exports to b against b's imports from a; with ``census_flow`` the US Census
    side (``b`` is then a Census country code) against the partner's Comtrade record."""
    return FactKey(source="mirror", reporter=str(a), partner=str(b), flow=census_flow, measure="gap",
                   basis=Basis.YEAR, start=str(year), end=str(year))


def _mirror_fact(key: FactKey, a: int, b: int, year: int, exports: float, imports: float,
                 basis: str, source: SourceRef | None,
                 synthetic_side: bool = False) -> tuple[list[Fact], list[QualityFlag]]:
    gap = mir.gap_pct(exports, imports)
    if not isinstance(gap, float) or math.isnan(gap):
        return [], []
    an, bn = name_zh(a, fallback=str(a)), name_zh(b, fallback=str(b))
    subj = {"scheme": "mirror", "reporter": str(a), "reporter_name": an, "partner": str(b), "partner_name": bn,
            "year": str(year), "basis": basis, "exports_usd": f"{exports:.0f}", "imports_usd": f"{imports:.0f}"}
    fact = make.pct_fact(
        key=key, kind="mirror_gap", value=gap, signed=True, period=make.year_period(year), subject=subj, source=source,
        label_zh=f"{an}申報對{bn}出口與{bn}申報自{an}進口之差距（{basis}）",
        note_zh=f"差距＝（出口 {fmt.usd(exports)} − 進口 {fmt.usd(imports)}）÷ 進口；進口以 CIF 計，小幅負差屬常態",
    )
    flags = []
    if abs(gap) > mir.MIRROR_GAP_THRESHOLD_PCT:
        synthetic = "（含合成樣本資料，差距不代表真實統計）" if synthetic_side else ""
        flags.append(QualityFlag(
            code="mirror_gap", severity="warn", subject=subj, fact_ids=[fact_id(key)],
            message_zh=(f"{an}→{bn} {year} 年鏡像差距（{basis}）{fmt.signed_pct(gap)}，"
                        f"超過 ±{mir.MIRROR_GAP_THRESHOLD_PCT:.0f}% 門檻{synthetic}"),
        ))
    return [fact], flags
