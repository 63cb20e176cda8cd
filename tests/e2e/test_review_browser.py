"""End to end: `agent serve` on a free local port, driven by headless Chromium (Debian's package).

A reviewer signs in with a token from `agent reviewer add`, approves one item, tries an edit
with a number no fact vouches for (refused, with the reason on the page), saves a good edit,
rejects items, publishes, and the published file is checked on disk.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

CHROMIUM = Path("/usr/bin/chromium")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review"
WEEK = "2026-W07"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (Debian package `chromium`; "
                                                     "`make install-browser`)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serve(env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Add a reviewer with the CLI, start `agent serve` on a free port; yields (base URL, token)."""
    added = subprocess.run([sys.executable, "-m", "agent", "reviewer", "add", "E2E Reviewer"], env=env,
                           capture_output=True, text=True, timeout=60, check=True)
    token = added.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "agent", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/signin", timeout=1, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"agent serve did not start: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.2)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@contextmanager
def _browser() -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _sign_in(page: Page, base: str, token: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/drafts/{WEEK}")
    expect(page).to_have_url(f"{base}/signin")
    page.fill("#token", token)
    page.click("button:has-text('Sign in')")
    expect(page).to_have_url(f"{base}/")


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    drafts = tmp_path / "drafts" / "trade-briefing"
    drafts.mkdir(parents=True)
    for f in FIXTURES.glob(f"{WEEK}-trade-briefing.*"):
        shutil.copy(f, drafts / f.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    env.update(AGENT_DATA_DIR=str(tmp_path / "data"), AGENT_DRAFTS_DIR=str(drafts.parent),
               AGENT_SITE_DIR=str(tmp_path / "site"))
    with _serve(env) as (base, token):
        yield base, token, tmp_path / "site" / "docs" / "Narrator" / "trade_briefing"


def test_reviewer_takes_a_draft_from_flagged_to_published_in_the_browser(served: tuple[str, str, Path]) -> None:
    from playwright.sync_api import expect

    base, token, out = served
    good = "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,894 億，較 2024 年同期收窄 29.9%。"
    with _browser() as page:
        _sign_in(page, base, token)
        expect(page.locator("td[data-open]")).to_have_text("5")
        page.click(f"a:has-text('{WEEK}')")
        expect(page.locator("#publish-button")).to_be_disabled()
        expect(page.locator("mark.claim")).to_have_count(5)

        def card(claim: str) -> Locator:
            return page.locator(f"section.item[data-claim='{claim}']")

        card("summary-3f9a1c").locator("button[value=approve]").click()
        expect(card("summary-3f9a1c")).to_have_class("item state-approved")

        card("imports-c41e07").locator("textarea").fill("美國對中國貿易逆差 2025 年 1–11 月為 USD 1,900 億。")
        card("imports-c41e07").locator("button[value=edit]").click()
        expect(card("imports-c41e07").locator(".error")).to_contain_text("USD 1,900 億")
        expect(card("imports-c41e07")).to_have_class("item state-open")
        card("imports-c41e07").locator("textarea").fill(good)
        card("imports-c41e07").locator("button[value=edit]").click()
        expect(card("imports-c41e07")).to_have_class("item state-edited")

        card("policy-a1d4e2").locator("button[value=approve]").click()
        for claim in ("policy-e93b70", "watchlist-0c6d58"):
            card(claim).locator("button[value=reject]").click()
            expect(card(claim)).to_have_class("item state-rejected")

        expect(page.locator("#open-count")).to_have_text("0")
        expect(page.locator("#publish-button")).to_be_enabled()
        page.click("#publish-button")
        expect(page.locator(".message")).to_contain_text("published to")

    published = (out / f"{WEEK}-trade-briefing.md").read_text(encoding="utf-8")
    assert "<!--claim" not in published
    assert good in published
    assert "半導體進口增加可能是主要推力（推測）" in published
    assert "日本半導體設備" not in published and "德國出口資料覆蓋" not in published
    assert "reviewed_by:\n- E2E Reviewer\n" in published


def test_the_bundled_week_draft_is_published_from_the_browser(tmp_path: Path) -> None:
    """The real 2026-W07 draft (sample data, template narrator): every flagged item decided in the page."""
    from playwright.sync_api import expect
    from real_draft import build_bundled_draft

    from agent.config import load_settings
    from agent.review import ReviewDesk

    env = build_bundled_draft(tmp_path, WEEK)
    out = Path(env["AGENT_SITE_DIR"]) / "docs" / "Narrator" / "trade_briefing"
    claims = [i.claim_id for i in ReviewDesk(load_settings(env)).items(WEEK)]
    assert len(claims) >= 3
    with _serve(env) as (base, token), _browser() as page:
        _sign_in(page, base, token)
        page.goto(f"{base}/drafts/{WEEK}")

        def card(claim: str) -> Locator:
            return page.locator(f"section.item[data-claim='{claim}']")

        first, edited, rejected, *rest = claims
        card(first).locator("button[value=approve]").click()
        expect(card(first)).to_have_class("item state-approved")
        card(edited).locator("textarea").fill(card(edited).locator("textarea").input_value() + "影響 99% 相關出口。")
        card(edited).locator("button[value=edit]").click()
        expect(card(edited).locator(".error")).to_contain_text("99%")
        original = card(edited).locator("blockquote.claim-text").inner_text()
        good = original.rstrip("。") + "，內容待核對原文。"
        card(edited).locator("textarea").fill(good)
        card(edited).locator("button[value=edit]").click()
        expect(card(edited)).to_have_class("item state-edited")
        card(rejected).locator("button[value=reject]").click()
        for claim in rest:
            card(claim).locator("button[value=approve]").click()
            expect(card(claim)).to_have_class("item state-approved")
        page.click("#publish-button")
        expect(page.locator(".message")).to_contain_text("published to")

    published = (out / f"{WEEK}-trade-briefing.md").read_text(encoding="utf-8")
    assert "<!--claim" not in published and good in published
    assert "reviewed_by:\n- E2E Reviewer\n" in published
