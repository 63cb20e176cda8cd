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
