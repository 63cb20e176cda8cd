"""Pure text helpers for MOFCOM pages: strip chrome, find notice numbers and dates, convert scripts.

Why pure: cleaning decides what gets quoted in a published briefing, so it must be easy
to test on literal strings without an index, a network or a model.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import date
from functools import lru_cache

import opencc

SITE_NAMES = ("中国出口管制信息网", "中國出口管制信息網", "商务部网站")

#: The fixed disclaimer at the foot of every exportcontrol.mofcom.gov.cn article (first and last words).
_FOOTER = re.compile(r"本站转载、编译或摘编文章原文均来自其他媒体.*?(?:自负法律责任。?|$)", re.S)
#: Chrome left by page captures and scrapers (truncation markers, print/close links, share bars).
_CHROME_LINES = re.compile(
    r"^\s*(?:\[Content truncated[^\]]*\]|【?(?:打印本页|关闭窗口|打印|关闭|分享到)】?.*|"
    r"(?:首页|当前位置)\s*[>＞].*|来源[:：]\s*\S+\s*(?:发布时间|时间)[:：].*)\s*$",
    re.M,
)
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000]+")
_BLANKS = re.compile(r"\n{3,}")

_NOTICE = re.compile(
    r"(?P<issuer>商务部(?:\s*[、,，]?\s*海关总署)?|海关总署)\s*公告\s*(?P<year>\d{4})\s*年?\s*第\s*(?P<num>\d+)\s*号"
)
_NOTICE_SHORT = re.compile(r"(?P<year>\d{4})\s*年\s*第\s*(?P<num>\d+)\s*号\s*公告")
_DATE_ZH = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_EFFECTIVE_ON = re.compile(r"自\s*" + _DATE_ZH + r"\s*起\s*(?:正式)?(?:施行|实施|生效|执行)")
_EFFECTIVE_NOW = re.compile(r"自(?:发布|公布|印发)之日起\s*(?:正式)?(?:施行|实施|生效|执行)|自即日起")


def clean_body(text: str) -> str:
    """Body text without the site footer and chrome, entities decoded, whitespace normalised.

    Simplified characters are kept as published: this text is what briefings quote.
    """
    text = html.unescape(html.unescape(text))  # captures sometimes double-escape (&amp;ensp;)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _FOOTER.sub("", text)
    text = _CHROME_LINES.sub("", text)
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANKS.sub("\n\n", text).strip()


def is_site_name(title: str) -> bool:
    """True for the site-name <title> that scrapers mistake for a headline."""
    return title.strip() in SITE_NAMES or not title.strip()


def derive_title(body: str, max_len: int = 48) -> str:
    """A headline for a page whose title was lost: the spokesperson's question, else the first sentence."""
    first = body.strip().split("\n", 1)[0]
    question = re.match(r"^(?:有记者问|记者问|问)[:：]\s*(.+)$", first)
    sentence = re.split(r"(?<=[。？！?])", question.group(1) if question else first, maxsplit=1)[0]
    sentence = sentence.strip().rstrip("。")
    if len(sentence) > max_len:
        sentence = sentence[: max_len - 1] + "…"
    return f"商务部新闻发言人答记者问：{sentence}" if question else sentence


def notice_number(title: str) -> tuple[str, str]:
    """(normalised notice number, 'YYYY-N' key) from a title; ('', '') when there is none.

    Only titles are read: Q&A pages mention other notices in their text and must not be
    mistaken for (and merged with) those notices.
    """
    m = _NOTICE.search(title)
    if m:
        issuer = re.sub(r"[\s、,，]+", "", m.group("issuer"))
        issuer = issuer.replace("商务部海关总署", "商务部、海关总署")
        year, num = m.group("year"), str(int(m.group("num")))
        return f"{issuer}公告{year}年第{num}号", f"{year}-{num}"
    m = _NOTICE_SHORT.search(title)
    if m:
        year, num = m.group("year"), str(int(m.group("num")))
        return f"公告{year}年第{num}号", f"{year}-{num}"
    m = re.search(r"商务部公告\s*(\d{4})\s*第\s*(\d+)\s*号", title)  # "商务部公告2025第62号" (年 dropped)
    if m:
        return f"商务部公告{m.group(1)}年第{int(m.group(2))}号", f"{m.group(1)}-{int(m.group(2))}"
    return "", ""


def notice_key(text: str) -> str:
    """'YYYY-N' from any notice reference ('2025年第61号', '2025-61', '商务部公告2025年第61号')."""
    m = re.search(r"(\d{4})\s*(?:年\s*第|[-/]|第)\s*(\d+)", text)
    return f"{m.group(1)}-{int(m.group(2))}" if m else ""


def effective_dates(body: str, publish_date: date) -> list[date]:
    """Dates from 'this notice takes effect …' sentences; 'from publication' means the publish date."""
    found: set[date] = set()
    for m in _EFFECTIVE_ON.finditer(body):
        try:
            found.add(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
    if _EFFECTIVE_NOW.search(body):
        found.add(publish_date)
    return sorted(found)


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """Simplified → Traditional with Taiwan phrasing (OpenCC s2twp), for display titles."""
    return str(_converter("s2twp").convert(text))


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s), so zh-Hant queries match the published text."""
    return str(_converter("t2s").convert(text))
