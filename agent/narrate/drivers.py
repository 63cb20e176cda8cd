"""What drove a partner's numbers: HS-chapter contributions, share of all US trade, Taiwan's own statistics.

Why a module of its own: the import section explains a change with facts that carry their own
(often earlier) period — commodity detail stops at its own cut-off — so every sentence here
names that period, and tables list the contributions so that they add up to the total change.
Sentences are fallbacks rendered from facts (the template path); a model may rephrase them and
the verifier judges the result like any other sentence.
"""

from __future__ import annotations

from agent.llm import FactLine, SentencePlan
from tools.facts.model import Fact, FactSheet
from tools.fmt import direction_word, usd

from .sentences import _fill

#: Chapters named in the sentence (the table lists every chapter that has its own fact).
SENTENCE_CHAPTERS = 2
_FLOW_ZH = {"imports": "進口", "exports": "出口"}
#: Partners (largest balance change first) whose change is explained by chapter.
EXPLAINED_PARTNERS = 2




def _about(sheet: FactSheet, kind: str, **subject: str) -> list[Fact]:
    """Facts of ``kind`` whose subject matches (these producers describe partner and flow in the subject)."""
    return [f for f in sheet.facts if f.kind == kind and all(f.subject.get(k) == v for k, v in subject.items())]


def _line(fact: Fact) -> FactLine:
    return FactLine(id=fact.id, label=fact.label_zh, period=fact.period.label_zh, display=fact.display)


def _word(fact: Fact) -> str:
    return direction_word(fact.value or 0.0, "flow")


def _size(fact: Fact) -> str:
    """The magnitude display of a signed USD change (the direction word carries the sign)."""
    return usd(abs(fact.value)) if fact.value is not None else fact.display


def contribution_facts(sheet: FactSheet, cty: str, flow: str = "imports") -> tuple[Fact | None, list[Fact]]:
    """(total change, chapter contributions largest first, 'other' last) for one partner and flow."""
    total = next(iter(_about(sheet, "hs_change", partner=cty, flow=flow)), None)
    if total is None:
        return None, []
    parts = [f for f in _about(sheet, "contribution", partner=cty, flow=flow) if f.period.end == total.period.end]
    named = sorted((f for f in parts if f.subject.get("commodity") != "other"), key=lambda f: -abs(f.value or 0.0))
    return total, named + [f for f in parts if f.subject.get("commodity") == "other"]


_SIBLING_KIND = {"contrib_share": "contribution_share", "share": "hs_share"}


def _sibling(by_id: dict[str, Fact], contribution: Fact, metric: str) -> Fact | None:
    """The share fact of the same partner, flow, chapter and period as ``contribution``."""
    kind, sub = _SIBLING_KIND[metric], contribution.subject
    return next((f for f in by_id.values() if f.kind == kind and f.period.end == contribution.period.end
                 and all(f.subject.get(k) == sub.get(k) for k in ("partner", "flow", "commodity"))), None)


def drivers_plans(sheet: FactSheet, cty: str, flow: str = "imports") -> tuple[list[SentencePlan], list[str]]:
    """The sentences saying which chapters drove the change (empty when the sheet has no detail)."""
    by_id = sheet.by_id()
    total, parts = contribution_facts(sheet, cty, flow)
    cutoff = by_id.get("cutoff.census_hs")
    named = [p for p in parts if p.subject.get("commodity") != "other"][:SENTENCE_CHAPTERS]
    if total is None or cutoff is None or not named:
        return [], []
    base = by_id.get(total.compares[1]) if len(total.compares) > 1 else None
    current = by_id.get(total.compares[0]) if total.compares else None
    if base is None or current is None:
        return [], []
    used: list[Fact] = [cutoff, current, base, total]
    items = []
    for part in named:
        chapter = by_id.get(f"hs.HS2.{part.subject['commodity']}")
        share = _sibling(by_id, part, "contrib_share")
        if chapter is None or share is None:
            continue
        used += [chapter, part, share]
        items.append(_fill("driver_item", chapter=chapter.label_zh, code=chapter.display, word=_word(part),
                           change=_size(part), share=share.display))
    if not items:
        return [], []
    what = current.label_zh.split("（")[0]
    plans = [SentencePlan(key=f"imports.{cty}.drivers", facts=tuple(_line(f) for f in used), fallback=_fill(
        "drivers", cutoff=cutoff.display, period=total.period.label_zh, what=what, base_period=base.period.label_zh,
        word=_word(total), change=_size(total), items="；".join(items)))]
    top = named[0]
    chapter, share = by_id.get(f"hs.HS2.{top.subject['commodity']}"), _sibling(by_id, top, "share")
    if chapter is not None and share is not None:
        plans.append(SentencePlan(key=f"imports.{cty}.driver_share", facts=(_line(chapter), _line(share)),
                                  fallback=_fill("driver_share", period=share.period.label_zh,
                                                 chapter=chapter.label_zh, what=what, share=share.display)))
        used += [share]
    return plans, [f.id for f in used if f.subject.get("partner") == cty]  # shared facts would pull claims away


def drivers_table(sheet: FactSheet, cty: str, flow: str = "imports") -> tuple[list[str], list[list[str]], list[str]]:
    """(headers, rows, fact ids): every named chapter, the other chapters and the total — the rows add up."""
    by_id = sheet.by_id()
    total, parts = contribution_facts(sheet, cty, flow)
    if total is None or not parts:
        return [], [], []
    rows, ids = [], [total.id]
    for part in parts:
        code = part.subject.get("commodity", "")
        chapter = by_id.get(f"hs.HS2.{code}")
        value = by_id.get(part.compares[0]) if part.compares else None
        share_change, share_total = _sibling(by_id, part, "contrib_share"), _sibling(by_id, part, "share")
        name = f"{chapter.display} {chapter.label_zh}" if chapter else "其他各章"
        rows.append([name, value.display if value else "—", part.display,
                     share_change.display if share_change else "—", share_total.display if share_total else "—"])
        ids += [f.id for f in (chapter, value, part, share_change, share_total) if f is not None]
    current = by_id.get(total.compares[0]) if total.compares else None
    rows.append(["合計（各章加總）", current.display if current else "—", total.display, "—", "—"])
    ids += [current.id] if current else []
    partner = total.subject.get("partner_name", cty)
    headers = [f"美國自{partner}進口：商品別（HS2）", total.period.label_zh, "增減", "占增減", "占進口"]
    return headers, rows, ids


def world_share_plan(sheet: FactSheet, cty: str) -> tuple[list[SentencePlan], list[str]]:
    """The partner's share of all US imports and exports, for the latest period the total row covers."""
    shares = [s for flow in ("imports", "exports") for s in _about(sheet, "world_share", partner=cty, flow=flow)][:2]
    if not shares:
        return [], []
    items = [_fill("world_share_item", what=s.label_zh.split("占")[0], flow=_FLOW_ZH[s.subject["flow"]],
                   share=s.display) for s in shares]
    text = _fill("world_share", period=shares[0].period.label_zh, items="，".join(items))
    return [SentencePlan(key=f"imports.{cty}.world_share", facts=tuple(_line(s) for s in shares), fallback=text)], \
        [s.id for s in shares]


def mirror_plan(sheet: FactSheet, cty: str) -> tuple[list[SentencePlan], list[str]]:
    """Taiwan's own export figure beside the Census import figure, with the gap and why they differ."""
    sides = [f for f in _about(sheet, "mirror_side") if f.subject.get("census_partner") == cty]
    gaps = [f for f in _about(sheet, "mirror_gap") if f.subject.get("census_partner") == cty]
    tw = next((f for f in sides if f.subject.get("side") == "partner"), None)
    us = next((f for f in sides if f.subject.get("side") == "census"), None)
    gap = next((f for f in gaps if f.unit == "USD"), None)
    pct = next((f for f in gaps if f.unit == "pct"), None)
    if not (tw and us and gap and pct):
        return [], []
    used = [tw, us, gap, pct]
    text = _fill("mirror_tw", period=tw.period.label_zh, tw=tw.display, us=us.display, gap=gap.display,
                 pct=pct.display, note=gap.note_zh)
    return [SentencePlan(key=f"imports.{cty}.mirror", facts=tuple(_line(f) for f in used), fallback=text)], \
        [f.id for f in used]
