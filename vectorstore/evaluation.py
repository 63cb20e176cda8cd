"""Retrieval evaluation: hit@1, hit@3 and MRR of each search mode over a labelled query set.

Why in the package (not only in tests): ``agent eval retrieval`` lets a user check a
changed embedder, chunk size or corpus against the same queries the test suite uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from tools.jsonl import read_jsonl

from .index import PolicyIndex
from .models import SearchMode

MODES: tuple[SearchMode, ...] = ("dense", "lexical", "hybrid")
DEPTH = 10


class EvalQuery(BaseModel):
    query: str
    expected: list[str] = Field(min_length=1, description="doc ids any of which counts as a hit")
    lang: str = ""
    note: str = ""


class ModeScore(BaseModel):
    mode: str
    n: int
    hit1: float
    hit3: float
    mrr: float
    misses: list[str] = Field(default_factory=list, description="queries with no expected doc in the top 3")


def load_queries(path: Path) -> list[EvalQuery]:
    """Read a JSONL eval set; a bad line names the file and line number."""
    return read_jsonl(path, EvalQuery, "eval query")


def first_hit_rank(ranked: Sequence[str], expected: Iterable[str]) -> int | None:
    """1-based rank of the first expected id in ``ranked``; None when absent."""
    wanted = set(expected)
    return next((i for i, doc in enumerate(ranked, start=1) if doc in wanted), None)


def score_mode(index: PolicyIndex, queries: Sequence[EvalQuery], mode: SearchMode) -> ModeScore:
    hit1 = hit3 = 0
    rr = 0.0
    misses = []
    for q in queries:
        ranked = [p.doc_id for p in index.search(q.query, k=DEPTH, mode=mode)]
        rank = first_hit_rank(ranked, q.expected)
        if rank is not None:
            rr += 1.0 / rank
            hit1 += rank == 1
            hit3 += rank <= 3
        if rank is None or rank > 3:
            misses.append(q.query)
    n = len(queries)
    return ModeScore(mode=mode, n=n, hit1=hit1 / n, hit3=hit3 / n, mrr=rr / n, misses=misses)


def evaluate(index: PolicyIndex, queries: Sequence[EvalQuery]) -> list[ModeScore]:
    """One score row per mode (dense, lexical, hybrid)."""
    return [score_mode(index, queries, mode) for mode in MODES]
