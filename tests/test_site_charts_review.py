"""Charts of a draft: attached with their facts, shown on the review page, carried along by publish."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent.config import Settings, load_settings
from agent.review import ReviewDesk
from agent.sidecar import Sidecar
from agent.site.attach import attach_charts
from agent.site.chart_facts import ChartFacts
from agent.site.svg import cjk_font
from agent.web.app import create_app
from tools.facts.model import Fact

FIXTURES = Path(__file__).parent / "fixtures"
WEEK = "2026-W07"
NAME = f"{WEEK}-trade-briefing"

pytestmark = pytest.mark.skipif(cjk_font() is None, reason="no CJK font (Debian fonts-noto-cjk; `make install-site`)")


def _hhi_facts() -> list[Fact]:
    raw = json.loads((FIXTURES / f"narrator_factsheet_{WEEK}.json").read_text(encoding="utf-8"))
    facts = raw["facts"].values() if isinstance(raw["facts"], dict) else raw["facts"]
    return [Fact.model_validate(f) for f in facts if f["kind"] == "hhi"]


@pytest.fixture()
def charted(tmp_path: Path) -> tuple[ReviewDesk, Path, str, Settings]:
    out = tmp_path / "drafts" / "trade-briefing"
    out.mkdir(parents=True)
    for f in (FIXTURES / "review").glob(f"{NAME}.*"):
        shutil.copy(f, out / f.name)
    attach_charts(out / f"{NAME}.md", out / f"{NAME}.json", ChartFacts(hhi=_hhi_facts()))
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(tmp_path / "drafts")})
    desk = ReviewDesk(settings)
    return desk, out, desk.store.add_reviewer("ann"), settings


def test_a_chart_is_attached_with_its_facts_and_figure(charted: tuple[ReviewDesk, Path, str, Settings]) -> None:
    _, out, _, _ = charted
    side = Sidecar.model_validate_json((out / f"{NAME}.json").read_text(encoding="utf-8"))
    (chart,) = side.charts
    assert chart.fact_ids and all(fid in side.facts for fid in chart.fact_ids)
    markdown = (out / f"{NAME}.md").read_text(encoding="utf-8")
    figure = f"]({chart.file})\n{{: .chart}}"
    assert figure in markdown and chart.caption in markdown
    svg = (out / NAME / chart.file).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_the_review_page_shows_the_charts_to_a_signed_in_reviewer(charted: tuple[ReviewDesk, Path, str, Settings]) -> None:
    _, _, token, settings = charted
    client = TestClient(create_app(settings), base_url="http://127.0.0.1")
    src = f"/drafts/trade-briefing/{WEEK}/charts/export-hhi.svg"
    assert client.get(src, follow_redirects=False).status_code in (401, 303)
    form = client.get("/signin")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    client.post("/signin", data={"token": token, "csrf": csrf.group(1)}, follow_redirects=False)
    page = client.get(f"/drafts/trade-briefing/{WEEK}").text
    assert f'<img src="{src}" alt="長條圖：' in page and 'id="charts"' in page
    svg = client.get(src)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert client.get(f"/drafts/trade-briefing/{WEEK}/charts/..%2F{NAME}.json").status_code == 404
    assert client.get(f"/drafts/trade-briefing/{WEEK}/charts/other.svg").status_code == 404


def test_publish_carries_the_charts_beside_the_published_page(charted: tuple[ReviewDesk, Path, str, Settings]) -> None:
    desk, _, _, _ = charted
    for item in desk.items(WEEK):
        desk.decide(item, "approve", "ann")
    published = desk.publish(WEEK, "ann").path
    assert (published.parent / NAME / "charts" / "export-hhi.svg").is_file()
    assert "](charts/export-hhi.svg)" in published.read_text(encoding="utf-8")
