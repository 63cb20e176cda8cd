"""`agent site build` on the bundled reports: Debian's Jekyll, zero warnings, only published pages,
charts beside their page, Liquid in report text inert."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from site_fixture import UNPUBLISHED, WEEKS, PublishedSite

from agent.site.build import build_site

pytestmark = pytest.mark.slow
W07 = "Narrator/trade_briefing/2026-W07-trade-briefing"


def test_the_built_site_holds_the_published_weeks_and_never_a_draft(built_site: tuple[PublishedSite, Path]) -> None:
    site, out = built_site
    for week in WEEKS:
        assert (out / "Narrator/trade_briefing" / f"{week}-trade-briefing" / "index.html").is_file()
    assert (site.draft_dir / f"{UNPUBLISHED}-trade-briefing.md").is_file()
    assert not list(out.rglob(f"*{UNPUBLISHED}*"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="/{W07}/"' in index and f"/Narrator/trade_briefing/{UNPUBLISHED}-trade-briefing/" not in index
    assert (out / "Narrator/trade_briefing/index.html").is_file()  # the parent the pages point to
    assert (out / "sitemap.xml").is_file() and f"/{W07}/" in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_the_briefing_keeps_its_classes_tables_charts_and_nav(built_site: tuple[PublishedSite, Path]) -> None:
    site, out = built_site
    page = (out / W07 / "index.html").read_text(encoding="utf-8")
    for cls in ("article-summary", "key-takeaway", "data-highlight", "comparison-table", "chart", "chart-caption"):
        assert f'class="{cls}' in page or f" {cls}" in page, cls
    assert page.count("<table") >= 3 and "{:" not in page and "{{" not in page and "{%" not in page
    assert '<meta property="og:title"' in page  # jekyll-seo-tag ran
    side = json.loads((site.draft_dir / "2026-W07-trade-briefing.json").read_text(encoding="utf-8"))
    charts = side["charts"]
    assert {c["kind"] for c in charts} >= {"balance_monthly", "hhi"}
    for chart in charts:
        assert (out / W07 / chart["file"]).read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert f'src="{chart["file"]}"' in page
        assert chart["fact_ids"] and all(fid in side["facts"] for fid in chart["fact_ids"])
    sections = re.split(r"<h2 ", page)
    assert "balance-monthly.svg" in next(s for s in sections if "進口重點" in s.split("</h2>")[0])
    assert "export-hhi.svg" in next(s for s in sections if "集中度" in s.split("</h2>")[0])
    # previous week is published: a link; next week is not: text, never a dead link
    assert 'rel="prev" href="/Narrator/trade_briefing/2026-W06-trade-briefing/"' in page
    assert 'rel="next"' not in page and "（未刊出）" in page


def test_liquid_in_report_text_is_shown_as_written(bundled_site: PublishedSite, tmp_path: Path) -> None:
    """A scraped title holding Liquid must not run: it is text on the page and Jekyll builds cleanly."""
    source = tmp_path / "site"
    import shutil

    shutil.copytree(bundled_site.source, source)
    page = next(source.rglob("published/2026-W07-trade-briefing.md"), None) or next(
        p for p in source.rglob("2026-W07-trade-briefing.md") if "published_at:" in p.read_text(encoding="utf-8"))
    planted = ("\n\n商務部公告「{{ site.title }}{% include report-nav.html %}{% raw %}x{% endraw %}"
               "{% capture a %}executed{% endcapture %}{{ a }}」\n")
    page.write_text(page.read_text(encoding="utf-8") + planted, encoding="utf-8")
    result = build_site(source, tmp_path / "_site")
    assert result.warnings == []
    html = (tmp_path / "_site" / W07 / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "{{ site.title }}{% include report-nav.html %}{% raw %}x{% endraw %}" in text
    assert "{% capture a %}executed{% endcapture %}{{ a }}" in text


def test_site_serve_previews_the_built_site_on_loopback(bundled_site: PublishedSite, tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = subprocess.Popen([sys.executable, "-m", "agent", "site", "serve", "--port", str(port),
                               "--out", str(tmp_path / "_site")], env=bundled_site.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/{W07}/", timeout=1, trust_env=False)
                break
            except httpx.HTTPError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"agent site serve did not start: {server.stderr.read() if server.stderr else ''!r}"
                                         ) from None
                time.sleep(0.3)
        assert page.status_code == 200 and "貿易動態簡報" in page.text
        chart = httpx.get(f"http://127.0.0.1:{port}/{W07}/charts/export-hhi.svg", timeout=5, trust_env=False)
        assert chart.headers["content-type"] == "image/svg+xml"
    finally:
        server.terminate()
        server.wait(timeout=10)
