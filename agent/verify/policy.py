"""Check a policy sentence against the provisions of the documents it cites.

Why: a sentence about a measure may name only what the document itself says. Every date,
notice number, control code, HS code and named entity in the sentence must be one of the
cited documents' extracted provisions (or a string the index vouches for, such as the notice
that suspends it); anything else fails the sentence like an untraced number does. Words of a
document that were not extracted as provisions (an instruction, a figure) never count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from .script import to_traditional


class ProvisionLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def value(self) -> str: ...


_DATE_ISO = re.compile(r"(?<!\d)(20\d{2})-(\d{2})-(\d{2})(?!\d)")
_DATE_ZH = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_NOTICE = re.compile(r"(?:公告|令)\s*(\d{4})\s*年?\s*第\s*(\d+)\s*[号號]|(\d{4})\s*年\s*第\s*(\d+)\s*[号號]\s*公告"
                     r"|〔(\d{4})〕\s*(\d+)\s*[号號]")
_CODE = re.compile(r"(?<![0-9A-Za-z])(\d[A-E]\d{3}(?:\.[a-z](?:\.\d{1,2})?)?)(?![0-9A-Za-z])")
_HS = re.compile(r"(?<![\d.,])(\d{8,10})(?![\d.,])")
_ENTITY = re.compile(
    r"[\u4e00-\u9fff·]{2,20}?(?:公司|株式會社|銀行|集團|研究所|研究院|大學|實驗室)"
    r"|(?<![A-Za-z])(?:[A-Z][A-Za-z.&\-]*\s){1,4}(?:Inc\.|LLC|Ltd\.?|Bankas|Corporation)"
)
_ENTITY_CUT = re.compile(r".*(?:將|對|把|與|和|及|等|向|的|、|，|決定|禁止|列入|涉及|為)")
#: Country names a sentence may use, zh-Hant, with the code provisions carry.
COUNTRY_NAMES: dict[str, str] = {
    "美國": "US", "中國": "CN", "日本": "JP", "南韓": "KR", "韓國": "KR", "德國": "DE", "台灣": "TW",
    "歐盟": "EU", "荷蘭": "NL", "英國": "GB", "加拿大": "CA", "瑞士": "CH", "俄羅斯": "RU",
}
_COUNTRY = re.compile("|".join(sorted(map(re.escape, COUNTRY_NAMES), key=len, reverse=True)))


def _norm(text: str) -> str:
    return re.sub(r"[\s、,，·・]", "", to_traditional(text)).replace("号", "號")


def _notice_keys(text: str) -> set[str]:
    out = set()
    for m in _NOTICE.finditer(to_traditional(text)):
        groups = [g for g in m.groups() if g]
        out.add(f"{groups[0]}-{int(groups[1])}")
    return out


def _dates(text: str) -> set[str]:
    found = {f"{y}-{m}-{d}" for y, m, d in _DATE_ISO.findall(text)}
    found |= {f"{y}-{int(m):02d}-{int(d):02d}" for y, m, d in _DATE_ZH.findall(text)}
    return found


def entity_names(text: str) -> list[str]:
    """Named organisations in a (zh-Hant) sentence, the words leading up to each name cut off."""
    out = []
    for m in _ENTITY.finditer(text):
        lead = _ENTITY_CUT.match(m.group(0))
        name = m.group(0)[lead.end():] if lead else m.group(0)
        if len(name) >= 3 and not name.startswith(("公司", "家")):
            out.append(name)
    return out


def check_policy(text: str, provisions: Iterable[ProvisionLike], vouched: Iterable[str] = ()) -> list[str]:
    """Problems with the dates, notices, codes, HS codes and entities of ``text`` (empty: all provisions)."""
    provs = list(provisions)
    extra = [to_traditional(v) for v in vouched if v]
    by_kind: dict[str, set[str]] = {}
    for p in provs:
        by_kind.setdefault(p.kind, set()).add(p.value)
    problems: list[str] = []
    allowed_dates = by_kind.get("date", set()) | {d for v in extra for d in _dates(v)}
    for day in sorted(_dates(text) - allowed_dates):
        problems.append(f"日期「{day}」不是所引用文件的條文日期 (date not a provision of the cited document)")
    allowed_notices = {k for v in by_kind.get("notice", set()) | set(extra) for k in _notice_keys(v)}
    for key in sorted(_notice_keys(text) - allowed_notices):
        year, num = key.split("-")
        problems.append(f"公告「{year}年第{num}號」不在所引用文件的條文中 (notice number not in the cited document)")
    codes = set(_CODE.findall(text))
    for code in sorted(codes - by_kind.get("control_code", set())):
        problems.append(f"管制編碼「{code}」不在所引用文件的條文中 (control code not in the cited document)")
    for hs in sorted(set(_HS.findall(text)) - by_kind.get("hs_code", set())):
        problems.append(f"商品編號「{hs}」不在所引用文件的條文中 (HS code not in the cited document)")
    names = {_norm(p.value) for p in provs if p.kind in ("entity", "end_use", "item")}
    names |= {_norm(v) for v in extra}
    for name in entity_names(to_traditional(text)):
        key = _norm(re.sub(r"[（(].*", "", name))
        if not any(key in n for n in names):
            problems.append(f"實體「{name}」不在所引用文件的條文中 (named entity not in the cited document)")
    countries = by_kind.get("country", set()) | {COUNTRY_NAMES[c] for v in extra for c in _COUNTRY.findall(v)}
    for country in dict.fromkeys(_COUNTRY.findall(to_traditional(text))):
        if COUNTRY_NAMES[country] not in countries:
            problems.append(f"國家「{country}」不在所引用文件的條文中 (country not named by the cited document)")
    return problems
