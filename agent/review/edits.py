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
from tools.markup import safe_url

MAX_EDIT_CHARS = 2000
_TAG_RE = re.compile(r"<\s*/?\s*[A-Za-z!?]")
#: Liquid output/tags and kramdown attribute lists: the site build would run or apply them.
_LIQUID_RE = re.compile(r"\{\s*[{%:]|[}%]\s*\}")
_IMAGE_RE = re.compile(r"!\s*\[")
#: A Markdown link or reference definition target: ``[text](target)`` / ``[text]: target``.
_LINK_TARGET_RE = re.compile(r"\]\s*\(\s*<?([^)\s>]*)|^\s*\[[^\]]*\]:\s*<?(\S*)", re.M)


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
    problems.extend(markup_problems(rendered))
    problems.extend(check_sentence(rendered, evidence.facts, evidence.doc_dates()))
    if is_speculative(rendered) and SPECULATIVE_TAG not in rendered:
        rendered = tag_speculative(rendered)
        notes.append(f"speculative wording: {SPECULATIVE_TAG} added")
    return EditCheck(rendered, problems, notes)


def markup_problems(text: str) -> list[str]:
    """What an edit may not carry onto the page: Liquid, images (remote fetches), non-http(s) links.

    Why refused rather than escaped: a reviewer typing ``{{`` or ``javascript:`` is either a
    mistake or an attack, and either way they should see it refused, not published altered.
    """
    problems: list[str] = []
    if _LIQUID_RE.search(text):
        problems.append("edited text may not contain Liquid tags or attribute lists ({{ }}, {% %}, {: })")
    if _IMAGE_RE.search(text):
        problems.append("edited text may not embed images (a remote image loads in every reader's browser)")
    for m in _LINK_TARGET_RE.finditer(text):
        target = m.group(1) if m.group(1) is not None else m.group(2)
        if not safe_url(target):
            problems.append(f"edited text may only link to http(s) addresses, not {target[:40]!r}")
    if re.search(r"(?i)\b(?:javascript|vbscript|data)\s*:", text):
        problems.append("edited text may not contain javascript:, vbscript: or data: addresses")
    return list(dict.fromkeys(problems))
