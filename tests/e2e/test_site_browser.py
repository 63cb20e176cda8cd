"""The built site in headless Chromium (Debian's package): index, the 2026-W07 briefing, navigation.

Checks what a reader would notice: tables are tables, every chart image loads, every navigation
and previous/next link leads to a page, and no Liquid or kramdown attribute text shows. Full-page
screenshots are saved under the test's temp dir.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from site_fixture import PublishedSite

from agent.site.serve import site_server

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
W07 = "/Narrator/trade_briefing/2026-W07-trade-briefing/"
RAW = ("{:", "{{", "{%", "%}", "}}")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (`make install-browser`)"),
]


@pytest.fixture(scope="module")
def base(built_site: tuple[PublishedSite, Path]) -> Iterator[str]:
    _, out = built_site
    server = site_server(out, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


def _no_raw_markup(page: Page) -> None:
    text = page.locator("body").inner_text()
    shown = [r for r in RAW if r in text]
    assert not shown, f"raw Liquid/kramdown text visible on {page.url}: {shown}"


def _links_resolve(page: Page, selector: str, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.href)")
    for href in hrefs:
        assert href.startswith(base), href
        assert httpx.get(href, timeout=5, trust_env=False).status_code == 200, href
    return list(hrefs)


def test_the_index_lists_the_published_reports(page: Page, base: str, tmp_path: Path) -> None:
    page.goto(f"{base}/")
    assert page.title().startswith("已刊出的報告")
    links = _links_resolve(page, "main a", base)
    assert f"{base}{W07}" in links
    assert not [h for h in links if "2026-W08" in h]  # the unpublished draft is not on the site
    _links_resolve(page, "nav.site-nav a", base)
    _no_raw_markup(page)
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)


def test_the_briefing_renders_tables_charts_and_navigation(page: Page, base: str, tmp_path: Path) -> None:
    page.goto(f"{base}{W07}")
    tables = page.locator("table.comparison-table")
    assert tables.count() >= 3
    first = tables.first
    assert first.locator("thead th").count() >= 2 and first.locator("tbody tr").count() >= 1
    assert first.evaluate("t => getComputedStyle(t.querySelector('td')).borderTopStyle") == "solid"  # our stylesheet
    assert page.locator(".key-takeaway").count() >= 1 and page.locator(".data-highlight").count() >= 1
    images = page.locator("p.chart img")
    assert images.count() >= 2
    for i in range(images.count()):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=img.element_handle())
        assert img.evaluate("img => img.naturalWidth") > 0, img.get_attribute("src")
        assert len(img.get_attribute("alt") or "") > 20
        caption = img.locator("xpath=../following-sibling::p[1]")
        assert "chart-caption" in (caption.get_attribute("class") or "") and "資料來源" in caption.inner_text()
    prev = _links_resolve(page, "nav.report-nav a", base)
    assert prev == [f"{base}/Narrator/trade_briefing/2026-W06-trade-briefing/"]
    assert "（未刊出）" in page.locator("nav.report-nav").inner_text()  # next week: text, not a dead link
    _links_resolve(page, "nav.site-nav a", base)
    _links_resolve(page, "p.breadcrumb a", base)
    _no_raw_markup(page)
    page.screenshot(path=str(tmp_path / "2026-W07.png"), full_page=True)
    page.locator("p.chart").first.screenshot(path=str(tmp_path / "chart-balance.png"))
    page.click("nav.report-nav a.prev")
    page.wait_for_url(f"{base}/Narrator/trade_briefing/2026-W06-trade-briefing/")
    _no_raw_markup(page)


def test_a_monthly_report_renders_when_one_is_published(page: Page, base: str, built_site: tuple[PublishedSite, Path],
                                                       tmp_path: Path) -> None:
    _, out = built_site
    monthly = [p for p in out.glob("Narrator/*/*/index.html") if "trade_briefing" not in p.parts]
    assert monthly, "the published policy tracker is missing from the built site"
    url = "/" + monthly[0].parent.relative_to(out).as_posix() + "/"
    page.goto(f"{base}{url}")
    assert page.locator("table").count() >= 1
    _links_resolve(page, "nav.site-nav a", base)
    _no_raw_markup(page)
    page.screenshot(path=str(tmp_path / "monthly.png"), full_page=True)
