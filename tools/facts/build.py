"""Build the week's FactSheet from the store: every number a report or chat answer may show.

Why it is built this way:
- The week decides the data: each source contributes only periods officially released by
  the end of the week (``tools.weeks``), taken from the latest vintage in the store, so an
  old week drafted later never sees newer months.
- The previous week's and the year-ago week's sheets are rebuilt from the same store (not
  read from old report text); what changed becomes ``wow.*``/``yago.*`` facts.
- Everything doubtful becomes a QualityFlag the report's limitations must state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pandas as pd

from tools.countries import resolve
from tools.errors import DataGapError
from tools.facts import make
from tools.facts.census_extras import census_extras
from tools.facts.census_facts import CensusResult, headline_facts
from tools.facts.key import FactKey
from tools.facts.model import Basis, Fact, FactSheet, Period, QualityFlag
from tools.facts.registry import BUILT_IN, Producers, StoreTables, TradeStore, content_key, registered
from tools.metrics import census as cm
from tools.metrics.world import partners_only
from tools.weeks import ReportWeek, census_last_month, census_release_date, comtrade_last_year, parse_week


def _reporter_codes(reporters: Iterable[int | str] | None) -> list[int] | None:
    if reporters is None:
        return None
    out = []
    for r in reporters:
        c = resolve(str(r))
        if c.comtrade is None:
            continue
        out.append(c.comtrade)
    return sorted(set(out))


_R = TypeVar("_R")
#: (stored content, part, cut-off...) -> that part's facts; one store's entries are kept
_PARTS: dict[tuple[Any, ...], Any] = {}


def _per_content(store: TradeStore, part: str, args: tuple[Any, ...], compute: Callable[[], _R]) -> _R:
    """``compute()`` once per stored content and cut-off, then fresh copies of its facts and flags.

    Why: a draft builds the week's, the previous week's and the year-ago week's sheets, and two of them
    usually share a cut-off (Census publishes monthly, Comtrade yearly), so the same facts were made
    twice. The facts depend only on the stored tables and the cut-off, which the key holds; each
    caller gets its own Fact objects, since ``build_fact_sheet`` fills in missing sources on them.
    A store that cannot say what it holds (no ``fingerprint``) is computed every time.
    """
    content = content_key(store)
    if content is None:
        return compute()
    key = (content, part, *args)
    if key not in _PARTS:
        if any(k[0] != content for k in _PARTS):
            _PARTS.clear()
        _PARTS[key] = compute()
    return _fresh(_PARTS[key])


def _fresh(result: _R) -> _R:
    """A copy whose facts and flags are new objects (their values are never edited in place)."""
    if isinstance(result, tuple):
        return tuple(_fresh(item) for item in result)  # type: ignore[return-value]
    if isinstance(result, list):
        return [item.model_copy() if hasattr(item, "model_copy") else item for item in result]  # type: ignore[return-value]
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.replace(result, **{  # type: ignore[return-value]
            f.name: _fresh(getattr(result, f.name)) for f in dataclasses.fields(result)
            if isinstance(getattr(result, f.name), list)})
    return result


def _cutoff_period(rw: ReportWeek) -> tuple[str, int]:
    return census_last_month(rw.end), comtrade_last_year(rw.end)


def _census_up_to(census: pd.DataFrame, cutoff: str) -> pd.DataFrame:
    return census[census["period"] <= cutoff] if not census.empty else census


def build_fact_sheet(store: TradeStore, week: str, reporters: Iterable[int | str] | None = None, *,
                     comparison_only: bool = False) -> FactSheet:
    """The week's facts and quality flags. ``reporters``: Comtrade reporters (codes or names); None = all.

    Census (US bilateral) facts are included when the US (842) is among the reporters or
    no filter is given. Raises DataGapError naming what is missing when nothing is usable.
    ``comparison_only``: the sheet of a week another page compares against (its previous or year-ago
    week) needs the partner totals and the concentration figures, the same facts as a full sheet, but
    none of the context only a page's own week shows (contributions, mirrors, shares of all trade,
    revisions, its own week-on-week facts); skipping them was a fifth of a draft's deterministic time.
    """
    rw = parse_week(week)
    codes = _reporter_codes(reporters)
    census_all = store.census_monthly()
    census = partners_only(census_all)  # the all-countries total (CTY_CODE '-') is not a partner
    comtrade = store.comtrade_annual()
    if census.empty and comtrade.empty:
        raise DataGapError("the store holds no trade data (Census monthly and Comtrade annual are both empty); "
                           "run `agent fetch --from-sample` or `agent fetch` first")
    c_cut, y_cut = _cutoff_period(rw)
    with_census = codes is None or 842 in codes
    census_in = _census_up_to(census, c_cut) if with_census else census.iloc[0:0]
    comtrade_in = comtrade[comtrade["year"] <= y_cut]
    if codes is not None:
        comtrade_in = comtrade_in[comtrade_in["reporter_code"].isin(codes)]
    if census_in.empty and comtrade_in.empty:
        raise DataGapError(_gap_message(rw, c_cut, y_cut, census, comtrade, codes))

    sheet = FactSheet(week=rw.week, period_start=rw.start, period_end=rw.end, generated_at=rw.generated_at)
    facts: list[Fact] = []
    flags: list[QualityFlag] = []

    producers = Producers(StoreTables(census=census, comtrade=comtrade, store=store))
    cres = (_per_content(store, "census", (c_cut,), lambda: producers.get("census").sheet(c_cut))
            if not census_in.empty else CensusResult())
    facts += cres.facts
    flags += cres.flags
    if not census_in.empty:
        sheet.data_cutoff["census"] = str(census_in["period"].max())
    codes_key = tuple(codes) if codes is not None else None
    tres = (_per_content(store, "comtrade", (y_cut, codes_key), lambda: producers.get("comtrade").sheet(y_cut, codes))
            if not comtrade_in.empty else None)
    if tres is not None:
        facts += tres.facts
        flags += tres.flags
        sheet.data_cutoff["comtrade"] = str(int(comtrade_in["year"].max()))
    if tres is not None and not comparison_only:
        year = int(comtrade_in["year"].max())
        top3 = {int(f.subject["reporter"]): [int(p) for p in f.subject["partners"].split(",") if p]
                for f in tres.facts if f.kind == "top_share" and f.subject["flow"] == "X"
                and f.subject["year"] == str(year)}
        reps = sorted(tres.years)
        csrc = next((f.source for f in cres.facts if f.source is not None), None)
        mirror = producers.get("comtrade").mirror(year, reps, top3, _census_full_year(census_in, year), csrc)
        facts += mirror.facts
        flags += mirror.flags

    for name in registered():  # any other source's producer contributes its week through ``week()``
        if name not in BUILT_IN:
            extra = producers.get(name).week(rw)
            facts += extra.facts
            flags += extra.flags
            sheet.data_cutoff.update(extra.cutoff)

    facts += _cutoff_facts(rw, sheet.data_cutoff)
    flags += _stale_flags(rw, c_cut, y_cut, census, comtrade, with_census, codes)
    if "comtrade" in sheet.data_cutoff:
        flags.append(QualityFlag(
            code="annual_lag", severity="info", subject={"scheme": "comtrade", "year": sheet.data_cutoff["comtrade"]},
            message_zh=(f"UN Comtrade 為年度資料，本週可用最新年度為 {sheet.data_cutoff['comtrade']} 年"
                        "（年度資料約於次年年中齊備），非本週即時數據"),
        ))
    if with_census and not census_in.empty and not comparison_only:
        csrc = next((f.source for f in cres.facts if f.source is not None), None)
        ef, eflags = _per_content(store, "census_extras", (c_cut, csrc.model_dump_json() if csrc else ""),
                                  lambda: census_extras(store, census_all, c_cut, csrc))
        facts += ef
        flags += eflags
    if with_census and not comparison_only:
        facts += _comparison_facts(rw, census, cres, "wow", parse_week(rw.prev_week), "上週")
        facts += _comparison_facts(rw, census, cres, "yago", parse_week(rw.year_ago_week), "去年同週")
    if "comtrade" in sheet.data_cutoff and not comparison_only:
        for prefix, other, who in (("wow", parse_week(rw.prev_week), "上週"),
                                   ("yago", parse_week(rw.year_ago_week), "去年同週")):
            facts.append(_comtrade_cutoff_change(rw, comtrade_in, prefix, other, who))

    # Meta facts (cut-off, week comparisons) cite the snapshot their source's figures came from.
    fallback = {
        "census": next((f.source for f in cres.facts if f.source is not None), None),
        "comtrade": next((f.source for f in (tres.facts if tres else []) if f.source is not None), None),
    }
    seen: set[str] = set()
    for f in facts:
        if not f.sources and (ref := fallback.get(f.subject.get("scheme", ""))) is not None:
            f.sources = [ref]
        if f.id not in seen:
            seen.add(f.id)
            sheet.facts.append(f)
    sheet.flags = flags
    return sheet


def _gap_message(rw: ReportWeek, c_cut: str, y_cut: int, census: pd.DataFrame, comtrade: pd.DataFrame,
                 codes: list[int] | None) -> str:
    parts = []
    if census.empty:
        parts.append("no Census monthly data")
    else:
        parts.append(f"Census data starts {census['period'].min()} (released through {c_cut} by {rw.end})")
    if comtrade.empty:
        parts.append("no Comtrade annual data")
    else:
        have = comtrade if codes is None else comtrade[comtrade["reporter_code"].isin(codes)]
        if have.empty:
            parts.append(f"no Comtrade data for reporter(s) {', '.join(map(str, codes or []))}")
        else:
            parts.append(f"Comtrade data starts {int(have['year'].min())} (available through {y_cut} by {rw.end})")
    return f"no data released by the end of {rw.week}: " + "; ".join(parts)


def _census_full_year(census: pd.DataFrame, year: int) -> pd.DataFrame | None:
    """US Census sums for calendar ``year`` per country, when all twelve months are stored."""
    if census.empty:
        return None
    sums = cm.range_sums(cm.with_balance(census), cm.Range(f"{year}-01", f"{year}-12", "year"))
    return sums[["exports", "imports"]].dropna(how="all")


def _meta_key(source: str, measure: str, view: str, per: Period, **fields: str) -> FactKey:
    """The key of a page-level fact (a cut-off, a comparison with another week) over the week itself."""
    return FactKey(source=source, measure=measure, view=view, basis=per.basis, start=per.start, end=per.end, **fields)


def _cutoff_facts(rw: ReportWeek, cutoff: dict[str, str]) -> list[Fact]:
    out = []
    per = make.period(rw.start.isoformat(), rw.end.isoformat(), Basis.SNAPSHOT, rw.label_zh)
    if "census" in cutoff:
        m = cutoff["census"]
        y, mm = m.split("-")
        out.append(make.text_fact(
            key=_meta_key("census", "cutoff", "cutoff", per), kind="data_cutoff", text=m, alternatives=[f"{y} 年 {int(mm)} 月", f"{y}年{int(mm)}月"],
            period=per, subject={"scheme": "census", "source": "census"},
            label_zh="本週可用美國普查局月度資料截至", note_zh="依普查局發布日：本週結束前已發布的最新月份",
        ))
    if "comtrade" in cutoff:
        y = cutoff["comtrade"]
        out.append(make.text_fact(
            key=_meta_key("comtrade", "cutoff", "cutoff", per), kind="data_cutoff", text=f"{y} 年", alternatives=[y, f"{y}年"],
            period=per, subject={"scheme": "comtrade", "source": "comtrade"},
            label_zh="本週可用 UN Comtrade 年度資料截至",
        ))
    return out


def _stale_flags(rw: ReportWeek, c_cut: str, y_cut: int, census: pd.DataFrame, comtrade: pd.DataFrame,
                 with_census: bool, codes: list[int] | None) -> list[QualityFlag]:
    flags = []
    if with_census:
        have = census[census["period"] <= c_cut]["period"].max() if not census.empty else None
        have = have if isinstance(have, str) else None
        if have is None or have < c_cut:
            first = cm.period_of(cm.month_index(have) + 1) if have else c_cut
            missing = [cm.period_of(i) for i in range(cm.month_index(first), cm.month_index(c_cut) + 1)][-6:]
            dates = "、".join(f"{m} 於 {census_release_date(m)}" for m in missing)
            flags.append(QualityFlag(
                code="stale_source", severity="warn", subject={"scheme": "census", "expected": c_cut},
                message_zh=(f"資料庫內美國普查局資料僅至 {have or '（無）'}，但至 {c_cut} 的月份已發布"
                            f"（{dates}）；請更新資料（agent fetch）"),
            ))
    if not comtrade.empty:
        sel = comtrade if codes is None else comtrade[comtrade["reporter_code"].isin(codes)]
        latest = sel[sel["year"] <= y_cut]["year"].max() if not sel.empty else None
        if latest is not None and not pd.isna(latest) and int(latest) < y_cut:
            flags.append(QualityFlag(
                code="stale_source", severity="warn", subject={"scheme": "comtrade", "expected": str(y_cut)},
                message_zh=f"資料庫內 UN Comtrade 資料僅至 {int(latest)} 年，{y_cut} 年資料應已可取得",
            ))
    return flags


def _comparison_facts(rw: ReportWeek, census: pd.DataFrame, current: CensusResult, prefix: str,
                      other: ReportWeek, who: str) -> list[Fact]:
    """What the previous (or year-ago) week's sheet, rebuilt from the store, said — and what changed."""
    o_cut, _ = _cutoff_period(other)
    o_in = _census_up_to(census, o_cut)
    other_res = headline_facts(o_in, o_cut) if not o_in.empty else CensusResult()
    per = make.period(rw.start.isoformat(), rw.end.isoformat(), Basis.SNAPSHOT, rw.label_zh)
    out: list[Fact] = []
    cur_cut = census_last_month(rw.end)
    o_have = str(o_in["period"].max()) if not o_in.empty else None
    c_have = str(_census_up_to(census, cur_cut)["period"].max()) if not census.empty else None
    if o_have is None:
        text = f"{who}（{other.week}）無可用資料"
    elif o_have == c_have:
        text = f"無新資料（同為至 {c_have}）"
    else:
        text = f"{who}資料至 {o_have}，本週至 {c_have}"
    out.append(make.text_fact(
        key=_meta_key("census", "cutoff", prefix, per), kind=prefix, text=text, period=per,
        subject={"scheme": "census", "week": other.week, "other_cutoff": o_have or "", "cutoff": c_have or ""},
        label_zh=f"美國普查局資料範圍與{who}（{other.week}）比較",
    ))
    by_id = {f.id: f for f in other_res.facts}
    cur_by_id = {f.id: f for f in current.facts}
    for cty, cur_id in current.headline.items():
        o_id = other_res.headline.get(cty)
        if o_id is None:
            continue
        o_fact = by_id[o_id]
        if o_id != cur_id:
            # The other week's headline, under its own (period-bearing) id, marked as a different basis.
            o_fact = o_fact.model_copy(update={"note_zh": (
                f"{who}（{other.week}）週報可見的數字；與本週 {cur_by_id[cur_id].period.label_zh} 口徑不同，"
                "不可直接計算增減")})
            out.append(o_fact)
            text = f"由 {o_fact.period.label_zh} 更新為 {cur_by_id[cur_id].period.label_zh}"
        else:
            text = f"無新資料（同為 {cur_by_id[cur_id].period.label_zh}）"
        out.append(make.text_fact(
            key=_meta_key("census", "value", prefix, per, reporter="842", partner=cty, flow="balance"), kind=prefix, text=text, period=per,
            compares=[cur_id, o_id], subject={**o_fact.subject, "week": other.week},
            label_zh=f"美國對{o_fact.subject['partner_name']}貿易差額與{who}（{other.week}）週報比較",
        ))
    return out


def _comtrade_cutoff_change(rw: ReportWeek, comtrade: pd.DataFrame, prefix: str, other: ReportWeek,
                            who: str) -> Fact:
    """Which Comtrade year the other week could use, against this week's."""
    cur = int(comtrade["year"].max())
    o_cut = comtrade_last_year(other.end)
    older = comtrade[comtrade["year"] <= o_cut]["year"]
    o_have = int(older.max()) if not older.empty else None
    if o_have == cur:
        text = f"無新資料（同為 {cur} 年）"
    elif o_have is None:
        text = f"{who}（{other.week}）無可用資料"
    else:
        text = f"由 {o_have} 年更新為 {cur} 年"
    per = make.period(rw.start.isoformat(), rw.end.isoformat(), Basis.SNAPSHOT, rw.label_zh)
    return make.text_fact(
        key=_meta_key("comtrade", "cutoff", prefix, per), kind=prefix, text=text, period=per,
        subject={"scheme": "comtrade", "week": other.week, "other_cutoff": str(o_have or ""), "cutoff": str(cur)},
        label_zh=f"UN Comtrade 資料年度與{who}（{other.week}）比較",
    )
