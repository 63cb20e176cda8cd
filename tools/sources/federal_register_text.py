"""What a BIS abstract says about list changes: entities added to / removed from a list, by destination.

Why from the abstract: the Federal Register API's abstract is the rule's own summary and
states the counts per destination ("adding 29 entries … under the destinations of People's
Republic of China (China) (19), Turkey (9), and the United Arab Emirates (UAE) (1)"). Each
change keeps the character span of the sentence it came from, so a report quotes it.
Counts of corrections ("amends 27 existing entries … to correct typographical errors") are
not additions and are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LISTS = ("Entity List", "Unverified List", "Military End-User List")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12}
_SENTENCE = re.compile(r"[^.\n]+(?:\.(?=\s|$))?")
_ACTION = re.compile(
    r"\b(?P<verb>adding|removing)\s+(?P<n>\d+|" + "|".join(_WORDS) + r")\s+(?P<what>entities|entity|entries|entry|persons|parties)",
    re.IGNORECASE,
)
_LIST = re.compile(r"(Entity List|Unverified List|Military End[- ]User List)", re.IGNORECASE)
_DESTINATIONS = re.compile(r"under the destinations? of (?P<clause>.+)$", re.IGNORECASE | re.DOTALL)
_COUNT = re.compile(r"\((\d+)\)")


@dataclass(frozen=True)
class ListChange:
    list_name: str
    action: Literal["add", "remove"]
    total: int | None
    by_country: tuple[tuple[str, int], ...]
    start: int  # span of the sentence(s) in the abstract, for quoting
    end: int


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _WORDS[text.lower()]


def country_name(raw: str) -> str:
    """'China, People's Republic of (China)' → 'China'; 'the United Arab Emirates (UAE)' → 'United Arab Emirates'."""
    name = re.sub(r"\([^)]*\)", "", raw).strip(" ,;")
    name = re.sub(r"^(?:and\s+|the\s+)+", "", name, flags=re.IGNORECASE).strip(" ,;")
    if "china" in name.lower() and "republic" in name.lower():
        return "China"
    return name


def destinations(clause: str) -> tuple[tuple[str, int], ...]:
    """(country, count) pairs of a destinations clause, in the order written."""
    out: list[tuple[str, int]] = []
    pos = 0
    for match in _COUNT.finditer(clause):
        name = country_name(clause[pos:match.start()])
        pos = match.end()
        if name:
            out.append((name, int(match.group(1))))
    return tuple(out)


def list_changes(abstract: str) -> list[ListChange]:
    """Additions and removals stated in a BIS abstract (empty when it states none)."""
    sentences = [(m.start(), m.end(), m.group()) for m in _SENTENCE.finditer(abstract)]
    changes: list[ListChange] = []
    for i, (start, end, text) in enumerate(sentences):
        action = _ACTION.search(text)
        listed = _LIST.search(text)
        if not action or not listed:
            continue
        where = _DESTINATIONS.search(text[action.end():])
        stop = end
        if where is None and i + 1 < len(sentences) and "destination" in sentences[i + 1][2]:
            where = _DESTINATIONS.search(sentences[i + 1][2])
            stop = sentences[i + 1][1]
        by_country = destinations(where.group("clause")) if where else ()
        if action.group("verb").lower() == "removing" and not by_country and where:
            by_country = ((country_name(where.group("clause").split(".")[0]), _number(action.group("n"))),)
        changes.append(ListChange(
            list_name=_canonical_list(listed.group(1)), action="add" if action.group("verb").lower() == "adding" else "remove",
            total=_number(action.group("n")), by_country=by_country, start=start, end=stop,
        ))
    return changes


def _canonical_list(name: str) -> str:
    low = name.lower().replace("-", " ")
    return next((n for n in LISTS if n.lower().replace("-", " ") == low), name)
