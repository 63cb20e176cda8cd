"""Check a reviewer's edited text with the same verifier the model's text went through.

Why: an edit is the one place a person types numbers onto the page. If an edit could
introduce a figure no cited fact vouches for, the verifier's guarantee would end at review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.review.items import Evidence
from agent.review.markers import ANY_MARKER_RE
from agent.verify import SPECULATIVE_TAG, check_sentence, is_speculative, render_refs, tag_speculative

MAX_EDIT_CHARS = 2000
_TAG_RE = re.compile(r"<\s*/?\s*[A-Za-z!?]")


@dataclass(frozen=True)
class EditCheck:
    text: str  # the text that would be stored (fact refs rendered, （推測） added when needed)
    problems: list[str]
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_edit(text: str, evidence: Evidence) -> EditCheck:
    """Normalise and verify an edit against the item's cited facts and documents."""
    text = " ".join(text.split())
    problems: list[str] = []
    notes: list[str] = []
    if not text:
        return EditCheck(text, ["edited text is empty (reject the item to remove it)"], notes)
    if len(text) > MAX_EDIT_CHARS:
        problems.append(f"edited text is longer than {MAX_EDIT_CHARS} characters")
    if ANY_MARKER_RE.search(text) or "<!--" in text or "-->" in text:
        problems.append("edited text may not contain HTML comments or claim markers")
    elif _TAG_RE.search(text):
        problems.append("edited text may not contain HTML tags (the published page is Markdown)")
    if text.lstrip().startswith("#"):
        problems.append("edited text may not start a heading")
    rendered = render_refs(text, evidence.facts)
    problems.extend(check_sentence(rendered, evidence.facts, evidence.doc_dates()))
    if is_speculative(rendered) and SPECULATIVE_TAG not in rendered:
        rendered = tag_speculative(rendered)
        notes.append(f"speculative wording: {SPECULATIVE_TAG} added")
    return EditCheck(rendered, problems, notes)
