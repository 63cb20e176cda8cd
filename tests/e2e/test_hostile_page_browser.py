"""End to end: the published page built from hostile documents, opened in headless Chromium.

The page is the published 2026-W07 briefing (an ingested note and a MOFCOM list answer carrying
``<script>``, ``onerror=``, ``javascript:`` and Liquid), rendered to HTML with raw HTML on, as a
Jekyll site serves it. Not one dialog may open. A screenshot of the review page checks the CJK
font stack: the Traditional-Chinese face is the one Chromium uses.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hostile_page import build_hostile_page

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STYLE = Path(__file__).resolve().parents[2] / "agent" / "web" / "static" / "style.css"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (`make install-browser`)"),
]


def test_the_published_hostile_page_opens_no_dialog_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_built = build_hostile_page(tmp_path)
    html_path = tmp_path / "published.html"
    html_path.write_text(f"<!doctype html><meta charset='utf-8'><body>{page_built.html}</body>", encoding="utf-8")
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", on_dialog)
            page.goto(html_path.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(500)  # an onerror handler fires after the failed image load
            for link in page.locator("a").all():
                link.dispatch_event("mouseover")
            shown = page.inner_text("body")
            scripts = page.locator("script").count()
        finally:
            browser.close()
    assert dialogs == []
    assert scripts == 0
    assert "alert(1)" in shown  # the hostile title is on the page, as text


def test_the_review_page_font_stack_puts_a_traditional_chinese_face_first(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    css = STYLE.read_text(encoding="utf-8")
    html = tmp_path / "fonts.html"
    html.write_text(f"<!doctype html><meta charset='utf-8'><style>{css}</style><body><p id=t>貿易動態週報：美國對台灣出口</p>",
                    encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(html.as_uri())
            family = page.eval_on_selector("#t", "e => getComputedStyle(e).fontFamily")
            have_font = page.evaluate("document.fonts.check('16px \"Noto Sans CJK TC\"', '貿易')")
            shot = Path(os.environ.get("AGENT_E2E_SHOTS", tmp_path)) / "review-fonts.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert family.split(",")[0].strip().strip('"') == "Noto Sans CJK TC"
    assert any(f in family for f in ("PingFang TC", "Microsoft JhengHei"))
    if shutil.which("fc-list"):
        import subprocess

        installed = "Noto Sans CJK TC" in subprocess.run(["fc-list"], capture_output=True, text=True).stdout
        assert not installed or have_font
    assert shot.stat().st_size > 0
