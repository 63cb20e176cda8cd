"""The review web page through FastAPI's TestClient: flow, sign-in, CSRF and escaping."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agent.config import load_settings
from agent.review import ReviewDesk
from agent.web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures" / "review"
WEEK = "2026-W07"
KEY = f"trade-briefing/{WEEK}"
GOOD_EDIT = "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,894 億，較 2024 年同期收窄 29.9%。"


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[TestClient, ReviewDesk, str]:
    out = tmp_path / "drafts" / "trade-briefing"
    out.mkdir(parents=True)
    for f in FIXTURES.glob(f"{WEEK}-trade-briefing.*"):
        shutil.copy(f, out / f.name)
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(out.parent), "AGENT_SITE_DIR": str(tmp_path / "site")})
    desk = ReviewDesk(settings)
    token = desk.store.add_reviewer("ann")
    return TestClient(create_app(settings), base_url="http://127.0.0.1"), desk, token


def sign_in(client: TestClient, token: str) -> None:
    form = client.get("/signin")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    response = client.post("/signin", data={"token": token, "csrf": csrf.group(1)}, follow_redirects=False)
    assert response.status_code == 303


def page_csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


def item_ids(desk: ReviewDesk) -> dict[str, int]:
    return {i.claim_id: i.id for i in desk.items(WEEK)}


def test_a_reviewer_takes_the_draft_from_flagged_to_published(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, desk, token = setup
    sign_in(client, token)
    index = client.get("/")
    assert index.status_code == 200 and WEEK in index.text and 'data-open="5"' in index.text

    draft = client.get(f"/drafts/{KEY}")
    assert draft.status_code == 200
    assert 'id="publish-button" disabled' in draft.text
    assert draft.text.count('<mark class="claim state-open"') == 5
    assert "USD 1,269 億" in draft.text and "census.intltrade.balance" in draft.text
    csrf = page_csrf(draft.text)
    ids = item_ids(desk)

    early = client.post(f"/drafts/{KEY}/publish", data={"csrf": csrf})
    assert early.status_code == 409 and "undecided" in early.text

    def decide(claim: str, action: str, text: str = "", expected: str = "") -> Any:
        return client.post(f"/drafts/{KEY}/items/{ids[claim]}", follow_redirects=False,
                           data={"csrf": csrf, "action": action, "text": text, "note": "", "expected": expected})

    assert decide("summary-3f9a1c", "approve").status_code == 303
    bad = decide("imports-c41e07", "edit", "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,900 億。")
    assert bad.status_code == 422
    assert "USD 1,900 億" in bad.text and "refused" in bad.text
    assert decide("imports-c41e07", "edit", GOOD_EDIT).status_code == 303
    for claim in ("policy-a1d4e2", "policy-e93b70", "watchlist-0c6d58"):
        assert decide(claim, "reject").status_code == 303

    ready = client.get(f"/drafts/{KEY}")
    assert 'id="publish-button" disabled' not in ready.text and 'id="open-count">0<' in ready.text
    published = client.post(f"/drafts/{KEY}/publish", data={"csrf": csrf}, follow_redirects=False)
    assert published.status_code == 303
    page = (desk.site_dir / "docs" / "Narrator" / "trade_briefing" / f"{WEEK}-trade-briefing.md").read_text(encoding="utf-8")
    assert GOOD_EDIT in page and "<!--" not in page and "reviewed_by:\n- ann\n" in page


def test_a_second_reviewer_on_a_stale_page_cannot_overwrite(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, desk, token = setup
    sign_in(client, token)
    csrf = page_csrf(client.get(f"/drafts/{KEY}").text)
    item = item_ids(desk)["summary-3f9a1c"]
    desk.decide(desk.item(str(item)), "approve", "bob")  # someone else decides meanwhile
    response = client.post(f"/drafts/{KEY}/items/{item}", data={"csrf": csrf, "action": "reject", "expected": ""})
    assert response.status_code == 409 and "approved by bob" in response.text
    assert desk.item(str(item)).state == "approved"


def test_every_page_and_action_needs_a_signed_in_reviewer(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, desk, _ = setup
    item = item_ids(desk)["summary-3f9a1c"]
    redirect = client.get(f"/drafts/{KEY}", headers={"accept": "text/html"}, follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == "/signin"
    assert client.get("/", headers={"accept": "application/json"}).status_code == 401
    refused = client.post(f"/drafts/{KEY}/items/{item}", data={"action": "approve", "csrf": "x"})
    assert refused.status_code == 401
    assert client.post(f"/drafts/{KEY}/publish", data={"csrf": "x"}).status_code == 401
    client.cookies.set("tn_session", "forged")
    assert client.get("/", headers={"accept": "application/json"}).status_code == 401
    assert desk.item(str(item)).state == "open"
    assert client.get("/static/style.css").status_code == 200  # the stylesheet is public


def test_wrong_token_and_wrong_csrf_are_refused(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, desk, token = setup
    form = client.get("/signin")
    wrong = client.post("/signin", data={"token": "nope", "csrf": page_csrf(form.text)})
    assert wrong.status_code == 401 and "tn_session" not in wrong.cookies
    assert client.post("/signin", data={"token": token, "csrf": "forged"}).status_code == 403

    sign_in(client, token)
    item = item_ids(desk)["summary-3f9a1c"]
    for csrf in ("", "forged"):
        response = client.post(f"/drafts/{KEY}/items/{item}", data={"csrf": csrf, "action": "approve"})
        assert response.status_code == 403
    assert client.post(f"/drafts/{KEY}/publish", data={"csrf": "forged"}).status_code == 403
    assert desk.item(str(item)).state == "open"


def test_session_cookie_is_httponly_and_samesite_strict(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, _, token = setup
    form = client.get("/signin")
    response = client.post("/signin", data={"token": token, "csrf": page_csrf(form.text)}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "tn_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none' → no scripts


def test_bearer_token_works_without_a_session(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, desk, token = setup
    item = item_ids(desk)["summary-3f9a1c"]
    headers = {"authorization": f"Bearer {token}"}
    assert client.get(f"/drafts/{KEY}", headers=headers).status_code == 200
    response = client.post(f"/drafts/{KEY}/items/{item}", headers=headers, data={"action": "approve"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert desk.item(str(item)).decision.reviewer == "ann"  # type: ignore[union-attr]
    assert client.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401


def test_scraped_html_is_rendered_as_text(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, desk, token = setup
    sidecar_path = desk.drafts_dir / "trade-briefing" / f"{WEEK}-trade-briefing.json"
    md_path = desk.drafts_dir / "trade-briefing" / f"{WEEK}-trade-briefing.md"
    sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
    doc = next(iter(sidecar["docs"].values()))
    doc["title"] = "<script>alert('title')</script>出口管制"
    doc["passage"] = "<img src=x onerror=alert(1)>"
    doc["url"] = "javascript:alert(1)"
    sidecar_path.write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    md = md_path.read_text(encoding="utf-8")
    md = md.replace("本報告由自動化系統產出", "<script>alert('body')</script>本報告由自動化系統產出")
    md_path.write_text(md, encoding="utf-8")

    sign_in(client, token)
    html = client.get(f"/drafts/{KEY}").text
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;出口管制" in html
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html
    # the report's own markup still works
    assert '<div class="key-takeaway">' in html and '<span class="data-highlight">USD 1,269 億</span>' in html


def test_unknown_week_and_item_are_not_found(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, _, token = setup
    sign_in(client, token)
    assert client.get("/drafts/2026-W08").status_code == 404
    assert client.get("/drafts/bogus").status_code == 404
    csrf = page_csrf(client.get(f"/drafts/{KEY}").text)
    assert client.post(f"/drafts/{KEY}/items/999", data={"csrf": csrf, "action": "approve"}).status_code == 404


def test_sign_out_ends_the_session(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, _, token = setup
    sign_in(client, token)
    csrf = page_csrf(client.get("/").text)
    assert client.post("/signout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/", headers={"accept": "application/json"}).status_code == 401


def test_a_decided_item_can_be_changed_from_the_page_and_the_change_is_logged(
        setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, desk, token = setup
    sign_in(client, token)
    item = item_ids(desk)["watchlist-0c6d58"]
    csrf = page_csrf(client.get(f"/drafts/{KEY}").text)
    client.post(f"/drafts/{KEY}/items/{item}", data={"csrf": csrf, "action": "approve", "expected": ""})
    first = desk.item(str(item)).decision
    assert first is not None
    html = client.get(f"/drafts/{KEY}").text
    assert f'name="expected" value="{first.id}"' in html and "Change to reject" in html
    changed = client.post(f"/drafts/{KEY}/items/{item}", follow_redirects=False,
                          data={"csrf": csrf, "action": "reject", "expected": str(first.id), "change": "1"})
    assert changed.status_code == 303
    stale = client.post(f"/drafts/{KEY}/items/{item}",
                        data={"csrf": csrf, "action": "approve", "expected": str(first.id), "change": "1"})
    assert stale.status_code == 409
    history = desk.item(str(item)).history
    assert [d.action for d in history] == ["approve", "reject"] and history[1].supersedes == first.id
    assert "changed to reject by ann" in client.get(f"/drafts/{KEY}").text


def test_a_foreign_host_name_is_refused(setup: tuple[TestClient, ReviewDesk, str]) -> None:
    client, _, _ = setup
    assert client.get("/signin", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/signin", headers={"host": "localhost:8765"}).status_code == 200
