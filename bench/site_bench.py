"""Benchmark the site: charts for one draft, then `agent site build` for the bundled reports.

Prints seconds to gather the chart facts and draw the charts of one week, and seconds for the
Jekyll build of the bundled published reports (2026-W06 and 2026-W07 from the sample, drafted
with the template narrator, every flagged item approved, published), target < 15 s on 2 cores.
Run: ``.venv/bin/python bench/site_bench.py [--runs 3]``. Needs Debian's jekyll (`make install-site`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 15.0


def _charts_seconds(env: dict[str, str], week: str) -> tuple[float, float, int]:
    from agent.config import load_settings
    from agent.site.attach import charts_for
    from agent.site.chart_facts import chart_facts
    from agent.site.svg import render_svg
    from tools.facts.build import build_fact_sheet
    from tools.store import Store

    store = Store(load_settings(env).data_dir)
    sheet = build_fact_sheet(store, week)
    started = time.perf_counter()
    charts = charts_for(chart_facts(store, sheet))
    facts_s = time.perf_counter() - started
    started = time.perf_counter()
    for chart in charts:
        render_svg(chart)
    return facts_s, time.perf_counter() - started, len(charts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Jekyll builds to time (median reported).")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from site_fixture import published_site

    from agent.site.build import build_site, jekyll_available

    if not jekyll_available():
        print("site bench skipped: jekyll not installed (`make install-site`)")
        return 0
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        started = time.perf_counter()
        site = published_site(Path(tmp))
        prepare_s = time.perf_counter() - started
        facts_s, draw_s, count = _charts_seconds(site.env, "2026-W07")
        times, pages, warnings = [], 0, 0
        for run in range(args.runs):
            result = build_site(site.source, Path(tmp) / f"_site{run}")
            times.append(result.seconds)
            pages, warnings = len(result.pages), len(result.warnings)
    build_s = statistics.median(times)
    print(f"site: prepared {pages} published report(s) from the sample in {prepare_s:.1f} s")
    print(f"charts (2026-W07): {count} chart(s), facts {facts_s:.2f} s, drawn as SVG in {draw_s:.2f} s")
    print(f"jekyll build: median {build_s:.2f} s over {len(times)} run(s) "
          f"(min {min(times):.2f}, max {max(times):.2f}); {warnings} warning(s); target < {TARGET_S:.0f} s "
          f"{'OK' if build_s < TARGET_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
