"""Benchmark the draft of the bundled week: deterministic part, then the local model per section.

Prints seconds for facts + tables + retrieval (target < 1 s), seconds and completion tokens per
section for the local model, the whole local draft (target < 60 s on 2 cores), and the share
of model sentences kept vs replaced by the verifier.
Run: ``.venv/bin/python bench/draft_bench.py [--week 2026-W07] [--data-dir DIR] [--backend local]``.
Without ``--data-dir`` the bundled sample is fetched into a temporary store first (and the
policy index is built there with ``--with-policy``, which takes a minute or two).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _prepare(data_dir: Path, with_policy: bool) -> None:
    env = {**os.environ, "AGENT_DATA_DIR": str(data_dir)}
    subprocess.run([sys.executable, "-m", "agent", "fetch", "--from-sample"], env=env, check=True,
                   capture_output=True)
    if with_policy:
        subprocess.run([sys.executable, "-m", "agent", "policy", "ingest"], env=env, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", default="2026-W07")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--backend", default="local")
    parser.add_argument("--with-policy", action="store_true")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="draft-bench-"))
    if args.data_dir is None:
        _prepare(data_dir, args.with_policy)
    os.environ["AGENT_DATA_DIR"] = str(data_dir)

    from agent.config import load_settings
    from agent.llm import TemplateBackend, get_backend
    from agent.narrate import Inputs, draft, retrieve
    from tools.facts.build import build_fact_sheet
    from tools.store import Store
    from tools.weeks import parse_week

    settings = load_settings()
    week = parse_week(args.week)
    store = Store(data_dir)
    t0 = time.perf_counter()
    sheet = build_fact_sheet(store, week.week)
    prev = build_fact_sheet(store, week.prev_week)
    t_facts = time.perf_counter() - t0
    t0 = time.perf_counter()
    retrieved = retrieve(settings, week.start, week.end)
    t_retrieval = time.perf_counter() - t0
    inputs = Inputs(week=week, sheet=sheet, prev_sheet=prev, retrieved=retrieved)
    t0 = time.perf_counter()
    draft(inputs, TemplateBackend())
    t_tables = time.perf_counter() - t0
    print(f"facts (this + last week): {t_facts:.3f} s")
    print(f"retrieval ({retrieved.status}, {len(retrieved.passages)} docs): {t_retrieval:.3f} s")
    print(f"plans + tables + render + trace (template draft): {t_tables:.3f} s")
    print(f"deterministic total: {t_facts + t_retrieval + t_tables:.3f} s  (target < 1 s)")

    backend = get_backend(args.backend, settings)
    t0 = time.perf_counter()
    result = draft(inputs, backend)
    total = time.perf_counter() - t0
    print(f"\n{backend.name} draft ({backend.model or 'no model'}): {total:.1f} s  (target < 60 s)")
    for key, stats in result.stats["sections"].items():
        print(f"  {key:<14} {stats['seconds']:6.2f} s  {stats['tokens']:5d} tokens")
    kept, replaced = result.stats["kept"], result.stats["replaced"]
    asked = kept + replaced
    share = f"{kept / asked:.0%} kept, {replaced / asked:.0%} replaced" if asked else "no model sentences"
    print(f"model sentences: {kept} kept, {replaced} replaced ({share})")


if __name__ == "__main__":
    main()
