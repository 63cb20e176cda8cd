"""A report type declared entirely in this file is drafted, reviewed and published like the briefing.

Why: adding a report must mean writing a spec (planner, template, page parts), not editing the
review store, the web page or the CLI. Nothing here touches ``agent/review``, ``agent/web`` or
``agent/cli``: the toy monthly report goes through the same engine, desk and publish step. The last
test adds a toy source too (a client over a recorded, synthetic answer and a producer registered
in ``tools.facts.registry``) whose facts feed a toy report, drafted, reviewed and published.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.config import load_settings
from agent.llm import SentencePlan, TemplateBackend
from agent.narrate import DraftContext, Inputs, PageParts, draft
from agent.narrate import render as md
from agent.narrate.sections import Paragraph, SectionPlan, Table, fact_line
from agent.narrate.sentences import facts_sentence
from agent.narrate.writer import SectionSpec
from agent.reports import (
    ReportSpec,
    SectionDef,
    get_report,
    parse_key,
    parse_period,
    register_report,
    unregister_report,
)
from agent.review import ReviewDesk
from tools.errors import InputError
from tools.facts.model import FactSheet

FIXTURES = Path(__file__).parent / "fixtures"
DEFICIT = "census.5830.balance.ytd.2025-01_2025-11"
TEMPLATE = """---
{{ front_matter }}
---

# 玩具月報 — {{ title }}

{% for p in sections.deficit.paragraphs %}
{{ p.text }}

{% endfor %}
{% for t in sections.deficit.tables %}
{{ t }}
{: .comparison-table}

{% endfor %}
{{ nav }}
"""


def _plan(ctx: DraftContext) -> SectionPlan:
    """One flagged sentence and one table on the Taiwan deficit, straight from the fact sheet."""
    fact = ctx.by_id[DEFICIT]
    plan = SentencePlan(key="tw", facts=(fact_line(fact),), fallback=facts_sentence([fact]))
    spec = SectionSpec(key="deficit", plans=[plan], facts={fact.id: fact}, speculative=True)
    table = Table(headers=["項目", "數值"], rows=[[fact.label_zh, fact.display]], fact_ids=[fact.id])
    return SectionPlan(spec=spec, prompt="summary", paragraphs=[Paragraph("", ["tw"], [fact.id], "")],
                       tables=[table])


def _compose(ctx: DraftContext) -> PageParts:
    spec, period = ctx.spec, ctx.period
    front = md.front_matter({"layout": "default", "title": period.label_zh, "parent": spec.title_zh,
                             "related_reports": [spec.url(period.prev)]})
    nav = md.nav_include(spec.url(period.prev), period.prev, spec.url(period.next), period.next)
    return PageParts(context={"front_matter": front, "title": period.label_zh, "nav": nav})


@pytest.fixture()
def toy(tmp_path: Path) -> Iterator[ReportSpec]:
    template = tmp_path / "toy.md.j2"
    template.write_text(TEMPLATE, encoding="utf-8")
    spec = register_report(ReportSpec(
        id="toy-monthly", title_zh="玩具月報", period_kind="month", site_section="Narrator/toy_monthly",
        template=template, sections=(SectionDef("deficit", _plan),), compose=_compose))
    yield spec
    unregister_report(spec.id)


def test_a_toy_monthly_report_is_drafted_reviewed_and_published(toy: ReportSpec, tmp_path: Path) -> None:
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(tmp_path / "drafts"),
                              "AGENT_SITE_DIR": str(tmp_path / "site")})
    sheet = FactSheet.model_validate_json((FIXTURES / "narrator_factsheet_2026-W07.json").read_text(encoding="utf-8"))
    inputs = Inputs(period=toy.period("2026-01"), sheet=sheet)
    result = draft(inputs, TemplateBackend(), settings.drafts_dir / toy.id, spec=toy)

    fact = sheet.by_id()[DEFICIT]
    assert result.markdown_path == tmp_path / "drafts" / "toy-monthly" / "2026-01-toy-monthly.md"
    assert result.sidecar.key == "toy-monthly/2026-01"
    assert f"| {fact.label_zh} | {fact.display} |" in result.markdown
    assert 'prev="/Narrator/toy_monthly/2025-12-toy-monthly/"' in result.markdown
    assert not (tmp_path / "site").exists()

    desk = ReviewDesk(settings)
    assert [s.report for s in desk.reports()] == ["toy-monthly/2026-01"]
    (item,) = desk.items("toy-monthly/2026-01")
    assert "speculative" in item.reasons and fact.display in item.text
    with pytest.raises(InputError, match="undecided"):
        desk.publish("toy-monthly/2026-01", "ann")
    desk.decide(item, "approve", "ann")
    published = desk.publish("toy-monthly/2026-01", "ann")

    assert published.path == tmp_path / "site" / "docs" / "Narrator" / "toy_monthly" / "2026-01-toy-monthly.md"
    page = published.path.read_text(encoding="utf-8")
    assert "<!--claim" not in page and fact.display in page and "reviewed_by:\n- ann" in page


def test_report_keys_and_periods_are_checked_against_the_spec(toy: ReportSpec) -> None:
    assert str(parse_key("2026-W07")) == "trade-briefing/2026-W07"  # the weekly briefing's shorthand
    assert str(parse_key("toy-monthly/2026-01")) == "toy-monthly/2026-01"
    assert get_report("trade-briefing").url("2026-W07") == "/Narrator/trade_briefing/2026-W07-trade-briefing/"
    for bad, reason in [("toy-monthly/2026-W07", "per month"), ("trade-briefing/2026-01", "per week"),
                        ("toy-monthly/2026-13", "invalid month"), ("nope/2026-01", "unknown report"),
                        ("2026-01", "bad report")]:
        with pytest.raises(InputError, match=reason):
            parse_key(bad)
    month, quarter = parse_period("month", "2026-01"), parse_period("quarter", "2026-Q1")
    assert (month.start.isoformat(), month.end.isoformat(), month.prev, month.next, month.year_ago) == (
        "2026-01-01", "2026-01-31", "2025-12", "2026-02", "2025-01")
    assert (quarter.end.isoformat(), quarter.prev, quarter.label_zh) == ("2026-03-31", "2025-Q4", "2026 年第 1 季")


def test_a_draft_of_the_wrong_period_kind_is_refused(toy: ReportSpec) -> None:
    from tools.errors import AgentError

    sheet = FactSheet.model_validate_json((FIXTURES / "narrator_factsheet_2026-W07.json").read_text(encoding="utf-8"))
    with pytest.raises(AgentError, match="per month"):
        draft(Inputs(period=parse_period("week", "2026-W07"), sheet=sheet), TemplateBackend(), spec=toy)


def test_the_review_page_serves_and_publishes_any_report(toy: ReportSpec, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from agent.web.app import create_app

    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(tmp_path / "drafts"),
                              "AGENT_SITE_DIR": str(tmp_path / "site")})
    sheet = FactSheet.model_validate_json((FIXTURES / "narrator_factsheet_2026-W07.json").read_text(encoding="utf-8"))
    draft(Inputs(period=toy.period("2026-01"), sheet=sheet), TemplateBackend(), settings.drafts_dir / toy.id, spec=toy)
    token = ReviewDesk(settings).store.add_reviewer("ann")
    client = TestClient(create_app(settings), base_url="http://127.0.0.1")
    auth = {"Authorization": f"Bearer {token}"}

    index = client.get("/", headers=auth)
    assert 'href="/drafts/toy-monthly/2026-01"' in index.text
    (item,) = ReviewDesk(settings).items("toy-monthly/2026-01")
    assert client.post(f"/drafts/toy-monthly/2026-01/items/{item.id}", headers=auth, data={"action": "approve"},
                       follow_redirects=False).status_code == 303
    done = client.post("/drafts/toy-monthly/2026-01/publish", headers=auth, follow_redirects=False)
    assert done.status_code == 303
    assert (tmp_path / "site" / "docs" / "Narrator" / "toy_monthly" / "2026-01-toy-monthly.md").is_file()
    assert client.get("/drafts/toy-monthly/2026-W07", headers=auth).status_code == 404  # wrong period kind


# ---- a toy source (client + producer over a recorded answer) feeding a toy report --------------

#: The recorded answer of the toy source, in its own (SYNTHETIC) wire format.
TOY_ANSWER = '{"series": "widgets", "unit": "USD", "rows": [{"month": "2025-12", "value": 98700000},' \
             ' {"month": "2026-01", "value": 123400000}]}'
TOY_URL = "https://toy.invalid/api/widgets?month=2026-01"


def toy_client(raw: str) -> dict[str, float]:
    """The client's job only: parse and validate the wire format (month -> USD)."""
    import json

    answer = json.loads(raw)
    if answer.get("unit") != "USD" or not isinstance(answer.get("rows"), list):
        raise ValueError("not a toy widgets answer")
    return {str(r["month"]): float(r["value"]) for r in answer["rows"]}


class ToyStore:
    """The store a producer reads: the built-in tables (empty here) and the toy source's recorded answer."""

    def census_monthly(self) -> Any:
        import pandas as pd

        return pd.DataFrame()

    comtrade_annual = census_revisions = census_monthly

    def toy_answer(self) -> str:
        return TOY_ANSWER


def _register_toy_producer() -> None:
    from datetime import UTC, datetime

    from tools.facts.key import Basis, FactKey
    from tools.facts.make import period, source_ref, usd_fact
    from tools.facts.registry import StoreTables, register

    @register("toy-widgets")
    class ToyProducer:
        source = "toy-widgets"

        def __init__(self, tables: StoreTables) -> None:
            store: Any = tables.store
            self.values = toy_client(store.toy_answer())

        def month(self, ym: str) -> Any:
            year, month = ym.split("-")
            ref = source_ref("toy-widgets", TOY_URL, datetime(2026, 2, 1, tzinfo=UTC), "toy-1", True,
                             dataset="toy.widgets", window=ym)
            return usd_fact(key=FactKey(source="toy-widgets", flow="exports", basis=Basis.MONTH, start=ym, end=ym),
                            kind="exports", value=self.values[ym], sources=[ref], label_zh="玩具出口（合成）",
                            period=period(ym, ym, Basis.MONTH, f"{int(year)} 年 {int(month)} 月"))


def _toy_sheet(store: Any, period: Any) -> FactSheet:
    from tools.facts.registry import Producers

    fact = Producers.from_store(store).get("toy-widgets").month(period.id)
    iso = period.end.isocalendar()
    return FactSheet(week=f"{iso.year}-W{iso.week:02d}", period_start=period.start, period_end=period.end,
                     generated_at=period.generated_at, facts=[fact], data_cutoff={"toy-widgets": period.id})


def _toy_plan(ctx: DraftContext) -> SectionPlan:
    fact = ctx.sheet.facts[0]
    plan = SentencePlan(key="widgets", facts=(fact_line(fact),), fallback=facts_sentence([fact]))
    spec = SectionSpec(key="deficit", plans=[plan], facts={fact.id: fact}, speculative=True)
    table = Table(headers=["項目", "數值"], rows=[[fact.label_zh, fact.display]], fact_ids=[fact.id])
    return SectionPlan(spec=spec, prompt="summary", paragraphs=[Paragraph("", ["widgets"], [fact.id], "")],
                       tables=[table])


def test_a_toy_source_feeds_a_toy_report_through_review_and_publish(tmp_path: Path) -> None:
    from agent.narrate.engine import fact_sheet

    _register_toy_producer()
    template = tmp_path / "toy.md.j2"
    template.write_text(TEMPLATE, encoding="utf-8")
    spec = register_report(ReportSpec(
        id="toy-widgets", title_zh="玩具月報", period_kind="month", site_section="Narrator/toy_widgets",
        template=template, sections=(SectionDef("deficit", _toy_plan),), compose=_compose, facts=_toy_sheet))
    try:
        settings = load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"),
                                  "AGENT_DRAFTS_DIR": str(tmp_path / "drafts"), "AGENT_SITE_DIR": str(tmp_path / "site")})
        period = spec.period("2026-01")
        sheet = fact_sheet(spec, ToyStore(), period)
        result = draft(Inputs(period=period, sheet=sheet), TemplateBackend(), settings.drafts_dir / spec.id, spec=spec)
        fact = result.sidecar.facts[sheet.facts[0].id]
        assert fact.value == 123400000 and fact.sources[0].url == TOY_URL and fact.sources[0].synthetic
        assert f"| 玩具出口（合成） | {fact.display} |" in result.markdown

        desk = ReviewDesk(settings)
        (item,) = desk.items("toy-widgets/2026-01")
        assert [f.id for f in item.evidence.facts] == [fact.id]  # the reviewer sees the toy source's fact
        desk.decide(item, "approve", "ann")
        published = desk.publish("toy-widgets/2026-01", "ann")
        assert published.path == tmp_path / "site" / "docs" / "Narrator" / "toy_widgets" / "2026-01-toy-widgets.md"
        assert fact.display in published.path.read_text(encoding="utf-8")
    finally:
        from tools.facts.registry import unregister

        unregister_report(spec.id)
        unregister("toy-widgets")  # every registered producer joins later weeks' sheets


def test_each_report_draws_only_the_charts_it_declares() -> None:
    """A policy tracker is about documents: trade-balance and HHI charts on it were beside the point."""
    from test_site_pages import _hhi_facts

    from agent.reports.spec import reports
    from agent.site.attach import CHART_KINDS, charts_for
    from agent.site.chart_facts import ChartFacts

    for spec in reports().values():
        assert set(spec.charts) <= set(CHART_KINDS), spec.id
    assert get_report("policy-tracker").charts == ()
    assert set(get_report("trade-briefing").charts) == set(CHART_KINDS)
    facts = ChartFacts(hhi=_hhi_facts())
    assert [c.ref.kind for c in charts_for(facts)] == ["hhi"]
    assert charts_for(facts, ()) == [] and charts_for(facts, ("balance_monthly",)) == []
    with pytest.raises(ValueError, match="unknown chart kind"):
        charts_for(facts, ("pie",))


@pytest.mark.parametrize("kind,day,expected", [
    ("week", "2026-02-15", "2026-W07"),  # a Sunday ends its own week
    ("week", "2026-02-14", "2026-W06"),
    ("month", "2026-01-31", "2026-01"),
    ("month", "2026-02-15", "2026-01"),
    ("month", "2026-01-01", "2025-12"),
    ("quarter", "2026-03-31", "2026-Q1"),
    ("quarter", "2026-03-30", "2025-Q4"),
    ("quarter", "2026-12-31", "2026-Q4"),
    ("quarter", "2026-10-05", "2026-Q3"),
])
def test_the_latest_period_ended_by_a_day(kind: str, day: str, expected: str) -> None:
    from datetime import date

    from agent.reports.related import latest_ended

    assert latest_ended(kind, date.fromisoformat(day)).id == expected  # type: ignore[arg-type]


def test_pages_point_to_the_other_reports_out_by_their_end() -> None:
    """A week's reader is sent to last week and to the month's analysis and tracker already out; a month's
    reader to last month and to the other monthly report of the same month (links to unpublished pages
    are left out by the site)."""
    from agent.reports.related import related_urls

    week = get_report("trade-briefing")
    assert related_urls(week, week.period("2026-W07")) == [
        "/Narrator/trade_briefing/2026-W06-trade-briefing/",
        "/Narrator/supply_chain_analysis/2026-01-supply-chain-analysis/",
        "/Narrator/policy_tracker/2026-01-policy-tracker/"]
    tracker = get_report("policy-tracker")
    urls = related_urls(tracker, tracker.period("2026-01"))
    assert urls[0] == "/Narrator/policy_tracker/2025-12-policy-tracker/"
    assert "/Narrator/supply_chain_analysis/2026-01-supply-chain-analysis/" in urls
    assert "/Narrator/trade_briefing/2026-W04-trade-briefing/" in urls  # the last week ended by 2026-01-31
