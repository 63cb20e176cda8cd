"""The chat's tools as plain functions: each reads facts (never invents them) and says what it used.

Why plain functions first: the offline router calls them directly, the tool-calling agent
calls the same functions through thin LangChain wrappers (``agent.chat.agent_tools``), so
both paths answer from identical figures and are verified the same way.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from agent.chat.context import ChatContext
from agent.chat.lookup import month_label, months_between
from agent.chat.models import DocCite
from agent.chat.parse import Query
from agent.chat.reply import Reply, refuse, run_start
from agent.chat.templates import render
from agent.verify import check_text
from tools import fmt
from tools.countries import Country, by_comtrade, name_zh
from tools.facts.model import Fact

Lang = Literal["zh", "en"]


def period_en(start: str, end: str) -> str:
    """English period in ISO months ('2025-01–2025-11', '2025-10', 'full-year 2024'): a bare year would
    read as a full year, which a year-to-date figure is not."""
    if start == end:
        return start
    if start[:4] == end[:4] and start.endswith("-01") and end.endswith("-12"):
        return f"full-year {start[:4]}"
    return f"{start}–{end}"


def _label(start: str, end: str, lang: Lang) -> str:
    return month_label(start, end) if lang == "zh" else period_en(start, end)


def _cname(c: Country, lang: Lang) -> str:
    return c.name_zh if lang == "zh" else c.name_en


# --- Census: US trade with one partner ----------------------------------------------------
def census_window(q: Query, months: list[str]) -> tuple[str, str, bool] | str:
    """(start, end, not_full_year) for the asked period, or a reason it is not in the data."""
    if not months:
        return "no months"
    latest = months[-1]
    ly, lm = int(latest[:4]), int(latest[5:])
    p = q.period
    if p.latest_month and p.year is None:
        return latest, latest, False
    year = p.year
    if p.month_from is not None:
        m1, m2 = p.month_from, p.month_to or p.month_from
        if year is None:
            year = ly if m2 <= lm else ly - 1
        if not (1 <= m1 <= m2 <= 12):
            return f"bad months {m1}-{m2}"
        start, end = f"{year:04d}-{m1:02d}", f"{year:04d}-{m2:02d}"
    elif year is not None:
        start, end = f"{year:04d}-01", f"{year:04d}-12"
        have = [m for m in months if m.startswith(f"{year:04d}-")]
        if f"{year:04d}-12" not in months and have and f"{year:04d}-01" in have:
            return f"{year:04d}-01", max(have), True
    else:
        start, end = f"{ly:04d}-01", latest
    missing = [m for m in months_between(start, end) if m not in months]
    if missing:
        return f"missing {missing[0]}"
    return start, end, False


def _prior(start: str, end: str) -> tuple[str, str]:
    return f"{int(start[:4]) - 1:04d}{start[4:]}", f"{int(end[:4]) - 1:04d}{end[4:]}"


def census_reply(q: Query, ctx: ChatContext, partner: Country, metric: str,
                 mirrored: bool = False) -> Reply:
    lk = ctx.lookup
    cty = partner.census
    if not cty or cty not in lk.census_partners():
        return refuse(q, ctx, f"美國普查局資料只涵蓋部分貿易夥伴，沒有{partner.name_zh}",
                      f"the US Census data here does not cover {partner.name_en}", scope="census")
    months = lk.census_months(cty)
    window = census_window(q, months)
    if isinstance(window, str):
        asked = _asked_label(q)
        return refuse(q, ctx, f"美國對{partner.name_zh}沒有{asked}的資料",
                      f"there is no US–{partner.name_en} data for {asked or 'that period'}", scope="census")
    start, end, partial = window
    lang = q.lang
    pname = _cname(partner, lang)
    if metric == "extreme":
        return _extreme_reply(q, ctx, partner, cty, months)
    kind = metric if metric in ("exports", "imports", "balance") else "balance"
    fact = lk.census_value(cty, kind, start, end, partner.name_zh)
    if fact is None or fact.value is None:
        return refuse(q, ctx, f"美國對{partner.name_zh}{month_label(start, end)}的資料不完整",
                      f"US–{partner.name_en} data for {period_en(start, end)} is incomplete", scope="census")
    facts = [fact]
    value = fact.value
    word_zh = {"exports": "出口", "imports": "進口"}.get(kind) or f"貿易{fmt.balance_word(value)}"
    word_en = {"exports": "exports", "imports": "imports"}.get(kind) or (
        "trade deficit" if value < 0 else "trade surplus")
    if lang == "en" and kind in ("exports", "imports"):
        where = "to" if kind == "exports" else "from"
        line = (f"According to US Census data, US {kind} {where} {pname} in {period_en(start, end)} were "
                f"{fmt.usd(value)}.")
    else:
        line = render("census_value", lang, period=_label(start, end, lang), partner=pname,
                      metric=word_zh if lang == "zh" else word_en,
                      value=fmt.usd(abs(value)) if kind == "balance" else fact.display)
    if lang == "zh" and kind == "imports":
        line = line.replace(f"美國對{pname}的進口", f"美國自{pname}的進口")
    lines = [line]
    if mirrored:
        lines.append(render("census_mirrored", lang, partner=pname,
                            flow=("出口" if kind == "imports" else "進口") if lang == "zh" else (
                                "exports to the US" if kind == "imports" else "imports from the US")))
    if partial:
        lines.append(render("census_not_full_year", lang, year=start[:4], period=_label(start, end, lang)))
    bstart, bend = _prior(start, end)
    base = lk.census_value(cty, kind, bstart, bend, partner.name_zh)
    if base is not None and base.value is not None:
        yoy = lk.census_yoy(fact, base)
        if yoy is not None and yoy.value is not None:
            facts += [base, yoy]
            direction = fmt.direction_word(yoy.value, "balance" if kind == "balance" else "flow")
            if lang == "en":
                direction = {"擴大": "widened", "收窄": "narrowed", "增長": "grew", "減少": "fell"}.get(direction,
                                                                                                   "was flat")
            base_value = fmt.usd(abs(base.value)) if kind == "balance" else base.display
            lines.append(render("census_yoy", lang, base_period=_label(bstart, bend, lang), base_value=base_value,
                                direction=direction, change=yoy.display))
    elif q.yoy:
        lines.append(render("no_data", lang, reason=(f"沒有{month_label(bstart, bend)}的同期資料可比較" if lang == "zh"
                                                     else f"no same-period data for {period_en(bstart, bend)}")))
    return Reply(lines=lines, facts=facts)


def _metric_words(kind: str, value: float, lang: Lang) -> str:
    if lang == "zh":
        return {"exports": "出口", "imports": "進口"}.get(kind) or fmt.balance_word(value)
    return {"exports": "exports", "imports": "imports"}.get(kind) or ("deficit" if value < 0 else "surplus")


def _shown(fact: Fact) -> str:
    """The display a sentence uses: a balance by its magnitude (the word says which side)."""
    if fact.kind == "balance" and fact.value is not None:
        return fmt.usd(abs(fact.value))
    return fact.display


def rank_reply(q: Query, ctx: ChatContext, kind: str) -> Reply:
    """The US partners in the data, ordered by deficit (or by flow) for one period."""
    lk = ctx.lookup
    partners = lk.census_partners()
    common = sorted(set.intersection(*(set(lk.census_months(c)) for c in partners))) if partners else []
    window = census_window(q, common)
    if isinstance(window, str):
        return refuse(q, ctx, f"沒有{_asked_label(q)}的資料", f"no data for {_asked_label(q)}", scope="census")
    start, end, partial = window
    facts = []
    for cty in partners:
        known = _census_country(cty)
        f = lk.census_value(cty, kind, start, end, known.name_zh if known else partners[cty])
        if f is not None and f.value is not None:
            facts.append(f)
    facts.sort(key=lambda f: (f.value or 0) if kind == "balance" else -(f.value or 0))
    lang = q.lang
    items = []
    for f in facts:
        known = _census_country(f.subject["partner"])
        name = (known.name_zh if lang == "zh" else known.name_en) if known else f.subject["partner"]
        items.append(f"{name}（{_metric_words(kind, f.value or 0, lang)} {_shown(f)}）" if lang == "zh"
                     else f"{name} ({_metric_words(kind, f.value or 0, lang)} {_shown(f)})")
    label = _label(start, end, lang)
    if lang == "zh":
        what = {"exports": "出口", "imports": "進口"}.get(kind, "貿易逆差")
        line = f"{label}美國{what}依金額由大到小（僅比較本資料涵蓋的夥伴）：{'、'.join(items)}。"
    else:
        what = {"exports": "exports", "imports": "imports"}.get(kind, "trade deficit")
        line = f"US {what} by partner in {label}, largest first (partners in this data only): {'; '.join(items)}."
    lines = [line]
    if partial:
        lines.append(render("census_not_full_year", lang, year=start[:4], period=label))
    return Reply(lines=lines, facts=facts)


def series_reply(q: Query, ctx: ChatContext, partner: Country, kind: str) -> Reply:
    """One line per month for one partner (at most the last 24 months asked)."""
    lk = ctx.lookup
    cty = partner.census
    if not cty or cty not in lk.census_partners():
        return refuse(q, ctx, f"美國普查局資料沒有{partner.name_zh}", f"no US Census data for {partner.name_en}",
                      scope="census")
    months = lk.census_months(cty)
    window = census_window(q, months)
    if isinstance(window, str):
        return refuse(q, ctx, f"美國對{partner.name_zh}沒有{_asked_label(q)}的資料",
                      f"no US–{partner.name_en} data for that period", scope="census")
    start, end, _ = window
    lang = q.lang
    wanted = months_between(start, end)[-24:]
    facts = [f for m in wanted if (f := lk.census_value(cty, kind, m, m, partner.name_zh)) is not None]
    head = (f"美國對{partner.name_zh}逐月{ {'exports': '出口', 'imports': '進口'}.get(kind, '貿易差額') }：" if lang == "zh"
            else f"US {kind} with {partner.name_en}, month by month:")
    lines = [head]
    for f in facts:
        label = _label(f.period.start, f.period.end, lang)
        lines.append(f"・{label}：{_metric_words(kind, f.value or 0, lang)} {_shown(f)}" if lang == "zh"
                     else f"- {label}: {_metric_words(kind, f.value or 0, lang)} {_shown(f)}")
    return Reply(lines=lines, facts=facts)


def _census_country(code: str) -> Country | None:
    from tools.countries import by_census

    return by_census(code)


def _asked_label(q: Query) -> str:
    p = q.period
    if p.year and p.month_from:
        return month_label(f"{p.year}-{p.month_from:02d}", f"{p.year}-{(p.month_to or p.month_from):02d}")
    if p.year:
        return f"{p.year} 年"
    return "該期間"


def _extreme_reply(q: Query, ctx: ChatContext, partner: Country, cty: str, months: list[str]) -> Reply:
    lang = q.lang
    kind = q.metric if q.metric in ("exports", "imports") else "balance"
    if "出口" in q.text or "export" in q.text.lower():
        kind = "exports"
    elif "進口" in q.text or "进口" in q.text or "import" in q.text.lower():
        kind = "imports"
    run = [m for m in months if m >= run_start(months)]
    start, end = run[0], run[-1]
    if q.period.year:
        inyear = [m for m in run if m.startswith(f"{q.period.year:04d}-")]
        if not inyear:
            return refuse(q, ctx, f"美國對{partner.name_zh}沒有 {q.period.year} 年的月度資料",
                          f"no monthly US–{partner.name_en} data for {q.period.year}", scope="census")
        start, end = inyear[0], inyear[-1]
    lowest = bool(re.search(r"最小|最低|lowest|smallest|least", q.text, re.IGNORECASE))
    got = ctx.lookup.census_extreme(cty, kind, start, end, partner.name_zh, lowest=lowest)
    if got is None:
        return refuse(q, ctx, "該期間沒有月度資料", "no monthly data for that window", scope="census")
    extreme, monthly = got
    month = extreme.subject["month"]
    if lang == "zh":
        what = {"balance": "單月逆差最大" if (extreme.value or 0) < 0 else "單月順差最大",
                "exports": "單月出口最高", "imports": "單月進口最高"}[kind]
        if lowest:
            what = {"balance": "單月逆差最小" if (extreme.value or 0) < 0 else "單月順差最小",
                    "exports": "單月出口最低", "imports": "單月進口最低"}[kind]
        line = render("census_extreme", lang, window=month_label(start, end), partner=partner.name_zh, what=what,
                      month=month_label(month, month), value=fmt.usd(abs(extreme.value or 0)))
    else:
        what = {"balance": "monthly deficit" if (extreme.value or 0) < 0 else "monthly surplus",
                "exports": "monthly exports", "imports": "monthly imports"}[kind]
        line = render("census_extreme", lang, window=period_en(start, end), partner=partner.name_en, what=what,
                      month=period_en(month, month), value=fmt.usd(abs(extreme.value or 0)))
        if lowest:
            line = line.replace(" peaked in ", " was smallest in ")
    return Reply(lines=[line], facts=[extreme, monthly])


# --- Comtrade: a reporter's markets ---------------------------------------------------------
def hhi_band(ctx: ChatContext, hhi: Fact, lang: Lang) -> str:
    if ctx.sheet is not None and lang == "zh":
        band = ctx.sheet.by_id().get(hhi.id.replace(".hhi", ".hhi_band"))
        if band is not None and band.display and not re.search(r"\d", band.display):
            return band.display
    value = hhi.value or 0
    key = "hhi_band_low" if value < 1500 else "hhi_band_mid" if value <= 2500 else "hhi_band_high"
    return render(key, lang)


def partner_name(code: int, desc: str, lang: Lang) -> str:
    if lang == "zh":
        return name_zh(code, fallback=desc)
    known = by_comtrade(code)
    return known.name_en if known else desc


def comtrade_reply(q: Query, ctx: ChatContext, reporter: Country) -> Reply:
    lang = q.lang
    lk = ctx.lookup
    code = reporter.comtrade
    if code is None or code not in lk.comtrade_reporters():
        return refuse(q, ctx, f"UN Comtrade 樣本沒有以{reporter.name_zh}為報告國的資料",
                      f"the UN Comtrade data has no tables reported by {reporter.name_en}", scope="comtrade")
    flow = "M" if q.metric == "imports" else "X"
    years = lk.comtrade_years(code)
    year = q.period.year or (years[-1] if years else None)
    if year is None or year not in years:
        return refuse(q, ctx, f"UN Comtrade 沒有{reporter.name_zh} {q.period.year} 年的資料",
                      f"UN Comtrade has no {q.period.year} data for {reporter.name_en}", scope="comtrade")
    table = lk.comtrade_table(code, flow, year)
    names = {int(p): partner_name(int(p), str(d), "zh") for p, d in zip(table["partner_code"], table["partner_desc"],
                                                                          strict=False)}
    facts = lk.comtrade_facts(code, flow, year, reporter.name_zh, names)
    if facts is None:
        return refuse(q, ctx, f"{reporter.name_zh} {year} 年沒有可用的夥伴資料",
                      f"no usable partner rows for {reporter.name_en} in {year}", scope="comtrade")
    flow_word = ("出口" if flow == "X" else "進口") if lang == "zh" else ("exports" if flow == "X" else "imports")
    market = ("市場" if flow == "X" else "來源") if lang == "zh" else ("markets" if flow == "X" else "sources")
    items = []
    used: list[Fact] = []
    for rank in (1, 2, 3):
        pv, sh = facts.get(f"partner{rank}"), facts.get(f"share{rank}")
        if pv is None or sh is None:
            continue
        code_p = int(pv.subject["partner"])
        items.append(render("comtrade_partner", lang, name=partner_name(code_p, names.get(code_p, ""), lang),
                            value=pv.display, share=sh.display))
        used += [pv, sh]
    sep = "、" if lang == "zh" else "; "
    lines = []
    if q.metric == "total" and not q.top:
        lines.append(render("comtrade_total", lang, year=_year(year, lang), reporter=_cname(reporter, lang),
                            flow=flow_word, total=facts["total"].display, count=facts["partner_count"].display))
        used += [facts["total"], facts["partner_count"]]
    else:
        lines.append(render("comtrade_top", lang, year=_year(year, lang), reporter=_cname(reporter, lang),
                            flow=flow_word, market=market, partners=sep.join(items),
                            top_share=facts["top3_share"].display))
        used.append(facts["top3_share"])
    lines.append(render("comtrade_hhi", lang, hhi=facts["hhi"].display, band=hhi_band(ctx, facts["hhi"], lang)))
    used.append(facts["hhi"])
    if any(f.source is not None and f.source.synthetic for f in used):
        lines.append(render("comtrade_synthetic", lang))
    return Reply(lines=lines, facts=used)


def comtrade_pair_reply(q: Query, ctx: ChatContext, reporter: Country, partner: Country) -> Reply:
    """「日本對中國出口」: one partner's row in the reporter's Comtrade table, with its share."""
    lang = q.lang
    lk = ctx.lookup
    code = reporter.comtrade
    if code is None or code not in lk.comtrade_reporters() or partner.comtrade is None:
        return refuse(q, ctx, f"UN Comtrade 樣本沒有以{reporter.name_zh}為報告國的資料",
                      f"the UN Comtrade data has no tables reported by {reporter.name_en}", scope="comtrade")
    years = lk.comtrade_years(code)
    year = q.period.year or years[-1]
    if year not in years or q.period.month_from is not None:
        return refuse(q, ctx, f"UN Comtrade 只有{reporter.name_zh}的年度資料（{'、'.join(map(str, years))}）",
                      f"UN Comtrade holds annual data for {reporter.name_en} ({', '.join(map(str, years))}) only",
                      scope="comtrade")
    flow = "M" if q.metric == "imports" else "X"
    got = lk.comtrade_partner(code, flow, year, partner.comtrade, reporter.name_zh, partner.name_zh)
    if got is None:
        return refuse(q, ctx, f"{reporter.name_zh} {year} 年的夥伴表沒有{partner.name_zh}",
                      f"{reporter.name_en}'s {year} table has no row for {partner.name_en}", scope="comtrade")
    value, share = got
    if lang == "zh":
        verb = "對" if flow == "X" else "自"
        line = (f"依 UN Comtrade 資料，{year} 年{reporter.name_zh}{verb}{partner.name_zh}"
                f"{'出口' if flow == 'X' else '進口'}為 {value.display}，占其{'出口' if flow == 'X' else '進口'}的 "
                f"{share.display}。")
    else:
        where = "to" if flow == "X" else "from"
        line = (f"According to UN Comtrade, {reporter.name_en}'s {'exports' if flow == 'X' else 'imports'} {where} "
                f"{partner.name_en} in {year} were {value.display}, {share.display} of the total.")
    lines = [line]
    if value.source is not None and value.source.synthetic:
        lines.append(render("comtrade_synthetic", lang))
    return Reply(lines=lines, facts=[value, share])


def _year(year: int, lang: Lang) -> str:
    return f"{year} 年" if lang == "zh" else str(year)


# --- quality -------------------------------------------------------------------------------
def quality_reply(q: Query, ctx: ChatContext, countries: list[Country]) -> Reply:
    lang = q.lang
    lk = ctx.lookup
    if not countries:
        flags = ctx.sheet.flags if ctx.sheet is not None else []
        if not flags:
            return refuse(q, ctx, "請指明國家（例如：德國的數據為什麼偏少？）",
                          "say which country you mean (e.g. Why is Germany's data thin?)", clarify=True)
        lines = [render("quality_intro", lang, country="全部資料" if lang == "zh" else "all data")]
        lines += [render("quality_flag", lang, message=f.message_zh) for f in flags]
        cited = [lk.sheet.get(i) for f in flags for i in f.fact_ids if lk.sheet and i in lk.sheet.by_id()]
        return Reply(lines=lines, facts=cited)
    c = countries[0]
    name = _cname(c, lang)
    lines = [render("quality_intro", lang, country=name)]
    facts: list[Fact] = []
    codes = [str(c.comtrade or ""), c.census or ""]
    flags = [f for f in lk.flags_for(*codes) if f.subject]
    seen: set[str] = set()
    for flag in flags:
        cited = [lk.sheet.get(i) for i in flag.fact_ids if lk.sheet is not None and i in lk.sheet.by_id()]
        line = render("quality_flag", lang, message=_without_threshold(flag.message_zh))
        # A flag whose message carries a number no cited fact vouches for (a threshold) is left out.
        if line in seen or check_text(line, cited):
            continue
        seen.add(line)
        lines.append(line)
        facts += cited
    known = False
    if c.comtrade is not None and c.comtrade in lk.comtrade_reporters():
        known = True
        synthetic = False
        for year in lk.comtrade_years(c.comtrade):
            for flow in ("X", "M"):
                table = lk.comtrade_table(c.comtrade, flow, year)
                if table.empty:
                    continue
                synthetic = synthetic or bool(table["synthetic"].any())
                names = {int(p): name_zh(int(p), fallback=str(d)) for p, d in
                         zip(table["partner_code"], table["partner_desc"], strict=False)}
                got = lk.comtrade_facts(c.comtrade, flow, year, c.name_zh, names)
                if got is None:
                    continue
                facts.append(got["partner_count"])
                flow_word = ("出口" if flow == "X" else "進口") if lang == "zh" else (
                    "exports" if flow == "X" else "imports")
                lines.append(render("quality_partner_count", lang, year=_year(year, lang), country=name,
                                    flow=flow_word, count=got["partner_count"].display))
                if bool(table["row_capped"].any()):
                    lines.append(render("quality_flag", lang, message=(
                        "此查詢觸及 Comtrade 預覽 API 的列數上限，夥伴表可能被截斷" if lang == "zh" else
                        "this query hit the Comtrade preview row cap; the partner table may be truncated")))
        if synthetic:
            lines.append(render("comtrade_synthetic", lang))
    if c.census and c.census in lk.census_partners():
        known = True
        months = lk.census_months(c.census)
        run = [m for m in months if m >= run_start(months)]
        fact = lk.census_value(c.census, "balance", run[0], run[-1], c.name_zh)
        if fact is not None:
            facts.append(fact)
            lines.append(render("quality_census", lang, country=name, first=run[0], last=run[-1]))
    if not known:
        return refuse(q, ctx, f"資料庫沒有{c.name_zh}的資料", f"the data holds nothing for {c.name_en}")
    if len(lines) == 1:
        lines.append(render("quality_none", lang, country=name))
    return Reply(lines=lines, facts=facts)


def _without_threshold(message: str) -> str:
    """「…-31.2%，超過 ±20% 門檻」→「…-31.2%（超過門檻）」: a rule's threshold is not a data figure."""
    return re.sub(r"[，,]?\s*(超過|超过|高於|低於)\s*[±+-]?\s*\d+(?:\.\d+)?\s*%?\s*(?:的)?\s*門檻",
                  r"（\1門檻）", message)


# --- policy --------------------------------------------------------------------------------
#: Topic vocabulary → terms as they appear in the (simplified-Chinese) MOFCOM texts.
TOPICS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("rare earth", "rare-earth", "稀土"), ("稀土",)),
    (("gallium", "鎵", "镓"), ("镓",)),
    (("germanium", "鍺", "锗"), ("锗",)),
    (("antimony", "銻", "锑"), ("锑",)),
    (("graphite", "石墨"), ("石墨",)),
    (("tungsten", "鎢", "钨"), ("钨",)),
    (("tellurium", "碲"), ("碲",)),
    (("bismuth", "鉍", "铋"), ("铋",)),
    (("molybdenum", "鉬", "钼"), ("钼",)),
    (("indium", "銦", "铟"), ("铟",)),
    (("lithium", "battery", "batteries", "鋰", "锂", "電池", "电池"), ("锂", "电池")),
    (("superhard", "super-hard", "diamond", "超硬", "金剛石", "金刚石"), ("超硬",)),
    (("unreliable entity", "不可靠實體", "不可靠实体"), ("不可靠实体",)),
    (("dual-use", "dual use", "兩用", "两用"), ("两用",)),
    (("nexperia", "安世"), ("安世",)),
    (("hanwha", "韓華", "韩华"), ("韩华",)),
    (("drone", "uav", "無人機", "无人机"), ("无人机", "无人驾驶")),
    (("sanction", "制裁"), ("制裁",)),
    (("countermeasure", "反制"), ("反制",)),
    (("export control law", "出口管制法"), ("出口管制法",)),
    (("japan", "日本"), ("日本",)),
    (("netherlands", "dutch", "荷蘭", "荷兰"), ("荷兰", "荷方")),
    (("semiconductor", "chip", "半導體", "半导体", "芯片", "晶片"), ("半导体", "芯片")),
)
_GENERIC = {"mofcom", "announce", "announced", "announcement", "announcements", "export", "exports", "control",
            "controls", "china", "chinese", "commerce", "ministry", "policy", "policies", "new", "what", "did",
            "the", "about", "any", "documents", "document", "regulation", "regulations", "rules"}


def topic_terms(q: Query) -> tuple[list[str], str]:
    """(terms to find in the documents, topic label). Unknown topic phrase → ([phrase], phrase)."""
    from agent.verify import to_traditional

    low = q.text.lower()
    terms: list[str] = []
    label = ""
    for keys, found in TOPICS:
        if any(k in low for k in keys):
            terms += [t for t in found if t not in terms]
            label = label or keys[-1 if q.lang == "zh" else 0]
    if terms:
        return terms, (to_traditional(label) if q.lang == "zh" else label)
    phrase = q.topic.strip()
    if phrase and phrase.lower() not in _GENERIC and not all(w in _GENERIC for w in phrase.lower().split()):
        return [_to_simplified(phrase)], phrase
    return [], ""


def _to_simplified(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("t2s").convert(text))


def policy_reply(q: Query, ctx: ChatContext) -> Reply:
    lang = q.lang
    terms, label = topic_terms(q)
    hits = ctx.policy_search(q.text, k=10, since=q.policy_since, until=q.policy_until)
    if terms:
        hits = [h for h in hits if any(t in _to_simplified(h.title + h.text) for t in terms)]
    elif not (q.policy_since or q.policy_until):
        hits = hits[:5]
    if not hits:
        window = _window(q, "zh")
        return refuse(q, ctx, f"沒有找到{window}與「{label or q.topic or '此主題'}」相符的商務部文件",
                      f"no MOFCOM document matches \"{label or q.topic or 'that topic'}\"{_window(q, 'en')}",
                      scope="policy")
    hits = hits[:5]
    if lang == "zh":
        intro = render("policy_intro", lang, window=_window(q, "zh"), topic=label or "出口管制")
    else:
        intro = render("policy_intro", lang, window=_window(q, "en"), topic=label or "export controls")
    lines = [intro]
    docs: list[DocCite] = []
    for h in hits:
        effective = [d.isoformat() for d in h.effective if d != h.date]
        when = h.date.isoformat() + (("；生效 " if lang == "zh" else "; effective ") + "、".join(effective)
                                     if effective else "")
        lines.append(render("policy_item", lang, title=h.title, date=when, url=h.url or f"[{h.doc_id}]"))
        docs.append(DocCite(doc_id=h.doc_id, title=h.title, url=h.url, date=h.date.isoformat(), effective=effective))
    return Reply(lines=lines, docs=docs)


def _window(q: Query, lang: Lang) -> str:
    since, until = q.policy_since, q.policy_until
    if since is None or until is None:
        return ""
    if lang == "zh":
        if since.month == 1 and until.month == 12 and since.year == until.year:
            return f"{since.year} 年"
        if since.month == until.month and since.year == until.year:
            return f"{since.year} 年 {since.month} 月"
        return f"{since.isoformat()} 至 {until.isoformat()}"
    if since.month == until.month and since.year == until.year:
        return f" in {date(since.year, since.month, 1):%B %Y}"
    return f" between {since.isoformat()} and {until.isoformat()}"
