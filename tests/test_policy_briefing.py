"""The policy half of the briefing on the bundled documents: scope sentences from provisions with
their quotes, the verifier refusing what a document does not say, the offline impact part and the
watch list's provision dates. Offline: documents are built as ingest builds them (no index)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from policy_helpers import info, passage, sample_records

from agent.llm import TemplateBackend
from agent.narrate import DraftResult, Retrieved, draft, inputs_for
from agent.narrate.policy_status import doc_status
from agent.narrate.sections import provision_vouches
from agent.review.items import flagged_items
from agent.verify.policy import check_policy
from tools.facts.model import FactSheet
from vectorstore.models import DocRecord
from vectorstore.provisions import provisions_of

FIXTURES = Path(__file__).parent / "fixtures"
WEEK_END = date(2026, 2, 15)


@pytest.fixture(scope="module")
def records() -> dict[str, DocRecord]:
    return sample_records()


def _sheet(week: str) -> FactSheet:
    return FactSheet.model_validate_json((FIXTURES / f"narrator_factsheet_{week}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(records: dict[str, DocRecord]) -> DraftResult:
    ids = ["mofcom-1204", "note-2025-70-suspension", "mofcom-1176", "mofcom-1175"]
    found = [passage(records[i]) for i in ids]
    infos = [info(r) for r in records.values()]
    retrieved = Retrieved(passages=found, docs=infos,
                          statuses={p.doc_id: doc_status(p, infos, WEEK_END) for p in found},
                          provisions={i: provisions_of(records[i]) for i in ids})
    return draft(inputs_for("2026-W07", _sheet("2026-W07"), _sheet("2026-W06"), retrieved=retrieved), TemplateBackend())


def _part(md: str, start: str, end: str) -> str:
    return md.split(start, 1)[1].split(end, 1)[0]


def test_japan_measure_scope_is_stated_with_its_quote(result: DraftResult) -> None:
    policy = _part(result.markdown, "## 三、政策更新", "### 潛在供應鏈影響")
    assert "禁止兩用物項出口，對象為日本軍事使用者、軍事用途" in policy
    scope = next(c for c in result.sidecar.claims if c.section == "policy" and "禁止兩用物項" in c.text)
    assert scope.doc_ids == ["mofcom-1204"] and "policy_interpretation" in scope.flags
    assert any("禁止所有两用物项向日本军事用户" in q.text for q in scope.quotes)
    assert scope.provision_ids[0].startswith("mofcom-1204.measure.")
    item = next(i for i in flagged_items(result.sidecar) if i.claim_id == scope.id)
    assert item.evidence.quotes and item.evidence.quotes[0].text == scope.quotes[0].text  # what review shows


def test_rare_earth_and_superhard_notices_show_items_dates_and_suspension(result: DraftResult) -> None:
    policy = _part(result.markdown, "## 三、政策更新", "### 潛在供應鏈影響")
    assert "人造金剛石微粉（2C902.a）" in policy and "離心萃取裝置（2B902.a）" in policy
    assert "自 2025-11-08 起實施" in policy
    assert policy.count("依商務部、海關總署公告2025年第70號") >= 2 and "暫停實施至 2026-11-10" in policy
    quotes = [q.text for c in result.sidecar.claims if c.section == "policy" for q in c.quotes]
    assert any("2C902.a" in q for q in quotes)


def test_offline_impact_states_calendar_consequences_not_nothing(result: DraftResult) -> None:
    impact = _part(result.markdown, "### 潛在供應鏈影響", "## 四")
    assert "本期未產生影響分析" not in impact and "推測" not in impact.split("\n\n", 2)[-1]
    assert "暫停實施至 2026-11-10，自本週末（2026-02-15）起尚餘 38 週" in impact  # 268 days → 38 whole weeks
    assert "涉及本週報追蹤的日本" in impact
    claims = [c for c in result.sidecar.claims if c.section == "policy_impact"]
    assert claims and all(not c.speculative and "policy_interpretation" in c.flags for c in claims)


def test_watch_list_carries_the_suspension_end_from_provisions(result: DraftResult) -> None:
    watch = _part(result.markdown, "## 五、觀察清單", "## 與上週")
    assert "暫停期至 2026-11-10" in watch
    items = [c for c in result.sidecar.claims if c.section == "watchlist" and c.doc_ids]
    assert items and any(c.provision_ids for c in items)


@pytest.mark.parametrize(("sentence", "word"), [
    ("該公告對人造金剛石微粉（2C902.a）實施出口管制，自 2025-12-01 起實施。", "日期"),
    ("依商務部、海關總署公告2025年第57號，對人造金剛石微粉實施出口管制。", "公告"),
    ("該公告對人造金剛石微粉（2C903.a）實施出口管制。", "管制編碼"),
    ("該公告對人造金剛石微粉（參考稅則號列 71051099）實施出口管制。", "商品編號"),
    ("該公告將華為技術有限公司列入出口管制管控名單。", "實體"),
    ("該公告對出口至韓國的人造金剛石微粉實施出口管制。", "國家"),
])
def test_verifier_refuses_what_the_document_does_not_say(records: dict[str, DocRecord], sentence: str,
                                                        word: str) -> None:
    rec = records["mofcom-1175"]
    provisions = provisions_of(rec)
    problems = check_policy(sentence, provisions, [rec.title, rec.publisher, *provision_vouches(provisions)])
    assert problems and word in problems[0]


def test_verifier_accepts_the_documents_own_provisions(records: dict[str, DocRecord]) -> None:
    rec = records["mofcom-1175"]
    provisions = provisions_of(rec)
    good = "該公告對人造金剛石微粉（2C902.a，參考稅則號列 71051020）實施出口管制，自 2025-11-08 起實施。"
    assert check_policy(good, provisions, [rec.title, rec.publisher]) == []
    listing = records["mofcom-1165"]
    named = "該公告將薩羅尼克科技公司（Saronic Technologies, Inc.）列入不可靠實體清單。"
    assert check_policy(named, provisions_of(listing), [listing.title]) == []
