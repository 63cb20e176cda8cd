"""Okapi BM25 over character unigrams and bigrams, and reciprocal rank fusion.

Why characters: Chinese has no spaces and a word segmenter would split rare terms such
as 钨、铋、安世 or 第61号 unpredictably; uni+bigrams match them exactly. Latin words and
numbers stay whole tokens. Small, pure and dependency-free so it is easy to test.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[A-Za-z]+|\d+(?:\.\d+)?")
_STOP = frozenset({"the", "of", "and", "a", "an", "on", "in", "to", "for", "is", "are", "by", "with", "what"})


def tokens(text: str) -> list[str]:
    """Character unigrams + bigrams of CJK runs; lower-cased Latin words; numbers."""
    out: list[str] = []
    for run in _RUNS.findall(text.lower()):
        if re.match(rf"[{_CJK}]", run):
            out.extend(run)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif run not in _STOP:
            out.append(run)
    return out


class BM25:
    """BM25 index over pre-tokenised documents (k1, b as in the usual Okapi defaults)."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avg = (sum(self.len) / len(self.len)) if self.len else 0.0
        df: Counter[str] = Counter()
        for tf in self.tf:
            df.update(tf.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: Iterable[str]) -> list[float]:
        """Score of every document for the query tokens (repeated query tokens count once)."""
        terms = [t for t in dict.fromkeys(query) if t in self.idf]
        result = []
        for tf, length in zip(self.tf, self.len, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self.avg) if self.avg else self.k1
            s = 0.0
            for t in terms:
                f = tf.get(t, 0)
                if f:
                    s += self.idf[t] * f * (self.k1 + 1) / (f + norm)
            result.append(s)
        return result


def reciprocal_rank_fusion(rankings: Iterable[Sequence[str]], k: int = 60) -> dict[str, float]:
    """Fused score per id: sum of 1/(k + rank) over the rankings that contain it (rank from 1)."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused
