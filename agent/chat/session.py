"""A conversation: follow-up questions inherit what the previous question established.

Why: analysts ask 「美國對台灣逆差多少？」 then 「那日本呢？」 or 「出口呢？」 or 「2024 年呢？」. The
follow-up names only what changed; the rest (country, metric, period) carries over. Only
the router's structured query carries over — never a number from an earlier answer.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from agent.chat.answer import answer_in, finish
from agent.chat.context import ChatContext
from agent.chat.models import Answer
from agent.chat.parse import Query, parse
from agent.chat.router import route

#: Only a question phrased as a follow-up inherits: 「那日本呢？」, "what about Japan?", 「出口呢」.
_FOLLOW_UP = re.compile(r"呢|^那|^還有|^还有|同樣|同样|換成|换成|^and\b|what about|how about|same for|instead",
                        re.IGNORECASE)


def follow_up(q: Query, prev: Query | None) -> Query:
    """``q`` with the country / metric / period of ``prev`` filled in where ``q`` leaves them open."""
    if prev is None or prev.intent != "trade" or q.intent in ("policy", "quality") or q.unsupported:
        return q
    if not _FOLLOW_UP.search(q.text.strip()):
        return q
    merged = copy.deepcopy(q)
    if merged.metric is None and prev.metric is not None and merged.intent in ("unknown", "trade"):
        merged.metric = prev.metric
        merged.top, merged.rank, merged.series = prev.top, prev.rank, prev.series
        merged.yoy = merged.yoy or prev.yoy
    if merged.metric is None:
        return q
    if not merged.countries and not merged.codes and not merged.rank:
        merged.countries, merged.codes = list(prev.countries), list(prev.codes)
    elif prev.countries and "US" in prev.countries and "US" not in merged.countries and not merged.top:
        merged.countries = ["US", *merged.countries]  # 「那日本呢？」 after a US–Taiwan question
    if not merged.period.said:
        merged.period = copy.deepcopy(prev.period)
    merged.intent = "trade"
    return merged


@dataclass
class ChatSession:
    """One conversation over one context; ``ask`` answers with follow-up context, ``history`` keeps it."""

    ctx: ChatContext
    backend: Any = None
    history: list[Answer] = field(default_factory=list)
    _last: Query | None = None

    def ask(self, question: str) -> Answer:
        q = parse(question)
        merged = follow_up(q, self._last)
        if merged is q:
            ans = answer_in(question, self.ctx, backend=self.backend)
        else:
            ans = finish(question, route(merged, self.ctx), route_name="router", week=self.ctx.week)
        if not ans.refused or merged.metric is not None:
            self._last = merged
        self.history.append(ans)
        return ans
