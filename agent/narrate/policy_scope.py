"""What a policy document does, in one plain sentence, and what follows from it on the calendar.

Why from provisions only: the page may state the scope of a measure (what, to whom, from when,
under which notice) only as the document's extracted provisions give it, and each sentence
keeps the ids of the provisions it restates so the reviewer sees the quoted text beside it.
The consequences written here (a suspension's end and the weeks left, which of the six
economies a measure names) follow from provisions and dates alone: no model, no guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agent.verify import to_traditional
from vectorstore.provisions import Measure, Provision, key_measure, measures_of

from .policy_status import DocStatus
from .sentences import patterns, spaced

#: The six economies the briefing follows (provision country code → zh-Hant name).
ECONOMIES: dict[str, str] = {"US": "美國", "CN": "中國", "JP": "日本", "KR": "南韓", "DE": "德國", "TW": "台灣"}
COUNTRY_ZH: dict[str, str] = {**ECONOMIES, "EU": "歐盟", "NL": "荷蘭", "GB": "英國", "CA": "加拿大", "CH": "瑞士",
                              "RU": "俄羅斯"}
MAX_ITEMS = 4
MAX_TARGETS = 4
_LIST_NAME = re.compile(r"[“\"]?([^“”\"，、；]*?(?:清单|名单|清單|名單))[”\"]?$")


@dataclass
class ScopeLine:
    """A sentence and the provisions it restates."""

    doc_id: str
    text: str
    provision_ids: list[str] = field(default_factory=list)
    vouched: list[str] = field(default_factory=list)  # computed strings the sentence may show (weeks left)


def _fill(name: str, **values: str) -> str:
    return spaced(*_split(patterns()[name], values))


def _split(pattern: str, values: dict[str, str]) -> list[str]:
    parts: list[str] = []
    for literal, field_name in re.findall(r"([^{]*)(?:\{(\w+)\})?", pattern):
        parts.append(literal)
        if field_name:
            parts.append(values[field_name])
    return parts


def doc_measure(provisions: list[Provision]) -> Measure | None:
    """The key measure of a document from its stored provisions (no text needed)."""
    if not provisions:
        return None

    return key_measure(measures_of(None, provisions))


def _item_text(p: Provision) -> str:
    name = to_traditional(p.value)
    return f"{name}（{p.code}）" if p.code else name


def _target_text(p: Provision) -> str:
    if p.kind == "country":
        return COUNTRY_ZH.get(p.value, to_traditional(p.role))
    return to_traditional(p.value)


def _targets(m: Measure, issuer: str) -> list[Provision]:
    named = [t for t in m.targets if t.kind in ("entity", "end_use")]
    countries = [t for t in m.targets if t.kind == "country" and t.value != issuer]
    if any(t.kind == "entity" for t in named):  # a listing names its entities; their country is not listed
        countries = []
    covered = {t.value for t in countries if any(COUNTRY_ZH.get(t.value, "?") in _target_text(n) for n in named)}
    seen: set[str] = set()
    out = []
    for t in named + [c for c in countries if c.value not in covered]:
        key = _target_text(t)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out[:MAX_TARGETS]


def _lead(passage: Any) -> str:
    category = getattr(passage, "category", "")
    if category == "analyst_note":
        return patterns()["scope_lead_note"]
    if category == "press":
        return patterns()["scope_lead_press"]
    if category == "international":
        return _fill("scope_lead_foreign", publisher=to_traditional(getattr(passage, "publisher", "")) or "外國政府")
    if category == "law":
        return patterns()["scope_lead_law"]
    return patterns()["scope_lead_notice"]


_CHINA_DECIDES = re.compile(r"(?:中方|商务部|中国政府|中國政府|商務部)[^。]{0,30}(?:决定|決定)")


def scope_measure(passage: Any, provisions: list[Provision]) -> Measure | None:
    """The measure a document itself takes (a press answer only when it states a Chinese decision)."""
    m = doc_measure(provisions)
    if m is None:
        return None
    category = getattr(passage, "category", "")
    if category == "press" and not _CHINA_DECIDES.search(m.measure.quote):
        return None  # the answer comments on another government's measure: its scope is not China's
    return m


def scope_line(passage: Any, provisions: list[Provision]) -> ScopeLine | None:
    """'該公告對…實施出口管制，自 … 起實施。' from the document's key measure; None without one."""
    m = scope_measure(passage, provisions)
    if m is None:
        return None
    issuer = "" if getattr(passage, "category", "") == "international" else "CN"
    role = m.measure.role
    items = [p for p in m.items][:MAX_ITEMS]
    more = "等物項" if len(m.items) > MAX_ITEMS else ""
    targets = _targets(m, issuer)
    items_text = "、".join(_item_text(p) for p in items) + more
    targets_text = "、".join(_target_text(t) for t in targets)
    used: list[Provision] = [m.measure, *items, *targets]
    if role == "prohibit" and items and targets:
        action = _fill("scope_prohibit", items=items_text, targets=targets_text)
    elif role == "prohibit" and targets:
        action = _fill("scope_prohibit_targets", targets=targets_text)
    elif role in ("list", "delist", "countermeasure") and targets:
        phrase = m.measure.quote[(m.measure.start or 0) - (m.measure.quote_start or 0):
                                 (m.measure.end or 0) - (m.measure.quote_start or 0)]
        found = _LIST_NAME.search(phrase)
        name = to_traditional(found.group(1).removeprefix("列入").removeprefix("移出")) if found else "清單"
        only_country = all(t.kind == "country" for t in targets)
        action = _fill(f"scope_{role}{'_country' if only_country else ''}", targets=targets_text, list=name)
    elif role == "suspend" and m.notices:
        action = _fill("scope_suspend", notices="、".join(to_traditional(n.value) for n in m.notices[:6]))
        used += m.notices[:6]
    elif role in ("control", "licence") and items:
        action = _fill(f"scope_{role}", items=items_text)
    elif role == "control" and not issuer and (own := [t for t in m.targets if t.kind == "country"]):
        action = _fill("scope_foreign_control", country=_target_text(own[0]))
        used += own[:1]
    else:
        return None
    effective = [d for d in m.dates if d.role == "effective"] or [
        p for p in provisions if p.kind == "date" and p.role == "effective"]
    tail = _fill("scope_effective", date=effective[0].value) if effective else ""
    used += effective[:1]
    text = spaced(_lead(passage), action, tail) + "。"
    return ScopeLine(doc_id=passage.doc_id, text=text, provision_ids=[p.id for p in used])


def weeks_between(day: date, until: date) -> int:
    """Whole weeks from ``day`` to ``until`` (floor): what a reader counts on a calendar."""
    return max(0, (until - day).days // 7)


def consequences(passages: Iterable[Any], provisions: dict[str, list[Provision]], statuses: dict[str, DocStatus],
                 week_end: date) -> list[ScopeLine]:
    """Non-speculative consequences: suspensions ending, measures yet to start, economies a measure names."""
    out: list[ScopeLine] = []
    for p in passages:
        title = to_traditional(p.title)
        status = statuses.get(p.doc_id) or DocStatus()
        provs = provisions.get(p.doc_id, [])
        until = status.suspended_until or status.suspends_until
        if until is not None and until > week_end:
            weeks = str(weeks_between(week_end, until))
            key = "impact_suspended" if status.suspended_until else "impact_suspends"
            out.append(ScopeLine(p.doc_id, _fill(key, title=title, until=until.isoformat(), week_end=week_end.isoformat(),
                                                 weeks=weeks) + "。", vouched=[f"{weeks} 週"]))
        upcoming = sorted({d.value for d in provs if d.kind == "date" and d.role == "effective"
                           and date.fromisoformat(d.value) > week_end})
        if upcoming and status.suspended_until is None:
            weeks = str(weeks_between(week_end, date.fromisoformat(upcoming[0])))
            ids = [d.id for d in provs if d.kind == "date" and d.value == upcoming[0]][:1]
            out.append(ScopeLine(p.doc_id, _fill("impact_upcoming", title=title, date=upcoming[0], weeks=weeks) + "。",
                                 ids, vouched=[f"{weeks} 週"]))
        m = scope_measure(p, provs)
        if m is None or getattr(p, "category", "") in ("international", "analyst_note"):
            continue
        issuer = "CN"
        named = [t for t in m.targets if t.kind == "country" and t.value in ECONOMIES and t.value != issuer]
        named += [t for t in provs if t.kind == "country" and t.value in ECONOMIES and t.value != issuer
                  and t.role and any(t.role in e.value for e in m.targets if e.kind in ("entity", "end_use"))]
        economies = list(dict.fromkeys(ECONOMIES[t.value] for t in named))
        if economies:
            ids = [m.measure.id] + [t.id for t in named]
            out.append(ScopeLine(p.doc_id, _fill("impact_economies", title=title, economies="、".join(economies)) + "。",
                                 list(dict.fromkeys(ids))))
    return out


@dataclass
class ProvisionDate:
    doc_id: str
    title: str
    url: str
    day: date
    role: str
    provision_ids: list[str]


def upcoming_dates(passages: Iterable[Any], provisions: dict[str, list[Provision]],
                   statuses: dict[str, DocStatus], week_end: date) -> list[ProvisionDate]:
    """Effective, expiry and suspension-end dates after the report week, one per document and date."""
    out: dict[tuple[str, date], ProvisionDate] = {}
    for p in passages:
        status = statuses.get(p.doc_id) or DocStatus()
        for prov in provisions.get(p.doc_id, []):
            if prov.kind != "date" or prov.role not in ("effective", "expiry", "suspension"):
                continue
            day = date.fromisoformat(prov.value)
            if day > week_end:
                entry = out.setdefault((p.doc_id, day), ProvisionDate(p.doc_id, to_traditional(p.title), p.url, day,
                                                                      prov.role, []))
                entry.provision_ids.append(prov.id)
        for paused in (status.suspended_until, status.suspends_until):
            if paused is not None and paused > week_end:
                out.setdefault((p.doc_id, paused), ProvisionDate(p.doc_id, to_traditional(p.title), p.url, paused,
                                                                 "suspension", []))
    return sorted(out.values(), key=lambda d: (d.day, d.doc_id))
