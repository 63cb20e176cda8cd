"""The structured trade query: what an analyst's question asks, as typed fields.

Why pydantic and not the parser's loose ``Query``: the offline router and an LLM tool call
must ask for the same thing in the same words — partners, flow (exports, imports, balance
or total trade), measure (level, change, share, rank, compare, sum), the months and the
base months — so a figure is computed once, by ``tools.facts.derived``, whichever path
asked. ``from_parsed`` reads one from a parsed question; a shape it cannot express is
``None`` and the router says what can be asked instead of answering another question.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from agent.chat.parse import Query

Flow = Literal["exports", "imports", "balance", "total"]
Measure = Literal["level", "change", "share", "rank", "compare", "sum"]

#: Words that ask for exports + imports together.
TOTAL_WORDS = ("exports plus imports", "exports and imports combined", "imports plus exports", "total trade",
               "total us trade", "two-way trade", "bilateral trade", "trade volume", "進出口總額", "进出口总额",
               "貿易總額", "贸易总额", "進出口合計", "进出口合计", "雙邊貿易", "双边贸易", "貿易額", "贸易额",
               "出口加進口", "出口加进口", "進出口總值", "进出口总值", "貿易總值", "贸易总值", "總貿易", "总贸易")
#: Words that compare the partners named ("which is larger").
COMPARE = re.compile(r"哪一?個|哪一?个|哪國|哪国|which|較大|较大|較多|较多|較小|较小|larger|bigger|smaller|more|less|"
                     r"compare|比較|比较|相比|對比|对比|\bvs\b|versus|還是|还是|誰|谁|rank|排名|排序", re.IGNORECASE)
#: Words naming every partner the data covers as the group ("these five partners", "all partners").
ALL_PARTNERS = re.compile(r"(?:這|这|此|那)?(?:[五5])\s*(?:個|个)?\s*(?:貿易)?(?:夥伴|伙伴|國家|国家|partners?|countries)|"
                          r"(?:所有|全部|各)\s*(?:貿易)?(?:夥伴|伙伴|國家|国家)|(?:all|the five|these five|five)\s+"
                          r"(?:trading\s+)?(?:partners|countries)", re.IGNORECASE)
#: A group of some other size ("these three partners") cannot be matched to the data.
OTHER_GROUP = re.compile(r"(?:這|这)?([二兩两三四六七八九十2346789]|two|three|four|six|seven|eight)\s*(?:個|个)?\s*"
                         r"(?:貿易)?(?:夥伴|伙伴|國家|国家|partners|countries)", re.IGNORECASE)
SUM_WORDS = re.compile(r"合計|合计|加總|加总|總和|总和|一共|總共|总共|combined|together|in total|altogether|sum", re.IGNORECASE)
SHARE_WORDS = re.compile(r"share|percent|proportion|比例|比重|占|佔|份額|份额|百分之|幾成|几成", re.IGNORECASE)
US_TOTAL = re.compile(r"美國(?:對全球|對全世界|總|整體)|美国(?:对全球|对全世界|总|整体)|(?:all|total) US (?:trade|deficit|imports|exports)|"
                      r"US (?:global|total|overall) (?:trade|deficit|imports|exports)|world|全球|全世界", re.IGNORECASE)
AMOUNT_WORDS = re.compile(r"多少金額|多少金额|多少錢|多少钱|增加了多少|增加多少|減少了多少|减少了多少|減少多少|减少多少|"
                          r"多了多少|少了多少|how much|by how much|in dollars|absolute|amount", re.IGNORECASE)


class TradeQuery(BaseModel):
    """US trade with Census partners: what to compute and over which months."""

    partners: list[str] = Field(description="tools.countries resolve keys, in the order asked ('' group = all)")
    all_partners: bool = Field(default=False, description="the group is every partner the data covers")
    flow: Flow = "balance"
    measure: Measure = "level"
    yoy: bool = Field(default=False, description="also compare with the same months a year earlier")


def flow_of(q: Query) -> Flow:
    low = q.text.lower()
    if any(w in low for w in TOTAL_WORDS):
        return "total"
    if q.metric in ("exports", "imports"):
        return q.metric  # type: ignore[return-value]
    return "balance"


def from_parsed(q: Query, partners: list[str], us_named: bool) -> TradeQuery | None:
    """The structured query of a derived-figure question, or None when it is none of those shapes
    (single levels, series, extremes and Comtrade questions keep their own routes)."""
    text = q.text
    flow = flow_of(q)
    group_all = bool(ALL_PARTNERS.search(text))
    share = bool(SHARE_WORDS.search(text)) and (group_all or len(partners) > 1 or bool(US_TOTAL.search(text)))
    if share and partners:
        return TradeQuery(partners=partners, all_partners=group_all, flow=flow, measure="share")
    if SHARE_WORDS.search(text) and len(partners) == 1 and SUM_WORDS.search(text):
        # "China's share of these countries' total": a group we cannot name — refused, never a level.
        return TradeQuery(partners=partners, flow=flow, measure="share")
    if len(partners) >= 2:
        # Two partners without the US ("Taiwan's surplus with China") are a pair, not a US comparison.
        summed = bool(SUM_WORDS.search(text)) and not COMPARE.search(text)
        compared = bool(COMPARE.search(text))
        if summed and (us_named or q.metric == "balance" or flow == "total"):
            return TradeQuery(partners=partners, flow=flow, measure="sum", yoy=q.yoy)
        if us_named or (compared and q.metric == "balance"):
            return TradeQuery(partners=partners, flow=flow, measure="compare")
        return None
    if not partners and group_all and SUM_WORDS.search(text):
        return TradeQuery(partners=[], all_partners=True, flow=flow, measure="sum", yoy=q.yoy)
    if len(partners) == 1 and flow == "total":
        return TradeQuery(partners=partners, flow="total", measure="change" if q.yoy else "level", yoy=q.yoy)
    return None


def asks_amount(q: Query) -> bool:
    return bool(AMOUNT_WORDS.search(q.text))
