"""A published site from the bundled sample: two weeks drafted with charts, reviewed, published.

Production path end to end except the reviewer's clicks: `agent fetch --from-sample`, the
template narrator, charts from facts, every flagged item approved through ``ReviewDesk``, then
`agent publish` into the site source that `agent site build` reads. A third week is drafted and
left unpublished, so a test can prove a draft never reaches the site.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from real_draft import build_bundled_draft, draft_week

WEEKS = ("2026-W06", "2026-W07")
UNPUBLISHED = "2026-W08"
MONTHLY = "policy-tracker/2025-10"  # a monthly report, drafted and published the way a user does it


@dataclass(frozen=True)
class PublishedSite:
    env: dict[str, str]
    source: Path  # the site source (`AGENT_SITE_DIR`)
    published: dict[str, Path]  # week -> published Markdown
    draft_dir: Path


def published_site(root: Path) -> PublishedSite:
    from agent.config import load_settings
    from agent.review import ReviewDesk

    source = root / "site"
    drafts = root / "drafts"  # drafts live outside the site source; only publish writes into it
    env = build_bundled_draft(root, WEEKS[0], output_dir=drafts)
    env["AGENT_SITE_DIR"] = str(source)
    draft_week(env, WEEKS[0], charts=True)
    for week in (*WEEKS[1:], UNPUBLISHED):
        draft_week(env, week, charts=True)
    desk = ReviewDesk(load_settings(env))
    published: dict[str, Path] = {}
    for week in WEEKS:
        for item in desk.items(week):
            desk.decide(item, "approve", "Site Tester")
        published[week] = desk.publish(week, "Site Tester").path
    report, month = MONTHLY.split("/")
    drafted = subprocess.run([sys.executable, "-m", "agent", "draft", "--report", report, "--month", month,
                              "--llm", "template"], env=env, capture_output=True, text=True, timeout=300)
    if drafted.returncode != 0:
        raise RuntimeError(f"agent draft --report {report} failed: {drafted.stderr[-500:]}")
    desk = ReviewDesk(load_settings(env))
    for item in desk.items(MONTHLY):
        desk.decide(item, "approve", "Site Tester")
    published[MONTHLY] = desk.publish(MONTHLY, "Site Tester").path
    return PublishedSite(env, source, published, drafts / "trade-briefing")
