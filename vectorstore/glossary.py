"""English ↔ Chinese export-control terms, used only to widen the lexical side of a search.

Why: character BM25 cannot match "tungsten" against 钨; dense embeddings bridge languages
but blur rare element names. Adding the Chinese term for each English term found in the
query lets both retrievers vote. The same table read backwards lets a Chinese query
("美國實體清單 新增 中國企業") reach the English Federal Register documents: every English
phrase of a Chinese term found in the (simplified) query is appended. The table is data
(``data/glossary_en_zh.csv``), so analysts can extend it without touching code.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from .textclean import to_simplified

_TABLE = Path(__file__).with_name("data") / "glossary_en_zh.csv"


@lru_cache(maxsize=1)
def _rows() -> list[tuple[str, str]]:
    with _TABLE.open(encoding="utf-8", newline="") as fh:
        return [(r["en"].strip().lower(), r["zh"].strip()) for r in csv.DictReader(fh) if r.get("en")]


@lru_cache(maxsize=1)
def _english_of() -> list[tuple[str, list[str]]]:
    """Chinese term → its English phrases, longest term first (实体清单 before 实体)."""
    table: dict[str, list[str]] = defaultdict(list)
    for en, zh in _rows():
        if en not in table[zh]:
            table[zh].append(en)
    return sorted(table.items(), key=lambda item: -len(item[0]))


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    rows = list(_rows())
    rows.sort(key=lambda r: -len(r[0]))  # longest phrase first: "rare earth" before "earth"
    return [(re.compile(r"(?<![\w-])" + re.escape(en) + r"(?:s|es|d|ed|ing)?(?![\w-])"), zh) for en, zh in rows]


def expand_query(query: str) -> str:
    """The query followed by the Chinese terms of any English glossary phrases it contains."""
    text = query.lower()
    found: list[str] = []
    for pattern, zh in _patterns():
        if pattern.search(text):
            text = pattern.sub(" ", text)
            if zh not in found:
                found.append(zh)
    return f"{query} {' '.join(found)}" if found else query


def english_terms(query: str) -> list[str]:
    """English phrases of the Chinese glossary terms in ``query`` (zh-Hant or zh-Hans)."""
    text = to_simplified(query)
    found: list[str] = []
    for zh, phrases in _english_of():
        if zh in text:
            text = text.replace(zh, " ")
            found.extend(p for p in phrases if p not in found)
    return found


def widen_query(query: str) -> str:
    """The query with both directions of the glossary: Chinese for English terms, English for Chinese ones."""
    english = english_terms(query)
    widened = expand_query(query)
    return f"{widened} {' '.join(english)}" if english else widened
