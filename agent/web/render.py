"""Render a draft's Markdown to HTML for the review page, with flagged claims highlighted.

Why escape first and add markup later: the draft quotes scraped text (policy titles,
passages) that may contain anything, including ``<script>``. The Markdown renderer runs with
raw HTML disabled, so every tag in the draft becomes visible text. The few pieces of markup
the report itself uses (key-takeaway blocks, data highlights, claim markers) are swapped for
private-use placeholders before rendering and turned back into fixed, known HTML after.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markupsafe import Markup

from agent.review.markers import CLAIM_RE, split_front_matter
from agent.review.store import Item

_PUA_RE = re.compile("[\ue000-\ue0ff]")
_PH = "\ue000{}\ue001"
_PH_RE = re.compile("\ue000(\\d+)\ue001")
_BLOCK_PH_RE = re.compile("<p>\ue000(\\d+)\ue001</p>")
_TAKEAWAY_OPEN = re.compile(r'^\s*<div class="key-takeaway"[^>]*>\s*$')
_DIV_CLOSE = re.compile(r"^\s*</div>\s*$")
_HIGHLIGHT = re.compile(r'<span class="data-highlight">(.*?)</span>')
_IAL = re.compile(r"^\s*\{:.*\}\s*$")
_JEKYLL_TAG = re.compile(r"^\s*\{%.*%\}\s*$")
_CHART_LINK = re.compile(r"(!\[[^\]\n]*\]\()(charts/[A-Za-z0-9_.-]+\.svg\))")

_md = MarkdownIt("commonmark", {"html": False}).enable("table")


class _Placeholders:
    def __init__(self) -> None:
        self.html: list[str] = []

    def add(self, html: str) -> str:
        self.html.append(html)
        return _PH.format(len(self.html) - 1)

    def restore(self, rendered: str) -> str:
        rendered = _BLOCK_PH_RE.sub(lambda m: self.html[int(m.group(1))], rendered)
        return _PH_RE.sub(lambda m: self.html[int(m.group(1))], rendered)


def render_report(markdown: str, items: list[Item], chart_base: str = "") -> Markup:
    """HTML of the draft body: raw HTML escaped, flagged claims wrapped in ``<mark>`` linking to
    their review card, edited claims shown with the text that will be published. Chart figures
    (``![alt](charts/x.svg)``, relative to the published page) point under ``chart_base``."""
    _, body = split_front_matter(markdown)
    if chart_base:
        body = _CHART_LINK.sub(lambda m: m.group(1) + chart_base.rstrip("/") + "/" + m.group(2), body)
    body = _PUA_RE.sub("", body)
    by_claim = {i.claim_id: i for i in items}
    ph = _Placeholders()

    def claim(match: re.Match[str]) -> str:
        item = by_claim.get(match.group("id"))
        text = match.group("text")
        if item is None:
            return text
        decision = item.decision
        if decision is not None and decision.action == "edit" and decision.text:
            text = decision.text
        open_tag = ph.add(f'<mark class="claim state-{item.state}" id="text-{item.id}">')
        close_tag = ph.add(f'</mark><a class="claim-ref" href="#item-{item.id}">#{item.id}</a>')
        return open_tag + text + close_tag

    body = CLAIM_RE.sub(claim, body)
    lines = []
    takeaway_depth = 0
    for line in body.split("\n"):
        if _TAKEAWAY_OPEN.match(line):
            takeaway_depth += 1
            lines.extend(["", ph.add('<div class="key-takeaway">'), ""])
        elif takeaway_depth and _DIV_CLOSE.match(line):
            takeaway_depth -= 1
            lines.extend(["", ph.add("</div>"), ""])
        elif _IAL.match(line) or _JEKYLL_TAG.match(line):
            continue
        else:
            lines.append(_HIGHLIGHT.sub(
                lambda m: ph.add('<span class="data-highlight">') + m.group(1) + ph.add("</span>"), line))
    lines.extend(["", ph.add("</div>")] * takeaway_depth)
    rendered = _md.render("\n".join(lines))
    return Markup(ph.restore(rendered))


def front_matter_pairs(markdown: str) -> list[tuple[str, str]]:
    """Front-matter lines as (key, value) text pairs for display (escaped by the template)."""
    front, _ = split_front_matter(markdown)
    pairs = []
    for line in front.splitlines():
        key, sep, value = line.partition(":")
        if sep and key and not key.startswith((" ", "-")):
            pairs.append((key.strip(), value.strip().strip('"')))
    return pairs

