"""The review web page under a hostile but signed-in (or not) visitor: path traversal, forged CSRF,
item ids beyond SQLite's integers, and reviewers deciding the same items in parallel.

These properties held when probed by hand (issue 16); kept here so they stay true.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_web_review import KEY, item_ids, page_csrf, setup, sign_in  # noqa: F401 (setup is a fixture)

from agent.review import ReviewDesk

Setup = tuple[TestClient, ReviewDesk, str]

TRAVERSALS = [
    "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd", "..%252f..%252fetc%252fpasswd",
    "....//....//etc/passwd", "2026-W07/../../../etc/passwd", "2026-W07%00.md", "..\\\\..\\\\windows\\\\win.ini",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/etc/passwd", "2026-W07-trade-briefing.json",
    "trade-briefing/..%2f..%2fetc%2fpasswd", "..%2f..%2fetc/passwd", "trade-briefing/2026-W07%2f..%2f..%2fetc",
]


@pytest.mark.parametrize("week", TRAVERSALS)
def test_path_traversal_in_the_week_never_reads_a_file(week: str, setup: Setup) -> None:  # noqa: F811
    client, _, token = setup
    sign_in(client, token)
    response = client.get(f"/drafts/{week}")
    assert response.status_code in (404, 400, 422)
    assert "root:" not in response.text and "[extensions]" not in response.text


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/%2e%2e/pyproject.toml",
                                  "/static/....//app.py"])
def test_path_traversal_out_of_the_static_folder_is_refused(path: str, setup: Setup) -> None:  # noqa: F811
    client, _, _ = setup
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "create_app" not in response.text and "[project]" not in response.text


def test_forged_csrf_on_every_state_changing_form_is_refused(setup: Setup) -> None:  # noqa: F811
    client, desk, token = setup
    sign_in(client, token)
    real = page_csrf(client.get(f"/drafts/{KEY}").text)
    item = item_ids(desk)["summary-3f9a1c"]
    forged = [real[:-1] + ("a" if real[-1] != "a" else "b"), real.upper(), "", " " + real]
    for csrf in forged:
        assert client.post(f"/drafts/{KEY}/items/{item}", data={"csrf": csrf, "action": "approve"}).status_code == 403
        assert client.post(f"/drafts/{KEY}/publish", data={"csrf": csrf}).status_code == 403
        assert client.post("/signout", data={"csrf": csrf}, follow_redirects=False).status_code == 403
    assert desk.item(str(item)).state == "open"


@pytest.mark.parametrize("item", [str(2**63), str(2**70), "9" * 40])
def test_item_ids_beyond_sqlite_integers_are_not_found_not_500(item: str, setup: Setup) -> None:  # noqa: F811
    client, desk, token = setup
    sign_in(client, token)
    csrf = page_csrf(client.get(f"/drafts/{KEY}").text)
    response = client.post(f"/drafts/{KEY}/items/{item}", data={"csrf": csrf, "action": "approve"})
    assert response.status_code == 404
    real = item_ids(desk)["summary-3f9a1c"]
    stale = client.post(f"/drafts/{KEY}/items/{real}", data={"csrf": csrf, "action": "approve", "expected": item})
    assert stale.status_code in (404, 409)
    assert desk.item(str(real)).state == "open"


def test_parallel_decisions_from_the_page_keep_one_per_item(setup: Setup, tmp_path: Path) -> None:  # noqa: F811
    client, desk, token = setup
    sign_in(client, token)
    csrf = page_csrf(client.get(f"/drafts/{KEY}").text)
    ids = list(item_ids(desk).values())
    statuses: list[int] = []
    lock = threading.Lock()

    def reviewer(action: str) -> None:
        for item in ids:
            r = client.post(f"/drafts/{KEY}/items/{item}", data={"csrf": csrf, "action": action},
                            follow_redirects=False)
            with lock:
                statuses.append(r.status_code)

    threads = [threading.Thread(target=reviewer, args=(a,)) for a in ("approve", "reject", "approve", "reject")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses.count(303) == len(ids)  # exactly one decision per item won
    assert statuses.count(409) == 3 * len(ids)  # the others were refused, not lost or doubled
    log = desk.store.decision_log(KEY)
    assert sorted(d.item_id for d in log) == sorted(ids)
