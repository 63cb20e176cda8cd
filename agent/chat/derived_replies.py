"""Replies built on derived facts: total trade, a group's sum, a partner's share, comparisons,
and the amount of a same-basis change — every figure computed by ``tools.facts.derived``.

Why here and not in the templates: the sentence only places figures; the sums, differences
and shares are facts with inputs and formulas, so the verifier checks them like any other.
"""

from __future__ import annotations

from agent.chat.census_replies import census_window
from agent.chat.context import ChatContext
from agent.chat.lookup import month_label
from agent.chat.parse import Query
from agent.chat.phrasing import Lang, period_label
from agent.chat.query import US_TOTAL, TradeQuery
from agent.chat.reply import Reply, refuse
from tools import fmt
from tools.countries import Country, by_census
from tools.facts import derived
from tools.facts.model import Fact
from tools.facts.producers import DerivedProducer

FLOW_EN = {"exports": "exports", "imports": "imports", "balance": "trade balance", "total": "total trade"}


def amount(fact: Fact, lang: Lang) -> str:
    """A USD fact as a sentence says it: a balance (or a change) by its magnitude; English number words."""
    value = fact.value or 0.0
    shown = abs(value) if fact.kind in ("balance", "derived_change", "derived_diff") or (
        fact.key.flow == "balance") else value
    return fmt.usd(shown) if lang == "zh" else fmt.usd_en(shown)


def _flow_zh(flow: str, value: float | None) -> str:
    if flow == "balance":
        return f"貿易{fmt.balance_word(value or 0)}"
    return {"exports": "出口", "imports": "進口", "total": "貿易總額（出口＋進口）"}[flow]


def _flow_en(flow: str, value: float | None) -> str:
    if flow == "balance":
        return "trade deficit" if (value or 0) < 0 else "trade surplus"
    return FLOW_EN[flow]


def _name(c: Country, lang: Lang) -> str:
    return c.name_zh if lang == "zh" else c.name_en


def _producer(ctx: ChatContext) -> DerivedProducer:
    return ctx.lookup.producers.get("derived")  # type: ignore[no-any-return]


def _census_partners(q: Query, ctx: ChatContext, tq: TradeQuery,
                     named: list[Country]) -> list[Country] | Reply:
    stored = ctx.lookup.census_partners()
    for c in named:
        if not c.census or c.census not in stored:
            return refuse(q, ctx, f"美國普查局資料只涵蓋部分貿易夥伴，沒有{c.name_zh}",
                          f"the US Census data here does not cover {c.name_en}", scope="census")
    if tq.all_partners:
        group = [k for code in sorted(stored) if (k := by_census(code)) is not None]
        return named + [c for c in group if c not in named]
    return named


def _window(q: Query, ctx: ChatContext, members: list[Country]) -> tuple[str, str, bool] | Reply:
    lk = ctx.lookup
    common = sorted(set.intersection(*(set(lk.census_months(c.census)) for c in members if c.census)))
    got = census_window(q, common)
    if isinstance(got, str):
        return refuse(q, ctx, "所問期間沒有這些夥伴的完整月度資料", "the months asked are not all in the data",
                      scope="census")
    return got


def _prior(start: str, end: str) -> tuple[str, str]:
    return f"{int(start[:4]) - 1:04d}{start[4:]}", f"{int(end[:4]) - 1:04d}{end[4:]}"


def derived_reply(q: Query, ctx: ChatContext, tq: TradeQuery, named: list[Country]) -> Reply:
    members = _census_partners(q, ctx, tq, named)
    if isinstance(members, Reply):
        return members
    if not members:
        return refuse(q, ctx, "請指明美國的貿易夥伴（中國、台灣、日本、南韓或德國）",
                      "say which US trading partners you mean (China, Taiwan, Japan, Korea or Germany)",
                      clarify=True, scope="census")
    window = _window(q, ctx, members)
    if isinstance(window, Reply):
        return window
    start, end, partial = window
    if tq.measure == "share":
        return _share(q, ctx, tq, members, start, end)
    if tq.measure == "compare":
        return _compare(q, ctx, tq, members, start, end)
    if tq.measure == "sum":
        return _group(q, ctx, tq, members, start, end)
    return _total(q, ctx, tq, members[0], start, end, partial)


def _value(ctx: ChatContext, c: Country, flow: str, start: str, end: str) -> Fact | None:
    return _producer(ctx).value(c.census or "", flow, start, end, c.name_zh)


def _incomplete(q: Query, ctx: ChatContext, start: str, end: str) -> Reply:
    return refuse(q, ctx, f"{month_label(start, end)}的資料不完整", "the data for that period is incomplete",
                  scope="census")


def _total(q: Query, ctx: ChatContext, tq: TradeQuery, c: Country, start: str, end: str, partial: bool) -> Reply:
    """Total trade (exports + imports) with one partner, and its change when asked."""
    lang = q.lang
    total = _value(ctx, c, "total", start, end)
    ex, im = _value(ctx, c, "exports", start, end), _value(ctx, c, "imports", start, end)
    if total is None or ex is None or im is None:
        return _incomplete(q, ctx, start, end)
    label = period_label(start, end, lang)
    if lang == "zh":
        line = (f"根據美國普查局資料，{label}美國與{c.name_zh}的貿易總額（出口＋進口）為 {amount(total, lang)}"
                f"（美國出口 {amount(ex, lang)}，自{c.name_zh}進口 {amount(im, lang)}）。")
    else:
        line = (f"According to US Census data, total US trade with {c.name_en} (exports plus imports) in {label} was "
                f"{amount(total, lang)} (exports {amount(ex, lang)}, imports {amount(im, lang)}).")
    lines, facts = [line], [total, ex, im]
    if partial:
        lines.append(f"注意：{start[:4]} 年資料僅至 {month_label(end, end)}，非全年。" if lang == "zh"
                     else f"Note: data for {start[:4]} run only through {period_label(end, end, lang)}; not a full year.")
    if tq.yoy:
        lines_, facts_ = _change_lines(q, ctx, total, c, "total", start, end)
        lines += lines_
        facts += facts_
    return Reply(lines=lines, facts=facts)


def _change_lines(q: Query, ctx: ChatContext, current: Fact, c: Country, flow: str, start: str,
                  end: str) -> tuple[list[str], list[Fact]]:
    lang = q.lang
    bstart, bend = _prior(start, end)
    base = _value(ctx, c, flow, bstart, bend)
    if base is None:
        return ([f"沒有{month_label(bstart, bend)}的同期資料可比較。" if lang == "zh"
                 else f"There are no same-period data for {period_label(bstart, bend, lang)} to compare with."], [])
    ch = derived.change_fact(current, base)
    pc = derived.pct_change_fact(current, base)
    if ch is None or ch.value is None:
        return [], []
    facts = [base, ch] + ([pc] if pc is not None else [])
    blabel = period_label(bstart, bend, lang)
    if lang == "zh":
        word = ("擴大" if ch.value > 0 else "收窄") if flow == "balance" else ("增加" if ch.value > 0 else "減少")
        pct = f"（{pc.display}）" if pc is not None else ""
        return [f"較前一年同期（{blabel}：{amount(base, lang)}）{word} {amount(ch, lang)}{pct}。"], facts
    word = ("widened" if ch.value > 0 else "narrowed") if flow == "balance" else ("rose" if ch.value > 0 else "fell")
    pct = f" ({pc.display} year on year)" if pc is not None else ""
    return [f"Compared with the same period a year earlier ({blabel}: {amount(base, lang)}), it {word} by "
            f"{amount(ch, lang)}{pct}."], facts


def change_lines(q: Query, ctx: ChatContext, current: Fact, c: Country) -> tuple[list[str], list[Fact]]:
    """The amount of a same-basis change of one partner's figure (for the single-partner reply)."""
    if current.value is None:
        return [], []
    bstart, bend = _prior(current.period.start, current.period.end)
    base = _value(ctx, c, current.key.flow, bstart, bend)
    if base is None:
        return [], []
    ch = derived.change_fact(current, base)
    if ch is None or ch.value is None:
        return [], []
    lang = q.lang
    if lang == "zh":
        flow = current.key.flow
        word = ("擴大" if ch.value > 0 else "收窄") if flow == "balance" else ("增加" if ch.value > 0 else "減少")
        return [f"以金額計，{word} {amount(ch, lang)}。"], [base, ch]
    more = ("larger" if ch.value > 0 else "smaller") if current.key.flow == "balance" else (
        "more" if ch.value > 0 else "less")
    return [f"In dollars, that is {amount(ch, lang)} {more} than a year earlier."], [base, ch]


def _members_facts(ctx: ChatContext, members: list[Country], flow: str, start: str, end: str) -> list[Fact] | None:
    got = [_value(ctx, c, flow, start, end) for c in members]
    if any(f is None or f.value is None for f in got):
        return None
    return [f for f in got if f is not None]


def _list(items: list[str], lang: Lang) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _compare(q: Query, ctx: ChatContext, tq: TradeQuery, members: list[Country], start: str, end: str) -> Reply:
    """Two or more partners side by side, ordered, with the gap between the first two."""
    lang = q.lang
    facts = _members_facts(ctx, members, tq.flow, start, end)
    if facts is None:
        return _incomplete(q, ctx, start, end)
    rank = derived.rank_fact(facts)
    if rank is None:
        return _incomplete(q, ctx, start, end)
    order = rank.subject["order"].split(",")
    by_code = {c.census: c for c in members}
    by_fact = {f.key.partner: f for f in facts}
    first, second = by_fact[order[0]], by_fact[order[1]]
    label = period_label(start, end, lang)
    if lang == "zh":
        parts = [f"{by_code[k].name_zh}{_flow_zh(tq.flow, by_fact[k].value)} {amount(by_fact[k], lang)}" for k in order]
        lines = [f"根據美國普查局資料，{label}美國對{_list(parts, lang)}。"]
    else:
        parts = [f"{by_code[k].name_en}: {_flow_en(tq.flow, by_fact[k].value)} {amount(by_fact[k], lang)}" for k in order]
        lines = [f"According to US Census data, in {label} — {'; '.join(parts)}."]
    out = [*facts, rank]
    diff = derived.diff_fact(first, second)
    a, b = by_code[order[0]], by_code[order[1]]
    if diff is not None and diff.value is not None:
        out.append(diff)
        if lang == "zh":
            what = "逆差" if tq.flow == "balance" and (first.value or 0) < 0 else (
                "順差" if tq.flow == "balance" else _flow_zh(tq.flow, first.value))
            lines.append(f"{a.name_zh}的{what}較大，比{b.name_zh}多 {amount(diff, lang)}。")
        else:
            what = _flow_en(tq.flow, first.value)
            lines.append(f"{a.name_en} has the larger {what}, by {amount(diff, lang)} more than {b.name_en}.")
    elif tq.flow == "balance":
        lines.append(f"{a.name_zh}為{fmt.balance_word(first.value or 0)}、{b.name_zh}為{fmt.balance_word(second.value or 0)}，"
                     "兩者方向不同，無法比較大小。" if lang == "zh" else
                     f"{a.name_en} and {b.name_en} are on opposite sides of the balance; their sizes are not comparable.")
    return Reply(lines=lines, facts=out)


def _group(q: Query, ctx: ChatContext, tq: TradeQuery, members: list[Country], start: str, end: str) -> Reply:
    lang = q.lang
    got = _producer(ctx).group([c.census or "" for c in members], tq.flow, start, end,
                               {c.census or "": c.name_zh for c in members})
    if got is None:
        return _incomplete(q, ctx, start, end)
    total, facts = got
    label = period_label(start, end, lang)
    if lang == "zh":
        parts = [f"{c.name_zh} {amount(f, lang)}" for c, f in zip(members, facts, strict=True)]
        line = (f"根據美國普查局資料，{label}美國對{_list([c.name_zh for c in members], lang)}的"
                f"{_flow_zh(tq.flow, total.value)}合計 {amount(total, lang)}（{_list(parts, lang)}）。")
    else:
        parts = [f"{c.name_en} {amount(f, lang)}" for c, f in zip(members, facts, strict=True)]
        line = (f"According to US Census data, the combined US {_flow_en(tq.flow, total.value)} with "
                f"{_list([c.name_en for c in members], lang)} in {label} was {amount(total, lang)} ({'; '.join(parts)}).")
    return Reply(lines=[line], facts=[total, *facts])


def _share(q: Query, ctx: ChatContext, tq: TradeQuery, members: list[Country], start: str, end: str) -> Reply:
    """The first partner's figure as a share of the group (the partners named, or all of them)."""
    lang = q.lang
    if US_TOTAL.search(q.text) and not tq.all_partners and len(members) < 2:
        return refuse(q, ctx, "資料庫沒有美國對全球的貿易總額，無法計算占美國總額的比重；可以問占本資料各夥伴合計的比重",
                      "the data holds no US total with the world, so a share of the US total cannot be computed; "
                      "a share of the partners in this data combined can be asked", scope="census")
    if len(members) < 2:
        return refuse(q, ctx, "比重需要一個群組：請列出夥伴，或說「這五個夥伴」",
                      "a share needs a group: name the partners, or say 'the five partners'", clarify=True,
                      scope="census")
    got = _producer(ctx).group([c.census or "" for c in members], tq.flow, start, end,
                               {c.census or "": c.name_zh for c in members})
    if got is None:
        return _incomplete(q, ctx, start, end)
    total, facts = got
    part = facts[0]
    sh = derived.share_fact(part, total)
    first = members[0]
    if sh is None:
        return refuse(q, ctx, f"{first.name_zh}與群組合計的差額方向不同（順差對逆差），比重沒有意義",
                      f"{first.name_en}'s balance is on the other side of the group's total, so a share is meaningless",
                      scope="census")
    label = period_label(start, end, lang)
    names = _list([c.name_zh if lang == "zh" else c.name_en for c in members], lang)
    if lang == "zh":
        line = (f"根據美國普查局資料，{label}美國對{first.name_zh}{_flow_zh(tq.flow, part.value)} {amount(part, lang)}，"
                f"占美國對{names}{_flow_zh(tq.flow, total.value)}合計 {amount(total, lang)}的 {sh.display}。")
    else:
        line = (f"According to US Census data, the US {_flow_en(tq.flow, part.value)} with {first.name_en} in {label} "
                f"was {amount(part, lang)}, {sh.display} of the combined {amount(total, lang)} with {names}.")
    return Reply(lines=[line], facts=[sh, part, total, *facts[1:]])
