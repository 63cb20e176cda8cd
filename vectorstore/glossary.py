"""English → Chinese export-control terms, used only to widen the lexical side of a search.

Why: character BM25 cannot match "tungsten" against 钨; dense embeddings bridge languages
but blur rare element names. Adding the Chinese term for each English term found in the
query lets both retrievers vote. The table is data (``data/glossary_en_zh.csv``), so
analysts can extend it without touching code.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).with_name("data") / "glossary_en_zh.csv"


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    with _TABLE.open(encoding="utf-8", newline="") as fh:
        rows = [(r["en"].strip().lower(), r["zh"].strip()) for r in csv.DictReader(fh) if r.get("en")]
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
