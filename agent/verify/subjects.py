"""Check that a sentence names what its figures are about (the partner and the flow).

Why: the small local model keeps the number right but swaps the subject — "美國對台灣出口為
USD 1,269 億" when USD 1,269 億 is the *deficit*. The number check cannot see that; this can:
a cited balance needs 逆差/順差 in the sentence, an export figure needs 出口, an import figure
進口, and the partner named in the fact must be named in the sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

from tools.facts.model import Fact

_FLOW_WORDS = {
    "exports": ("出口",),
    "imports": ("進口",),
    "balance": ("逆差", "順差", "貿易差額"),
}


def _measure(fact: Fact, by_id: dict[str, Fact]) -> str:
    if fact.kind in _FLOW_WORDS:
        return fact.kind
    if fact.kind == "yoy" and fact.compares and fact.compares[0] in by_id:
        return by_id[fact.compares[0]].kind
    return fact.subject.get("measure", "")


def check_subjects(text: str, facts: Iterable[Fact]) -> list[str]:
    """Problems where the sentence omits the flow word or partner of a cited Census figure."""
    cited = list(facts)
    by_id = {f.id: f for f in cited}
    problems: list[str] = []
    for fact in cited:
        measure = _measure(fact, by_id)
        words = _FLOW_WORDS.get(measure)
        if words and not any(w in text for w in words):
            problems.append(f"句子未說明 {fact.id} 是「{'/'.join(words)}」 (figure's subject missing)")
        partner = fact.subject.get("partner_name", "")
        if words and partner and partner not in text:
            problems.append(f"句子未提及 {fact.id} 的貿易夥伴「{partner}」 (partner missing)")
    return list(dict.fromkeys(problems))
