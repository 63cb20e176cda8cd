"""Check that 增長/擴大 vs 減少/收窄 agree with the sign of the change a sentence cites.

Why: a small model happily writes "逆差收窄 88.7%" when the deficit widened by 88.7%; the
number is right, so only the direction word can give it away. Each cited change fact
(one with a ``direction``) is matched with the direction word closest to where its value
appears in the same clause; when its value cannot be located, every direction word in
the sentence must agree with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tools.facts.model import Fact

from .numbers import render_refs
from .tokens import fold, number_tokens

UP_WORDS = ("增長", "增加", "擴大", "上升", "成長", "攀升", "提高", "上揚", "走高", "激增", "大增", "增至", "升至", "增幅")
DOWN_WORDS = ("減少", "下降", "收窄", "縮小", "下滑", "降低", "萎縮", "衰退", "走低", "減至", "降至", "跌", "減幅")
FLAT_WORDS = ("持平", "不變", "維持")

_WORD = re.compile("|".join(sorted(UP_WORDS + DOWN_WORDS + FLAT_WORDS, key=len, reverse=True)))
_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?\n]")
_ZH = {"up": "增加/擴大", "down": "減少/收窄", "flat": "持平"}


def _word_direction(word: str) -> str:
    if word in UP_WORDS:
        return "up"
    if word in DOWN_WORDS:
        return "down"
    return "flat"


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, pos)), default=0)
    nxt = _CLAUSE_BREAK.search(text, pos)
    return start, nxt.start() if nxt else len(text)


def _positions(text: str, fact: Fact) -> list[int]:
    """Where the fact's value appears in ``text`` (by display form)."""
    keys = set()
    for display in {fact.display, *fact.displays}:
        for tok in number_tokens(display):
            if tok.kind == "amount":
                keys.update({tok.key, tok.key.lstrip("+-")})
    return [tok.start for tok in number_tokens(text) if tok.kind == "amount" and tok.key in keys]


def check_directions(text: str, facts: Iterable[Fact]) -> list[str]:
    """Problems where a direction word contradicts the ``direction`` of a cited change fact."""
    changes = [f for f in facts if f.direction]
    if not changes:
        return []
    rendered = fold(render_refs(text, changes))
    words = [(m.start(), m.group(0)) for m in _WORD.finditer(rendered)]
    if not words:
        return []
    problems: list[str] = []
    for fact in changes:
        positions = _positions(rendered, fact)
        if positions:
            for pos in positions:
                lo, hi = _clause_bounds(rendered, pos)
                near = [(abs(p - pos), w) for p, w in words if lo <= p < hi]
                if not near:
                    continue
                word = min(near)[1]
                if _word_direction(word) != fact.direction:
                    problems.append(f"「{word}」與數據 {fact.id} 的方向（{_ZH[fact.direction or 'flat']}）不符 "
                                    f"(direction word contradicts the cited change)")
        elif len({f.direction for f in changes}) == 1:
            for _, word in words:
                if _word_direction(word) not in (fact.direction, "flat"):
                    problems.append(f"「{word}」與數據 {fact.id} 的方向（{_ZH[fact.direction or 'flat']}）不符 "
                                    f"(direction word contradicts the cited change)")
    return list(dict.fromkeys(problems))
