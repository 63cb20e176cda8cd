"""Replies about US trade with one partner (Census): a period's value and same-basis change,
monthly extremes, a month-by-month series, and the partners ranked.
"""

from __future__ import annotations

import re

from agent.chat.context import ChatContext
from agent.chat.lookup import month_label, months_between
from agent.chat.parse import Query
from agent.chat.phrasing import Lang, country_name, period_en, period_label
from agent.chat.reply import Reply, refuse, run_start
from agent.chat.templates import render
from tools import fmt
from tools.countries import Country
from tools.facts.model import Fact


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


def _partner_window(q: Query, ctx: ChatContext,
                    partner: Country) -> tuple[str, list[str], tuple[str, str, bool]] | Reply:
    """The partner's Census code, its stored months and the asked window — or the refusal that says
    which of the three the data lacks (shared by single answers and monthly series)."""
    cty = partner.census
    if not cty or cty not in ctx.lookup.census_partners():
        return refuse(q, ctx, f"美國普查局資料只涵蓋部分貿易夥伴，沒有{partner.name_zh}",
                      f"the US Census data here does not cover {partner.name_en}", scope="census")
    months = ctx.lookup.census_months(cty)
    window = census_window(q, months)
    if isinstance(window, str):
        return refuse(q, ctx, f"美國對{partner.name_zh}沒有{_asked_label(q)}的資料",
                      f"there is no US–{partner.name_en} data for {_asked_label(q, 'en')}", scope="census")
    return cty, months, window


def census_reply(q: Query, ctx: ChatContext, partner: Country, metric: str,
                 mirrored: bool = False) -> Reply:
    lk = ctx.lookup
    found = _partner_window(q, ctx, partner)
    if isinstance(found, Reply):
        return found
    cty, months, (start, end, partial) = found
    lang = q.lang
    pname = country_name(partner, lang)
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
        line = render("census_value", lang, period=period_label(start, end, lang), partner=pname,
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
        lines.append(render("census_not_full_year", lang, year=start[:4], period=period_label(start, end, lang)))
    bstart, bend = _prior(start, end)
    base = lk.census_value(cty, kind, bstart, bend, partner.name_zh)
    if base is not None and base.value is not None:
        yoy = lk.census_yoy(fact, base)
        if yoy is not None and yoy.unit == "text":  # a balance that changed sign: stated, never a percentage
            facts += [base, yoy]
            flipped = yoy.display if lang == "zh" else (
                f"turned from a {'deficit' if base.value < 0 else 'surplus'} to a "
                f"{'deficit' if (fact.value or 0) < 0 else 'surplus'}")
            lines.append(render("census_flip", lang, base_period=period_label(bstart, bend, lang),
                                base_value=fmt.usd(abs(base.value)), change=flipped))
        elif yoy is not None and yoy.value is not None:
            facts += [base, yoy]
            direction = fmt.direction_word(yoy.value, "balance" if kind == "balance" else "flow")
            if lang == "en":
                direction = {"擴大": "widened", "收窄": "narrowed", "增長": "grew", "減少": "fell"}.get(direction,
                                                                                                   "was flat")
            base_value = fmt.usd(abs(base.value)) if kind == "balance" else base.display
            lines.append(render("census_yoy", lang, base_period=period_label(bstart, bend, lang), base_value=base_value,
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
        return refuse(q, ctx, f"沒有{_asked_label(q)}的資料", f"no data for {_asked_label(q, 'en')}", scope="census")
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
    label = period_label(start, end, lang)
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
    found = _partner_window(q, ctx, partner)
    if isinstance(found, Reply):
        return found
    cty, _months, (start, end, _) = found
    lang = q.lang
    wanted = months_between(start, end)[-24:]
    facts = [f for m in wanted if (f := lk.census_value(cty, kind, m, m, partner.name_zh)) is not None]
    head = (f"美國對{partner.name_zh}逐月{ {'exports': '出口', 'imports': '進口'}.get(kind, '貿易差額') }：" if lang == "zh"
            else f"US {kind} with {partner.name_en}, month by month:")
    lines = [head]
    for f in facts:
        label = period_label(f.period.start, f.period.end, lang)
        lines.append(f"・{label}：{_metric_words(kind, f.value or 0, lang)} {_shown(f)}" if lang == "zh"
                     else f"- {label}: {_metric_words(kind, f.value or 0, lang)} {_shown(f)}")
    return Reply(lines=lines, facts=facts)


def _census_country(code: str) -> Country | None:
    from tools.countries import by_census

    return by_census(code)


def _asked_label(q: Query, lang: Lang = "zh") -> str:
    """The period the user asked for, restated only when it is a real one (never echo 「13 月」)."""
    p = q.period
    m1, m2 = p.month_from, p.month_to or p.month_from
    vague = "該期間" if lang == "zh" else "that period"
    if p.year and m1 and m2:
        if 1 <= m1 <= m2 <= 12:
            return period_label(f"{p.year}-{m1:02d}", f"{p.year}-{m2:02d}", lang)
        return vague
    if p.year:
        return f"{p.year} 年" if lang == "zh" else str(p.year)
    return vague


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
        what = {"balance": ("monthly deficit with " if (extreme.value or 0) < 0 else "monthly surplus with "),
                "exports": "monthly exports to ", "imports": "monthly imports from "}[kind] + partner.name_en
        line = render("census_extreme", lang, window=period_en(start, end), what=what,
                      extreme="lowest" if lowest else "highest", be="was" if kind == "balance" else "were",
                      month=period_en(month, month),
                      value=fmt.usd(abs(extreme.value or 0)))
    return Reply(lines=[line], facts=[extreme, monthly])
