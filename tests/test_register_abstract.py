"""Federal Register documents in the weekly briefing: what a rule does, in its words; no paperwork notices."""

from __future__ import annotations

from datetime import date

from agent.narrate.register_abstract import abstract_line, abstract_sentence
from agent.narrate.retrieval import newest_per_publisher
from vectorstore.models import Passage

BIS = "Commerce Department; Industry and Security Bureau"


def passage(title: str, text: str, day: str, category: str = "federal_register", doc: str = "") -> Passage:
    return Passage(doc_id=doc or title[:12], chunk_id="0", title=title, title_orig=title,
                   publish_date=date.fromisoformat(day), url="https://www.federalregister.gov/d/x", text=text,
                   score=1.0, category=category, publisher=BIS)


def test_the_first_sentence_without_figures_is_quoted_as_the_original() -> None:
    drones = passage("Streamlining Export Controls for Drone Exports",
                     "Streamlining Export Controls for Drone Exports  This rule amends 15 CFR part 774 as of "
                     "March 1, 2026. The Bureau of Industry and Security (BIS) is easing export controls on certain "
                     "civil drones and related technologies. It also clarifies licence exceptions.", "2026-01-21")
    assert abstract_sentence(drones) == ("The Bureau of Industry and Security (BIS) is easing export controls on "
                                         "certain civil drones and related technologies.")
    assert abstract_line(drones) == ("摘要原文：“The Bureau of Industry and Security (BIS) is easing export controls on "
                                     "certain civil drones and related technologies.”")


def test_no_quote_for_figures_markup_or_other_publishers() -> None:
    figures = passage("Tariffs", "Tariffs  This notice lowers the rate from 10 percent to zero on 14 articles.",
                      "2026-08-04")
    markup = passage("Rule", "Rule  The Bureau of Industry and Security is adding <script>alert()</script> "
                     "entities to the list today.", "2026-08-04")
    mofcom = passage("商務部公告", "The Bureau of Industry and Security is easing export controls on drones.",
                     "2026-01-06", category="notice")
    assert abstract_sentence(figures) is None and abstract_sentence(markup) is None
    assert abstract_sentence(mofcom) is None


def test_paperwork_notices_never_take_a_place_in_the_week() -> None:
    paperwork = [passage(f"Agency Information Collection Activities; Submission to the Office of Management and "
                         f"Budget (OMB) for Review and Approval; Comment Request; Form {i}", "text", f"2026-02-1{i}",
                         doc=f"p{i}") for i in range(3)]
    rules = [passage(f"Revisions to the Entity List {i}", "text", f"2026-01-0{i + 1}", doc=f"r{i}") for i in range(5)]
    chosen = newest_per_publisher(paperwork + rules, 4)
    assert [p.doc_id for p in chosen] == ["r4", "r3", "r2", "r1"]


def test_a_later_chunk_is_quoted_only_from_its_documents_opening() -> None:
    """The search may match the middle of a rule; the quote must still be what the rule says first."""
    later = passage("Streamlining Export Controls for Drone Exports",
                    "Exports pursuant to License Exception STA are subject to notification and reporting.", "2026-01-21")
    assert abstract_sentence(later) is None
    opened = later.model_copy(update={"opening": "Streamlining Export Controls for Drone Exports  The Bureau of "
                                                 "Industry and Security (BIS) is easing export controls on drones."})
    assert abstract_sentence(opened) == "The Bureau of Industry and Security (BIS) is easing export controls on drones."


def test_a_register_document_is_named_by_its_type() -> None:
    """A compliance reader must tell a rule (it changes the EAR) from a notice (an order, a form)."""
    from agent.narrate.sentences import policy_sentence

    rule = policy_sentence("Streamlining Export Controls for Drone Exports", date(2026, 1, 21), BIS, doc_type="Rule")
    order = policy_sentence("Order Denying Export Privileges", date(2025, 12, 17), BIS, doc_type="Notice")
    mofcom = policy_sentence("商务部公告2025年第61号", date(2025, 10, 9), "安全与管制局")
    assert rule == "2026-01-21，美國商務部產業安全局（BIS）發布規則「Streamlining Export Controls for Drone Exports」。"
    assert "發布公告「Order Denying Export Privileges」" in order
    assert mofcom.startswith("2025-10-09，安全與管制局發布「")


def test_register_documents_titled_alike_are_told_apart_by_their_citation() -> None:
    """Three BIS denial orders of one day are all titled "Order Denying Export Privileges": each heading,
    table row and sentence carries its FR citation, the citation is vouched by that document only, and a
    sentence giving another citation fails the number check."""
    from datetime import datetime

    from agent.narrate.policy_status import DocStatus
    from agent.narrate.sections import evidence, policy_section
    from agent.verify import check_text
    from tools.facts.model import FactSheet

    title = "Order Denying Export Privileges"
    orders = [passage(title, "ORDER ...", "2025-12-17", doc=f"fr-2025-2311{i}").model_copy(update={"doc_type": "Notice"})
              for i in (7, 9)]
    drone = passage("Streamlining Export Controls for Drone Exports", "...", "2026-01-21", doc="fr-2026-01059")
    statuses = {"fr-2025-23117": DocStatus(citation="90 FR 58545"), "fr-2025-23119": DocStatus(citation="90 FR 58546"),
                "fr-2026-01059": DocStatus(citation="91 FR 2467")}
    sheet = FactSheet(week="2026-W07", period_start=date(2026, 2, 9), period_end=date(2026, 2, 15),
                      generated_at=datetime(2026, 2, 15))
    plan, _ = policy_section(sheet, [*orders, drone], statuses, day=date(2026, 2, 15))
    headings = [p.title for p in plan.paragraphs]
    assert headings == [f"{title}（90 FR 58545）", f"{title}（90 FR 58546）",
                        "Streamlining Export Controls for Drone Exports"]  # a title of its own needs no citation
    assert [row[0] for row in plan.tables[0].rows] == headings
    sentences = {p.key: p.fallback for p in plan.spec.plans}
    assert sentences["policy.fr-2025-23119"] == f"2025-12-17，美國商務部產業安全局（BIS）發布公告「{title}」（90 FR 58546）。"
    assert sentences["policy.fr-2026-01059"].endswith("「Streamlining Export Controls for Drone Exports」（91 FR 2467）。")
    vouched = evidence(orders[1], statuses["fr-2025-23119"]).vouches
    assert check_text(sentences["policy.fr-2025-23119"], [], vouched) == []
    assert check_text(sentences["policy.fr-2025-23119"].replace("58546", "58547"), [], vouched)


def test_a_documents_status_carries_its_register_citation_from_the_index() -> None:
    from datetime import UTC, datetime

    from agent.narrate.policy_status import doc_status
    from tools.sources.models import PolicyDoc
    from vectorstore.models import DocInfo
    from vectorstore.records import to_record

    doc = PolicyDoc(url="https://www.federalregister.gov/d/2025-23117", title="Order Denying Export Privileges",
                    publish_date=date(2025, 12, 17), body_text="Order Denying Export Privileges. ORDER ...",
                    publisher=BIS, fetched_at=datetime(2026, 1, 29, tzinfo=UTC), doc_number="2025-23117",
                    citation="90 FR 58545", doc_type="Notice", language="en")
    rec = to_record(doc)
    found = passage(rec.title, "ORDER ...", "2025-12-17", doc=rec.doc_id)
    status = doc_status(found, [DocInfo.model_validate(rec.model_dump(exclude={"text"}))], date(2026, 2, 15))
    assert status.citation == "90 FR 58545" and status.notice_no == ""
    assert doc_status(found, [], date(2026, 2, 15)).citation == ""  # unknown to the index: nothing claimed


def test_a_quote_is_never_cut_at_an_abbreviation_or_an_initial() -> None:
    """"…determined by the U.S." and "…Samsung China Semiconductor Co." were quoted as if they were sentences."""
    from agent.narrate.register_abstract import sentences

    entities = ("These entities have been determined by the U.S. Government to be acting contrary to the national "
                "security or foreign policy interests of the United States.")
    listed = passage("Additions to the Entity List", f"Additions to the Entity List  {entities} More follows here.",
                     "2025-10-09")
    assert abstract_sentence(listed) == entities
    veu = ("BIS removes Intel Semiconductor (Dalian) Ltd.; Samsung China Semiconductor Co. Ltd.; and SK hynix "
           "Semiconductor (China) Ltd. from the list. Nothing else changes in this final rule.")
    assert sentences(veu) == [veu.split(" Nothing")[0], "Nothing else changes in this final rule."]
    assert sentences("It binds e.g. exporters. It ends.") == ["It binds e.g. exporters.", "It ends."]


def test_a_sentence_with_a_number_in_words_is_not_quoted() -> None:
    """The page's number check reads "hundreds of millions" as a figure no fact vouches for: quoting it
    stopped the supply-chain draft of 2025-11."""
    words = ("Firearms exports have grown by hundreds of millions of dollars since the rule took effect in the "
             "United States.")
    plain = "The Bureau of Industry and Security is revising license requirements for firearms exports."
    rule = passage("Revision of Firearms License Requirements",
                   f"Revision of Firearms License Requirements  {words} {plain}", "2025-09-30")
    assert abstract_sentence(rule) == plain
