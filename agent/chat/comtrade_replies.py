"""Replies from a Comtrade reporter's annual partner table: top markets, HHI, one partner's row."""

from __future__ import annotations

import re

from agent.chat.context import ChatContext
from agent.chat.parse import Query
from agent.chat.phrasing import Lang, country_name, year_label
from agent.chat.reply import Reply, refuse
from agent.chat.templates import render
from tools.countries import Country, by_comtrade, name_zh
from tools.facts.model import Fact


def hhi_band(ctx: ChatContext, hhi: Fact, lang: Lang) -> str:
    if ctx.sheet is not None and lang == "zh":
        band = ctx.sheet.lookup(hhi.key.with_(measure="hhi_band"))
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
        lines.append(render("comtrade_total", lang, year=year_label(year, lang), reporter=country_name(reporter, lang),
                            flow=flow_word, total=facts["total"].display, count=facts["partner_count"].display))
        used += [facts["total"], facts["partner_count"]]
    else:
        lines.append(render("comtrade_top", lang, year=year_label(year, lang), reporter=country_name(reporter, lang),
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
