"""Split Chinese policy text into overlapping passages on sentence boundaries.

Why sentence boundaries (。；！？ and newlines): a quoted passage must read as whole
sentences, and item lists in notices end clauses with ；. Overlap keeps a fact that
straddles two chunks findable from either side.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])|(?<=[a-z)]\.)\s+|\n+")


def sentences(text: str) -> list[str]:
    """Sentence-ish units (terminator kept); blank pieces dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _split_long(unit: str, max_chars: int) -> list[str]:
    """Hard-wrap a single sentence longer than a chunk, preferring commas."""
    pieces: list[str] = []
    while len(unit) > max_chars:
        cut = max(unit.rfind(c, 0, max_chars) for c in "，,、：:")
        cut = cut + 1 if cut > max_chars // 2 else max_chars
        pieces.append(unit[:cut].strip())
        unit = unit[cut:].strip()
    if unit:
        pieces.append(unit)
    return pieces


def chunk_text(text: str, max_chars: int = 320, overlap_chars: int = 80) -> list[str]:
    """Chunks of at most ~``max_chars`` characters; each starts with up to ``overlap_chars`` of the previous one.

    The overlap is made of whole trailing sentences of the previous chunk, so no chunk
    starts mid-sentence.
    """
    units: list[str] = []
    for s in sentences(text):
        units.extend(_split_long(s, max_chars))
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for unit in units:
        if current and size + len(unit) > max_chars:
            chunks.append(current)
            carry: list[str] = []
            carried = 0
            for prev in reversed(current):
                if carried + len(prev) > overlap_chars:
                    break
                carry.insert(0, prev)
                carried += len(prev)
            current, size = carry, carried
        current.append(unit)
        size += len(unit)
    if current:
        chunks.append(current)
    return ["\n".join(c) for c in chunks]
