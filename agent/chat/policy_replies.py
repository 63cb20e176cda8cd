"""Replies about export-control documents (MOFCOM and the Federal Register's BIS documents): policy search
with date filters and a topic check, citing titles, dates and URLs — never a document the search did not return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from agent.chat.context import ChatContext, PolicyHit
from agent.chat.models import DocCite
from agent.chat.parse import Query
from agent.chat.phrasing import Lang
from agent.chat.reply import Reply, refuse
from agent.chat.templates import render

#: Topic vocabulary → terms as they appear in the (simplified-Chinese) MOFCOM texts. The English words of a
#: topic are looked for too: the Federal Register's documents are in English.
TOPICS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("rare earth", "rare-earth", "稀土"), ("稀土",)),
    (("gallium", "鎵", "镓"), ("镓",)),
    (("germanium", "鍺", "锗"), ("锗",)),
    (("antimony", "銻", "锑"), ("锑",)),
    (("graphite", "石墨"), ("石墨",)),
    (("tungsten", "鎢", "钨"), ("钨",)),
    (("tellurium", "碲"), ("碲",)),
    (("bismuth", "鉍", "铋"), ("铋",)),
    (("molybdenum", "鉬", "钼"), ("钼",)),
    (("indium", "銦", "铟"), ("铟",)),
    (("lithium", "battery", "batteries", "鋰", "锂", "電池", "电池"), ("锂", "电池")),
    (("superhard", "super-hard", "diamond", "超硬", "金剛石", "金刚石"), ("超硬",)),
    (("unreliable entity", "不可靠實體", "不可靠实体"), ("不可靠实体",)),
    (("dual-use", "dual use", "兩用", "两用"), ("两用",)),
    (("nexperia", "安世"), ("安世",)),
    (("hanwha", "韓華", "韩华"), ("韩华",)),
    (("drone", "uav", "無人機", "无人机"), ("无人机", "无人驾驶")),
    (("sanction", "制裁"), ("制裁",)),
    (("countermeasure", "反制"), ("反制",)),
    (("export control law", "出口管制法"), ("出口管制法",)),
    (("japan", "日本"), ("日本",)),
    (("netherlands", "dutch", "荷蘭", "荷兰"), ("荷兰", "荷方")),
    (("semiconductor", "chip", "半導體", "半导体", "芯片", "晶片"), ("半导体", "芯片")),
)
_GENERIC = {"mofcom", "announce", "announced", "announcement", "announcements", "export", "exports", "control",
            "controls", "china", "chinese", "commerce", "ministry", "policy", "policies", "new", "what", "did",
            "the", "about", "any", "documents", "document", "regulation", "regulations", "rules"}


def topic_terms(q: Query) -> tuple[list[str], str]:
    """(terms to find in the documents, topic label). Unknown topic phrase → ([phrase], phrase)."""
    from agent.verify import to_traditional

    low = q.text.lower()
    terms: list[str] = []
    label = ""
    for keys, found in TOPICS:
        if any(k in low for k in keys):
            english = [k for k in keys if k.isascii()]
            terms += [t for t in (*found, *english) if t not in terms]
            label = label or keys[-1 if q.lang == "zh" else 0]
    if terms:
        return terms, (to_traditional(label) if q.lang == "zh" else label)
    phrase = q.topic.strip()
    if phrase and phrase.lower() not in _GENERIC and not all(w in _GENERIC for w in phrase.lower().split()):
        return [_to_simplified(phrase)], phrase
    return [], ""


def _to_simplified(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("t2s").convert(text))


def policy_reply(q: Query, ctx: ChatContext) -> Reply:
    lang = q.lang
    terms, label = topic_terms(q)
    hits = ctx.policy_search(q.text, k=10, since=q.policy_since, until=q.policy_until)
    if terms:
        hits = [h for h in hits if any(t in _to_simplified(h.title + " " + h.text).lower() for t in terms)]
    elif not (q.policy_since or q.policy_until):
        hits = hits[:5]
    if not hits:
        window = _window(q, "zh")
        return refuse(q, ctx, f"沒有找到{window}與「{label or q.topic or '此主題'}」相符的出口管制文件（商務部或聯邦公報）",
                      f"no MOFCOM or Federal Register document matches \"{label or q.topic or 'that topic'}\""
                      f"{_window(q, 'en')}",
                      scope="policy")
    hits = hits[:5]
    if lang == "zh":
        intro = render("policy_intro", lang, window=_window(q, "zh"), topic=label or "出口管制")
    else:
        intro = render("policy_intro", lang, window=_window(q, "en"), topic=label or "export controls")
    lines = [intro]
    docs: list[DocCite] = []
    quoted = 0
    stored = ctx.policy_docs()
    for h in hits:
        effective = [d.isoformat() for d in h.effective if d != h.date]
        when = h.date.isoformat() + (("；生效 " if lang == "zh" else "; effective ") + "、".join(effective)
                                     if effective else "")
        paused, paused_vouched = suspension(h.doc_id, stored, lang)
        # a document without a link (an analyst note) is not named by its id: "note-2025-70" read as a figure
        link = h.url or ("（無原文連結）" if lang == "zh" else "(no link)")
        lines.append(render("policy_item", lang, title=h.title, date=when + paused, url=link))
        cite = DocCite(doc_id=h.doc_id, title=h.title, url=h.url, date=h.date.isoformat(), effective=effective,
                       vouched=paused_vouched)
        if quoted < MAX_QUOTED:
            provision = provision_lines(h, ctx, lang) or abstract_lines(h, ctx, lang)
            if provision is not None:
                quoted += 1
                lines += provision.lines
                cite.quotes, cite.provision_ids = provision.quotes, provision.ids
                cite.vouched += provision.vouched
        docs.append(cite)
    return Reply(lines=lines, docs=docs)


MAX_QUOTED = 2


@dataclass
class _Provided:
    lines: list[str]
    quotes: list[str]
    ids: list[str]
    vouched: list[str]


def provision_lines(hit: PolicyHit, ctx: ChatContext, lang: Lang) -> _Provided | None:
    """What the document's key measure does and the sentence that says so (None without a measure).

    The statement comes from extracted provisions only, and is checked against them like a policy
    sentence of the briefing; the quote is the stored sentence, shown as a citation.
    """
    from agent.narrate.policy_scope import scope_line
    from agent.narrate.sections import provision_vouches
    from agent.verify.policy import check_policy

    info, provisions = ctx.policy_provisions(hit.doc_id)
    if info is None or not provisions:
        return None
    line = scope_line(info, provisions)
    if line is None:
        return None
    vouched = provision_vouches(provisions)
    if check_policy(line.text, provisions, [info.title, info.publisher, *vouched]):
        return None
    by_id = {p.id: p for p in provisions}
    measure = by_id[line.provision_ids[0]]
    return _Provided(
        lines=[render("policy_provision", lang, text=line.text), render("policy_quote", lang, quote=measure.quote)],
        quotes=[measure.quote], ids=line.provision_ids, vouched=vouched)


def suspension(doc_id: str, stored: list[Any], lang: Lang) -> tuple[str, list[str]]:
    """'；暫停實施至 2026-11-10，依…第70號' when another stored document suspends this one, with the strings it
    vouches for; ('', []) otherwise. Why in the item line: "when do the rare-earth controls apply again?" is
    answered by the suspension, which the document's own text does not state."""
    from agent.narrate.policy_status import suspender_name
    from agent.verify import to_traditional
    from vectorstore.inforce import suspenders

    doc = next((d for d in stored if d.doc_id == doc_id), None)
    for other in suspenders(doc, stored) if doc is not None else []:
        if other.suspension_until is not None:
            until = other.suspension_until.isoformat()
            by = suspender_name(other, lang)
            text = f"；暫停實施至 {until}，依{by}" if lang == "zh" else f"; suspended until {until} by {by}"
            return text, [until, by, to_traditional(other.notice_no)]
    return "", []


def abstract_lines(hit: PolicyHit, ctx: ChatContext, lang: Lang) -> _Provided | None:
    """A Federal Register rule's own first sentence saying what it does, quoted as the original (None for any
    other document, or an abstract whose sentences all carry figures): the briefing's rule, for the chat."""
    from agent.narrate.register_abstract import abstract_sentence

    record = ctx.policy_record(hit.doc_id)
    sentence = abstract_sentence(record) if record is not None else None
    if sentence is None:
        return None
    return _Provided(lines=[render("policy_abstract", lang, quote=sentence)], quotes=[sentence], ids=[], vouched=[])


def _window(q: Query, lang: Lang) -> str:
    since, until = q.policy_since, q.policy_until
    if since is None or until is None:
        return ""
    if lang == "zh":
        if since.month == 1 and until.month == 12 and since.year == until.year:
            return f"{since.year} 年"
        if since.month == until.month and since.year == until.year:
            return f"{since.year} 年 {since.month} 月"
        return f"{since.isoformat()} 至 {until.isoformat()}"
    if since.month == until.month and since.year == until.year:
        return f" in {date(since.year, since.month, 1):%B %Y}"
    return f" between {since.isoformat()} and {until.isoformat()}"
