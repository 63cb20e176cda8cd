"""Pure text work on MOFCOM pages: body paragraphs, the fixed footer, notice numbers, dates.

Why separate from the client: these rules (which title to trust, what the footer looks like,
how a notice number is written) are the fragile part, and are tested without any HTTP.
"""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser

SITE_NAME = "中国出口管制信息网"
#: The disclaimer every article page ends with (first words are enough to find it).
FOOTER_START = "本站转载、编译或摘编文章原文均来自其他媒体"

_CJK = re.compile(r"[\u3400-\u9fff]")
_ISSUER = r"(?:商务部|海关总署|国务院|国家国际发展合作署)"
_NOTICE = re.compile(
    rf"(?P<issuer>{_ISSUER}(?:[\s、和与]*{_ISSUER})*)\s*公告\s*(?P<year>\d{{4}})\s*年?\s*第\s*(?P<no>\d+)\s*号"
)
_EFFECTIVE = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起")
_EFFECTIVE_ON_PUBLICATION = re.compile(r"自(?:发布|公布|印发)之日起|自即日起")
_GLOSS = re.compile(r"\s*[（(][^（）()]*[A-Za-z][^（）()]*[）)]\s*$")


class _Paragraphs(HTMLParser):
    """Collects the text of every <p>, plus elements whose class says they hold the headline."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.headings: list[str] = []
        self.page_title = ""
        self._stack: list[tuple[str, str]] = []
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag in ("p", "title", "h1", "h2") or "title" in cls:
            self._stack.append((tag, cls))
            self._buf = []

    def handle_endtag(self, tag: str) -> None:
        if self._stack and self._stack[-1][0] == tag:
            _, cls = self._stack.pop()
            text = clean_text("".join(self._buf))
            if tag == "title":
                self.page_title = text
            elif tag == "p":
                if text:
                    self.paragraphs.append(text)
            elif text:
                self.headings.append(text)
            self._buf = []

    def handle_data(self, data: str) -> None:
        if self._stack:
            self._buf.append(data)


def clean_text(text: str) -> str:
    """Decode entities left in text (``&ensp;`` and friends) and normalise spaces."""
    text = html.unescape(text)
    text = text.replace("\u3000", " ").replace("\u2002", " ").replace("\u2003", " ").replace("\xa0", " ")
    return re.sub(r"[ \t]+", " ", text).strip()


def parse_article(page: str) -> tuple[str, list[str], str]:
    """(headline found in the body or '', body paragraphs, the page's <title>)."""
    parser = _Paragraphs()
    parser.feed(page)
    parser.close()
    headline = next((h for h in parser.headings if h != SITE_NAME), "")
    return headline, parser.paragraphs, parser.page_title


def strip_footer(paragraphs: list[str]) -> list[str]:
    """Drop the fixed disclaimer (and anything after it), even when a capture cut it short."""
    for i, para in enumerate(paragraphs):
        if para.startswith(FOOTER_START[:12]):
            return paragraphs[:i]
    return paragraphs


def is_garbled(text: str) -> bool:
    """True for text whose Chinese came back as '?' (the site's answer to a non-XHR request)."""
    return "??" in text and not _CJK.search(text)


def title_or_none(*candidates: str) -> str | None:
    """The first candidate that is a real headline, never the site name."""
    for cand in candidates:
        cand = clean_text(cand or "")
        if cand and cand != SITE_NAME and not is_garbled(cand):
            return cand
    return None


def strip_gloss(title: str) -> str:
    """Drop a trailing English gloss in parentheses, e.g. '…答记者问（Ministry of …）'."""
    return _GLOSS.sub("", title).strip()


def notice_number(*texts: str) -> str:
    """Normalised notice number ('商务部 海关总署公告2025年第10号') from the first text naming one."""
    for text in texts:
        match = _NOTICE.search(text or "")
        if match:
            issuers = re.findall(_ISSUER, match.group("issuer"))
            return f"{' '.join(issuers)}公告{match.group('year')}年第{int(match.group('no'))}号"
    return ""


def effective_dates(body: str, published: date) -> list[date]:
    """Dates a measure takes effect: explicit '自YYYY年M月D日起', or publication for '自发布之日起'."""
    found: set[date] = set()
    for y, m, d in _EFFECTIVE.findall(body):
        try:
            found.add(date(int(y), int(m), int(d)))
        except ValueError:
            continue
    if _EFFECTIVE_ON_PUBLICATION.search(body):
        found.add(published)
    return sorted(found)


def column_of(url: str) -> str:
    """Site column path from an article URL: '/article/gndt/202511/1199.html' -> 'gndt'."""
    match = re.search(r"/article/(.+?)/\d{6}/\d+\.html", url)
    return match.group(1) if match else ""
