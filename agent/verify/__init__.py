"""The verifier: every number, direction word, speculation and script choice on the page is checked.

Used by the narrator (each generated sentence), the chat (each answer) and the reviewer
(every edited claim), so all three hold prose to the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tools.facts.model import Fact

from .directions import check_directions
from .numbers import FACT_REF, check_text, referenced_ids, render_refs
from .script import has_simplified, simplified_chars, to_traditional
from .speculation import TAG as SPECULATIVE_TAG
from .speculation import find_speculative, is_speculative, tag_speculative
from .subjects import check_subjects
from .tokens import Token, number_tokens


def check_sentence(text: str, facts: Iterable[Fact], doc_dates: Iterable[str | date] = ()) -> list[str]:
    """Numbers, direction words, subjects and script in one call (what the narrator gates on)."""
    cited = list(facts)
    problems = check_text(text, cited, doc_dates) + check_directions(text, cited) + check_subjects(text, cited)
    chars = simplified_chars(text)
    if chars:
        problems.append(f"含簡體字「{''.join(chars)}」 (simplified Chinese)")
    return problems


__all__ = [
    "FACT_REF",
    "SPECULATIVE_TAG",
    "Token",
    "check_directions",
    "check_subjects",
    "check_sentence",
    "check_text",
    "find_speculative",
    "has_simplified",
    "is_speculative",
    "number_tokens",
    "referenced_ids",
    "render_refs",
    "simplified_chars",
    "tag_speculative",
    "to_traditional",
]
