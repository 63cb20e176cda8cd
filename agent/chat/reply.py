"""What a route produces before verification: lines, the facts/documents they cite, or a refusal.

Why its own module: every tool function returns a :class:`Reply` and every refusal says
what the data *does* hold (:func:`available`), so both live below the tools and the router.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from agent.chat.context import ChatContext
from agent.chat.lookup import months_between
from agent.chat.models import DocCite
from agent.chat.parse import Query
from agent.chat.templates import render
from tools.countries import by_census, by_comtrade, name_zh
from tools.facts.model import Fact

Lang = Literal["zh", "en"]


@dataclass
class Reply:
    lines: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    docs: list[DocCite] = field(default_factory=list)
    refused: bool = False
    available: str = ""


def refuse(q: Query, ctx: ChatContext, reason_zh: str, reason_en: str, *, clarify: bool = False,
           scope: str = "all") -> Reply:
    """「查無資料：…」 (or a clarifying question) plus what the data holds — never a number."""
    reason = reason_zh if q.lang == "zh" else reason_en
    line = render("clarify" if clarify else "no_data", q.lang, reason=reason)
    return Reply(lines=[line], refused=True, available=available(ctx, q.lang, scope))


def available(ctx: ChatContext, lang: Lang, scope: str = "all") -> str:
    """A one-paragraph inventory: partners and months, reporters and years, policy documents."""
    lk = ctx.lookup
    parts: list[str] = []
    if scope in ("all", "census") and not lk.census.empty:
        names = [name_zh(c, scheme="census", fallback=n) if lang == "zh" else _census_en(c, n)
                 for c, n in sorted(lk.census_partners().items())]
        months = lk.census_months()
        run = [m for m in months if m >= run_start(months)]
        if lang == "zh":
            parts.append(f"美國普查局月度進出口（美國對{'、'.join(names)}），{run[0]} 至 {run[-1]}")
        else:
            parts.append(f"US Census monthly trade of the US with {', '.join(names)}, {run[0]} to {run[-1]}")
    if scope in ("all", "comtrade") and not lk.comtrade.empty:
        reps = [name_zh(r, fallback=d) if lang == "zh" else _comtrade_en(r, d)
                for r, d in sorted(lk.comtrade_reporters().items())]
        years = ("、" if lang == "zh" else ", ").join(str(y) for y in lk.comtrade_years())
        if lang == "zh":
            parts.append(f"UN Comtrade 年度夥伴資料（報告國：{'、'.join(reps)}；年份 {years}）")
        else:
            parts.append(f"UN Comtrade annual partner tables (reporters: {', '.join(reps)}; years {years})")
    if scope in ("all", "policy"):
        parts.append(("商務部出口管制文件：" if lang == "zh" else "MOFCOM export-control documents: ")
                     + ctx.policy_available())
    return render("available", lang, what=("；" if lang == "zh" else "; ").join(parts))


def _comtrade_en(code: int, fallback: str) -> str:
    known = by_comtrade(code)
    return known.name_en if known else fallback


def _census_en(code: str, fallback: str) -> str:
    known = by_census(code)
    return known.name_en if known else fallback


def run_start(months: list[str]) -> str:
    """First month of the unbroken run that ends at the newest month (a stray old month is not 'coverage')."""
    if not months:
        return ""
    start = months[-1]
    for m in reversed(months[:-1]):
        if len(months_between(m, start)) != 2:
            break
        start = m
    return start
