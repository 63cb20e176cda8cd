"""What a Federal Register rule does, in its own words: the first sentence of its abstract, quoted.

Why a quote and not a restatement: the register's abstracts are English and say what the rule does
("BIS is easing export controls on certain drones…"); no deterministic rule can translate them
faithfully, and a reader is better served by the agency's sentence, marked as the original, than by
the title alone. Only a sentence without figures is quoted — a number inside a document never reaches
the page unless it is an extracted, checked provision — so an abstract whose every sentence carries
a figure gets no quote. A figure is anything the page's number check reads as one: digits, and number
words too ("hundreds of millions" in a firearms rule's abstract stopped a monthly draft).
"""

from __future__ import annotations

import re
from typing import Any

from agent.verify import number_tokens

MAX_CHARS = 320
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_FIGURE = re.compile(r"\d")
#: Words ending in a full stop that do not end a sentence: initials (U.S., P.R.C.) and the abbreviations the
#: register's abstracts use in company and agency names. Cutting there quoted "…determined by the U.S." alone.
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:(?:[A-Z]\.)+|(?:Co|Corp|Inc|Ltd|No|Nos|Dept|Gov|Mr|Ms|Dr|St|Jr|vs|etc|e\.g|i\.e)\.)$")


def sentences(text: str) -> list[str]:
    """``text`` split into sentences, never after an abbreviation or an initial."""
    out: list[str] = []
    for piece in _SENTENCE.split(text):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def abstract_sentence(passage: Any) -> str | None:
    """The abstract's first figure-free sentence of a Federal Register passage; None for any other document."""
    if getattr(passage, "category", "") != "federal_register":
        return None
    title = " ".join(str(getattr(passage, "title_orig", "") or getattr(passage, "title", "")).split())
    text = " ".join(str(getattr(passage, "opening", "") or getattr(passage, "text", "")).split())
    if not title or not text.startswith(title):
        return None  # a later chunk: its first sentence is not what the document says first
    text = text[len(title):].strip()
    for sentence in sentences(text)[:3]:
        sentence = sentence.strip()
        if (40 <= len(sentence) <= MAX_CHARS and sentence.endswith(".") and not _FIGURE.search(sentence)
                and not number_tokens(sentence) and "<" not in sentence and "{" not in sentence):
            return sentence
    return None


def abstract_line(passage: Any) -> str | None:
    """'摘要原文：“…”' for the page, or None."""
    sentence = abstract_sentence(passage)
    return f"摘要原文：“{sentence}”" if sentence else None
