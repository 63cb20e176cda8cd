"""The offline router: a parsed question → the right tool → a templated, cited reply.

Why deterministic: with the ``local`` or ``template`` backend there is no model able to
pick tools, and even with one, the common question shapes (a bilateral balance for a
period, its same-basis change, a reporter's top markets and HHI, a policy search, a data
caveat) deserve the same answer every time. A question the data cannot answer gets a
refusal that says what *is* there — never a number from anywhere but a fact.
"""

from __future__ import annotations

import re

from agent.chat import census_replies, comtrade_replies, derived_replies, policy_replies, quality_replies
from agent.chat import query as structured
from agent.chat.context import ChatContext
from agent.chat.parse import Query
from agent.chat.reply import Reply, refuse
from tools.countries import Country, resolve
from tools.errors import InputError


def _countries(q: Query) -> tuple[list[Country], list[str]]:
    """Resolved countries (in order, deduplicated) and the mentions that did not resolve."""
    out: list[Country] = []
    unknown: list[str] = []
    for key in [*q.countries, *q.codes]:
        try:
            c = resolve(key)
        except InputError:
            unknown.append(key)
            continue
        if all(c.name_en != o.name_en for o in out):
            out.append(c)
    return out, unknown


def _is_us(c: Country) -> bool:
    return c.comtrade == 842 or c.iso2 == "US"


def _reporter_phrasing(q: Query, c: Country) -> bool:
    """「日本的出口」/「日本出口」/"Japan's exports": the country is the reporter, not a US partner."""
    names = [c.name_zh, c.name_en, *c.aliases]
    flow = r"(?:的)?\s*(?:出口|進口|进口|總出口|总出口|exports?|imports?)"
    for name in names:
        if not name:
            continue
        n = re.escape(name)
        if re.search(rf"(?<![對对自從从向與与和跟])\s*{n}\s*{flow}", q.text, re.IGNORECASE) or re.search(
                rf"{n}'s\s+(?:total\s+)?(?:exports?|imports?)", q.text, re.IGNORECASE):
            return True
    return False


def _asks_share(q: Query) -> bool:
    return bool(re.search(r"share|percent|比重|占|佔|份額|份额|百分之", q.text, re.IGNORECASE))


def _partner_to_us(q: Query, partner: Country) -> bool:
    """「台灣對美國出口」 / "Taiwan's exports to the US": the partner is the exporter (or importer)."""
    us = r"(?:美國|美国|美方|美|the\s+US|the\s+U\.S\.|US|U\.S\.|the\s+United\s+States|United\s+States|America)"
    for name in [partner.name_zh, partner.name_en, *partner.aliases]:
        if not name:
            continue
        n = re.escape(name)
        if re.search(rf"{n}\s*(?:對|对|向|自|從|从)\s*{us}", q.text) or re.search(
                rf"{n}(?:'s)?\s+(?:total\s+)?(?:exports?|imports?|sells?|sold|buys?|bought|ships?|shipped)"
                rf"\s+(?:\w+\s+)?(?:to|from|go\s+to|come\s+from)\s+{us}", q.text, re.IGNORECASE):
            return True
    return False


def route(q: Query, ctx: ChatContext) -> Reply:
    if q.period.year is None and q.period.relative_year is not None:
        q.period.year = int(ctx.week[:4]) + q.period.relative_year
    if q.intent == "policy":
        return policy_replies.policy_reply(q, ctx)
    if q.unsupported:
        return refuse(q, ctx, f"資料庫沒有「{q.unsupported}」這類數據（只有商品貿易進出口值與出口管制文件）",
                      f"the data holds no {q.unsupported} figures (only goods trade values and export-control documents)")
    countries, unknown = _countries(q)
    if q.intent == "quality":
        return quality_replies.quality_reply(q, ctx, [c for c in countries if not _is_us(c)] or countries)
    if q.intent == "unknown":
        return refuse(q, ctx, "看不出問的是哪個國家、哪項指標或哪份政策文件",
                      "I could not tell which country, metric or policy document the question is about", clarify=True)
    if unknown and not countries:
        return refuse(q, ctx, "無法辨識問題中的國家或代碼", "the country or code in the question is not recognised")
    partners = [c for c in countries if not _is_us(c)]
    us_named = any(_is_us(c) for c in countries)
    metric = q.metric
    if (us_named and len(partners) == 1 and metric in ("exports", "imports") and structured.SHARE_WORDS.search(q.text)
            and structured.US_TOTAL.search(q.text)):
        # "What share of total US imports come from Taiwan?": the US's own (Comtrade) table has the total.
        us = next(c for c in countries if _is_us(c))
        return comtrade_replies.comtrade_pair_reply(q, ctx, us, partners[0])
    derived = _derived_query(q, partners, us_named)
    if derived is not None:
        return derived_replies.derived_reply(q, ctx, derived, partners)
    if q.rank and not partners and metric in ("balance", "exports", "imports", None):
        return census_replies.rank_reply(q, ctx, metric or "balance")
    comtrade_shape = metric in ("concentration", "total") or q.top
    if partners and not us_named and metric in ("exports", "imports") and _reporter_phrasing(q, partners[0]):
        comtrade_shape = True
    if partners and not us_named and any(c.comtrade is not None and str(c.comtrade) in q.codes for c in partners):
        comtrade_shape = comtrade_shape or metric in ("exports", "imports")  # a Comtrade code names a reporter
    if len(partners) == 2 and not us_named and metric in ("exports", "imports") and not q.top:
        return comtrade_replies.comtrade_pair_reply(q, ctx, partners[0], partners[1])
    if (us_named and len(partners) == 1 and metric in ("exports", "imports") and _asks_share(q)
            and _reporter_phrasing(q, partners[0])):
        # "What share of China's exports go to the US?": China's own (Comtrade) table, partner USA.
        us = next(c for c in countries if _is_us(c))
        return comtrade_replies.comtrade_pair_reply(q, ctx, partners[0], us)
    if comtrade_shape:
        reporters = partners if (partners and not (us_named and _us_first(q, countries))) else countries
        if not reporters:
            return refuse(q, ctx, "請指明是哪個報告國（例如：日本出口集中在哪些市場？）",
                          "say which reporting country you mean (e.g. Which markets do Japan's exports go to?)",
                          clarify=True, scope="comtrade")
        return comtrade_replies.comtrade_reply(q, ctx, reporters[0])
    if q.rank and not partners and metric in ("balance", "exports", "imports", None):
        return census_replies.rank_reply(q, ctx, metric or "balance")
    if q.series and len(partners) == 1:
        return census_replies.series_reply(q, ctx, partners[0], metric if metric in ("exports", "imports") else "balance")
    if metric is None:
        return refuse(q, ctx, "看不出問的是哪項指標（逆差、出口、進口、集中度…）；資料庫只有商品貿易數據",
                      "I could not tell which metric is meant (deficit, exports, imports, concentration…); "
                      "the data holds goods trade only", clarify=True)
    if not partners:
        if us_named or metric is not None:
            return refuse(q, ctx, "請指明美國的貿易夥伴（中國、台灣、日本、南韓或德國）",
                          "say which US trading partner you mean (China, Taiwan, Japan, Korea or Germany)",
                          clarify=True, scope="census")
        return refuse(q, ctx, "看不出問的是哪項指標", "I could not tell which metric is meant", clarify=True)
    if len(partners) > 1:
        return refuse(q, ctx, "一次請只問一個貿易夥伴", "please ask about one trading partner at a time",
                      clarify=True, scope="census")
    kind = metric or "balance"
    if us_named and kind in ("exports", "imports") and _partner_to_us(q, partners[0]):
        # 「台灣對美國出口」: the partner is the exporter; in US statistics that is US imports from it.
        return census_replies.census_reply(q, ctx, partners[0], "imports" if kind == "exports" else "exports", mirrored=True)
    return census_replies.census_reply(q, ctx, partners[0], kind)


def _derived_query(q: Query, partners: list[Country], us_named: bool) -> structured.TradeQuery | None:
    """The structured query of a sum/share/compare/total-trade question about US partners, or None.

    Questions about a reporter's own partner table (「日本出口最大市場」, "China's exports to the US")
    keep the Comtrade route: a derived Census figure there would answer another question.
    """
    if q.top or q.metric in ("concentration", "extreme", "quality") or q.series:
        return None
    if partners and not us_named and _reporter_phrasing(q, partners[0]):
        return None
    if partners and q.metric in ("exports", "imports") and _reporter_phrasing(q, partners[0]) and (
            structured.flow_of(q) != "total"):
        return None
    return structured.from_parsed(q, [c.name_en for c in partners], us_named)


def _us_first(q: Query, countries: list[Country]) -> bool:
    return bool(countries) and _is_us(countries[0])
