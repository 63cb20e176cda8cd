"""Replies about data quality and coverage: the fact sheet's flags, partner counts, Census months."""

from __future__ import annotations

import re

from agent.chat.context import ChatContext
from agent.chat.parse import Query
from agent.chat.phrasing import country_name, year_label
from agent.chat.reply import Reply, refuse, run_start
from agent.chat.templates import render
from agent.verify import check_text
from tools.countries import Country, name_zh
from tools.facts.model import Fact


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
    name = country_name(c, lang)
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
                lines.append(render("quality_partner_count", lang, year=year_label(year, lang), country=name,
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
