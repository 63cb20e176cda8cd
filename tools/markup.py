"""Make scraped text safe to write into the published Markdown (kramdown + raw HTML + Liquid).

Why one module: a policy document's title, publisher, notice number and URL come from a
scraped page or an ingested note, i.e. from whoever wrote them. The page is Markdown that
Jekyll runs through Liquid and kramdown with raw HTML on, so ``<script>``, ``{{ … }}``,
``{: …}`` or ``[x](javascript:…)`` inside a title would run in a reader's browser or in the
site build. Every place that writes scraped text goes through :func:`text`, every link
through :func:`link`, so "is this field escaped?" has one answer.

Why look-alike characters instead of entities: ``&#91;`` carries digits that the number
verifier would have to learn to skip, and entity support differs between Markdown
renderers. Fullwidth brackets are ordinary punctuation in Traditional-Chinese prose, are
inert in every renderer and in Liquid, and escaping twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

#: Characters that start markup in HTML, Markdown, kramdown or Liquid, with inert look-alikes.
_INERT = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "{": "｛", "}": "｝", "|": "｜", "`": "｀",
                        "\\": "＼"})
_SPACE = re.compile(r"\s+")
_SAFE_SCHEMES = {"http", "https"}


def text(value: object) -> str:
    """``value`` as one line of inert text: no tag, link, emphasis, table cell break or Liquid."""
    raw = "" if value is None else str(value)
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in raw)
    return _SPACE.sub(" ", cleaned).strip().translate(_INERT)


def safe_url(url: object) -> str:
    """An absolute http(s) URL fit for a Markdown link target, else '' (the caller shows no link).

    Anything that could end the link target or open markup (spaces, quotes, brackets, braces,
    backticks) is percent-encoded, so the URL cannot break out of ``[label](url)``.
    """
    raw = "" if url is None else str(url).strip()
    if not raw or any(unicodedata.category(c) in ("Cc", "Cf") or c.isspace() for c in raw):
        return ""
    try:
        parts = urlsplit(raw)
    except ValueError:
        return ""
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.hostname:
        return ""
    return quote(raw, safe="/:?&=%#@!$'*+,;~.-_")


def link(label: object, url: object) -> str:
    """``[label](url)`` with the label escaped; just the escaped label when the URL is not http(s)."""
    target = safe_url(url)
    shown = text(label)
    return f"[{shown}]({target})" if target else shown
