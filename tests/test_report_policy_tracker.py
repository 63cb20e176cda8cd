"""Export-control policy tracker sections from the bundled sample (MOFCOM + Federal Register + notes)."""

from __future__ import annotations

from datetime import date

import pytest

from agent.config import load_settings
from agent.reports.corpus import report_docs
from agent.reports.policy_tracker import Month, file_name, render, tracker_sections
from tools.errors import DataGapError
from tools.sources.federal_register_text import list_changes
from tools.sources.fetch import fetch_sample
from tools.store import Store
from vectorstore.models import DocRecord


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[DocRecord]:
    path = tmp_path_factory.mktemp("tracker")
    settings = load_settings({"AGENT_DATA_DIR": str(path)})
    fetch_sample(Store(path), settings, ["mofcom", "federal-register"])
    return report_docs(settings)


def test_october_2025_lists_both_sources_in_date_order_with_quotes(docs: list[DocRecord]) -> None:
    documents = tracker_sections(docs, Month.parse("2025-10"))[0]
    assert documents.doc_ids[0] == "fr-2025-19436" and documents.doc_ids[-1] == "fr-2025-19727"
    assert {"mofcom-1170", "mofcom-1175", "mofcom-1176", "fr-2025-19508"} <= set(documents.doc_ids)
    text = "\n".join(documents.lines)
    assert "公告2025年第55號 公佈對超硬材料" in text and "生效日：2025-11-08" in text  # superhard materials
    assert "稀土相關技術" in text and "> 八、本公告自發布之日起實施。" in text  # rare-earth technology, quoted
    assert "90 FR 48193，文件號 2025-19508" in text
    assert "> In this rule, the Bureau of Industry and Security (BIS) amends" in text  # the list-change sentence only


def test_controls_at_month_end_and_the_later_suspension(docs: list[DocRecord]) -> None:
    _, controls, _, calendar, later = tracker_sections(docs, Month.parse("2025-10"))
    rows = {line.split("（", 1)[0]: line for line in controls.lines if line.startswith("| 商務部")}
    superhard = next(v for k, v in rows.items() if "第55號" in k)
    assert "尚未生效（2025-11-08 起）（本月變動）" in superhard and "（尚未發布）" in superhard
    assert "生效中 | 生效中" in next(v for k, v in rows.items() if "第10號" in k)  # tungsten: unchanged
    assert any("2025-11-08" in line and "第56號" in line for line in calendar.lines)
    assert any("第70號" in line and "暫停至 2026-11-10" in line for line in later.lines)


def test_november_shows_the_suspension_in_the_controls_table(docs: list[DocRecord]) -> None:
    controls = tracker_sections(docs, Month.parse("2025-11"))[1]
    superhard = next(line for line in controls.lines if "第55號" in line)
    assert "暫停至 2026-11-10" in superhard and "本月變動" in superhard


def test_entity_list_additions_are_counted_by_destination(docs: list[DocRecord]) -> None:
    changes = tracker_sections(docs, Month.parse("2025-10"))[2]
    assert "| 實體清單（美國 BIS） | 新增 | 中國 | 19 |" in changes.lines
    assert "| 實體清單（美國 BIS） | 新增 | 土耳其 | 9 |" in changes.lines
    removal = tracker_sections(docs, Month.parse("2025-11"))[2]
    assert "| 實體清單（美國 BIS） | 移除 | 中國 | 1 |" in removal.lines


def test_corrections_are_not_counted_as_additions() -> None:
    abstract = ("In this rule, BIS amends the EAR by adding 32 entities to the Entity List. These entries are listed "
                "under the destination of China, People's Republic of (China) (23), India, (1), Iran (1), Singapore "
                "(1), Taiwan (1), Turkey (3), and the United Arab Emirates (UAE) (2). Finally, this rule amends 27 "
                "existing entries on the Entity List to correct typographical errors under the following "
                "destinations: Belarus (3), China (11).")
    (change,) = list_changes(abstract)
    assert change.total == 32 and sum(n for _, n in change.by_country) == 32
    assert change.by_country[0] == ("China", 23) and ("United Arab Emirates", 2) in change.by_country


def test_page_has_front_matter_and_a_dated_file_name(docs: list[DocRecord]) -> None:
    page = render(docs, Month.parse("2025-10"), date(2026, 12, 2))
    assert page.startswith("---\nlayout: default\n") and "parent: 出口管制政策追蹤" in page
    assert file_name(Month.parse("2025-10")) == "2025-10-policy-tracker.md"
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse("2025-13")


def test_an_empty_store_is_a_data_gap(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("empty")
    with pytest.raises(DataGapError, match="agent fetch --from-sample"):
        report_docs(load_settings({"AGENT_DATA_DIR": str(path)}))


def test_the_month_a_suspension_ends_cites_the_note_that_declared_it(docs: list[DocRecord]) -> None:
    """November 2026: the controls are in force again, and last month's status "暫停至 2026-11-10" still shows;
    that date must be vouched for by the suspension note, or the draft stops at the page trace (it did)."""
    controls = tracker_sections(docs, Month.parse("2026-11"))[1]
    superhard = next(line for line in controls.lines if "第55號" in line)
    assert "生效中（本月變動） | 暫停至 2026-11-10" in superhard
    assert "note-2025-70-suspension" in controls.doc_ids
    from agent.reports.monthly_page import vouched_by

    note = next(d for d in docs if d.doc_id == "note-2025-70-suspension")
    assert "2026-11-10" in vouched_by(note)


def test_chinas_own_listings_are_counted_once_from_the_notices(docs: list[DocRecord]) -> None:
    """September 2025: MOFCOM put 3 US entities on its control list and 3 US firms on the unreliable entity
    list; the press answers about the same listings do not count them again."""
    changes = tracker_sections(docs, Month.parse("2025-09"))[2]
    assert "| 出口管制管控名單（中國商務部） | 新增 | 美國 | 3 |" in changes.lines
    assert "| 不可靠實體清單（中國） | 新增 | 美國 | 3 |" in changes.lines
    assert {"mofcom-1164", "mofcom-1165"} <= set(changes.doc_ids)
    assert not {"mofcom-1166", "mofcom-1167"} & set(changes.doc_ids)  # press answers on the same listings
    assert "| 實體清單（美國 BIS） | 新增 | 中國 |" in "\n".join(changes.lines)  # the US side still there
