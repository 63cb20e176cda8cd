"""Plain sentences rendered from facts: the template backend's prose and every fallback.

Why: when a model sentence fails verification the page still needs that statement, and
the only safe way to write it is from the facts themselves. Sentence patterns live in
``templates/sentences.yaml`` so the wording is edited as text, not code.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

from agent.verify import to_traditional
from tools.facts.model import Fact
from tools.fmt import balance_word, direction_word
from tools.sources.federal_register import DOC_TYPE_ZH, publisher_zh
from tools.yaml_safe import safe_load

from .facts_view import Change, ReporterYear, partner_name
from .policy_status import DocStatus

_TEMPLATES = Path(__file__).parent / "templates" / "sentences.yaml"


@lru_cache(maxsize=1)
def patterns() -> dict[str, str]:
    return dict(safe_load(_TEMPLATES.read_text(encoding="utf-8")))


_LATIN = re.compile(r"[0-9A-Za-z%]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _needs_space(left: str, right: str) -> bool:
    return bool(left and right and ((_LATIN.fullmatch(left[-1]) and _HAN.fullmatch(right[0]))
                                    or (_HAN.fullmatch(left[-1]) and _LATIN.fullmatch(right[0]))))


def spaced(*parts: str) -> str:
    """Join parts with the reference's spacing: a space between a figure/Latin word and a Han character.

    Only the seams between parts are touched, so titles and other quoted values keep their own
    spelling (a notice title like 公告2025年第70號 stays as published).
    """
    out = ""
    for part in parts:
        if not part:
            continue
        out += (" " if _needs_space(out, part) else "") + part
    return out


def tidy(text: str) -> str:
    """Add the missing figure/Han spaces in fixed text assembled elsewhere (quality-flag messages)."""
    text = re.sub(r"(?<=[\u4e00-\u9fff])(?=\d)", " ", text)
    return re.sub(r"(?<=\d)(?=[\u4e00-\u9fff])", " ", text)


def _fill(pattern: str, **values: Any) -> str:
    parts: list[str] = []
    for literal, name, spec, _conversion in Formatter().parse(patterns()[pattern]):
        parts.append(literal)
        if name is not None:
            parts.append(format(values[name], spec or ""))
    return spaced(*parts)


def magnitude(display: str) -> str:
    """A change's display without its sign (the direction word carries it)."""
    return display.lstrip("+-")


def change_word(change: Fact, current: Fact) -> str:
    kind = "balance" if current.kind == "balance" else "flow"
    value = change.value if change.value is not None else 0.0
    if change.direction == "flat":
        value = 0.0
    return direction_word(value, kind)  # type: ignore[arg-type]


def month_label(ym: str) -> str:
    year, month = ym.split("-")[:2]
    return f"{int(year)} 年 {int(month)} 月"


def change_sentence(ch: Change) -> str:
    cur = ch.current
    if ch.change.unit == "text" and ch.base is not None and ch.base.value is not None:  # a sign flip, in words
        return _fill("change_flip", period=cur.period.label_zh, label=cur.label_zh, value=cur.display,
                     base_period=ch.base.period.label_zh, base_word=balance_word(ch.base.value),
                     base_value=ch.base.display, change=ch.change.display)
    word = change_word(ch.change, cur)
    if ch.base is not None:
        return _fill("change", period=cur.period.label_zh, label=cur.label_zh, value=cur.display,
                     base_period=ch.base.period.label_zh, base_value=ch.base.display, word=word,
                     change=magnitude(ch.change.display))
    return _fill("change_no_base", period=cur.period.label_zh, label=cur.label_zh, value=cur.display,
                 word=word, change=magnitude(ch.change.display))


def level_sentence(fact: Fact) -> str:
    return _fill("level", period=fact.period.label_zh, label=fact.label_zh, value=fact.display)


def extreme_sentence(fact: Fact) -> str:
    month = fact.subject.get("month", "")
    if month and month in fact.label_zh:
        return _fill("level", period=spaced(fact.period.label_zh, "期間，"), label=fact.label_zh, value=fact.display)
    return _fill("extreme", window=fact.period.label_zh, label=fact.label_zh,
                 month=month_label(month) if month else fact.period.label_zh, value=fact.display)


def top_partners_sentence(ry: ReporterYear) -> str | None:
    tops = ry.top_partners(3)
    share = ry.facts.get("top3_share")
    if not tops or share is None:
        return None
    partners = "、".join(_fill("partner_item", name=partner_name(value), value=value.display) for value, _ in tops)
    return _fill("top_partners", period=share.period.label_zh, reporter=ry.name, partners=partners,
                 share=share.display)


def concentration_sentence(ry: ReporterYear) -> str | None:
    hhi, band, count = ry.facts.get("hhi"), ry.facts.get("hhi_band"), ry.facts.get("partner_count")
    if hhi is None or band is None or count is None:
        return None
    return _fill("concentration", period=hhi.period.label_zh, reporter=ry.name, hhi=hhi.display,
                 band=band.display.removesuffix("集中度").removesuffix("度"), count=count.display)


def _note_title(title: str) -> str:
    """An analyst note's title without its own '（分析師筆記）' / 'Analyst note:' label (the sentence says so)."""
    return title.removesuffix("（分析師筆記）").removeprefix("Analyst note:").strip()


def policy_details(status: DocStatus, published: date, day: date, note: bool = False) -> str:
    """Notice number, effective/expiry dates and suspension, as far as the index's metadata records them."""
    number = status.notice_no or status.citation  # a MOFCOM notice number, or the register's citation
    parts = [_fill("policy_notice", notice=number)] if number else []
    subject = "所述措施" if note else ""
    if status.effective == [published]:
        parts.append(_fill("policy_effective_same_day", subject=subject))
    elif status.effective:
        dates = "、".join(d.isoformat() for d in status.effective[:2])
        key = "policy_effective_future" if min(status.effective) > day else "policy_effective_past"
        parts.append(_fill(key, subject=subject, dates=dates))
    if status.expires is not None:
        parts.append(_fill("policy_expires", expires=status.expires.isoformat()))
    if status.suspends_until is not None:
        parts.append(_fill("policy_suspends", until=status.suspends_until.isoformat()))
    if status.suspended_until is not None:
        parts.append(_fill("policy_suspended", by=status.suspended_by, until=status.suspended_until.isoformat()))
    return "".join(parts)


def publisher_name(publisher: str) -> str:
    """A publisher as the page names it: MOFCOM's offices in Traditional Chinese, Federal Register agencies
    by their zh-Hant names (美國商務部產業安全局（BIS）) instead of the register's English 'Department; Bureau'."""
    return publisher_zh(to_traditional(publisher))


def policy_sentence(title: str, published: date, publisher: str, status: DocStatus | None = None,
                    day: date | None = None, note: bool = False, doc_type: str = "") -> str:
    """'date，publisher發布「title」…' from document metadata; an analyst note is named as one."""
    status = status or DocStatus()
    details = policy_details(status, published, day or published, note)
    if note:
        return _fill("policy_note", date=published.isoformat(), title=_note_title(to_traditional(title)),
                     details=details)
    return _fill("policy_doc", date=published.isoformat(), publisher=publisher_name(publisher) or "中國商務部",
                 kind=DOC_TYPE_ZH.get(doc_type, ""), title=to_traditional(title), details=details)


def policy_summary_sentence(title: str, published: date, publisher: str, note: bool = False) -> str:
    """The summary's one line on the newest policy document (title and date only)."""
    if note:
        return _fill("policy_summary_note", date=published.isoformat(), title=_note_title(to_traditional(title)))
    return _fill("policy_summary", date=published.isoformat(), publisher=publisher_name(publisher) or "中國商務部",
                 title=to_traditional(title))


def facts_sentence(facts: list[Fact]) -> str:
    """Generic fallback: 'label（period）為 display' for each fact."""
    items = "；".join(_fill("fact_list_item", label=f.label_zh, period=f.period.label_zh, value=f.display)
                     for f in facts)
    return _fill("fact_list", items=items)
