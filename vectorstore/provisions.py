"""Provisions of a policy document: what it does, to what, to whom, from when, on what basis.

Why deterministic and here: a briefing may state what a measure does only as far as the
document's own words say it, and a reviewer must be able to see those words. Every
provision is a span of the stored text (character offsets into ``DocRecord.text``) with the
sentence that holds it as its quote, so the narrator, the verifier and ``agent ask`` all work
from the same extracted facts and none of them reads the document body as instructions.

Pure functions over the stored text: extraction runs at retrieval time (a few regular
expressions per document, well under a millisecond), so ingest stays as fast as it was and
a change to these rules needs no re-ingest.

Public surface (the policy tracker reuses it)::

    from vectorstore.provisions import provisions_of, measures_of
    provisions_of(record) -> list[Provision]     # every provision, in text order
    measures_of(record) -> list[Measure]         # each measure with the items/targets/dates of its sentence
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Literal, Protocol

from pydantic import BaseModel, Field

ProvisionKind = Literal[
    "measure", "item", "control_code", "hs_code", "entity", "end_use", "country", "date", "legal_basis", "notice",
]
MeasureRole = Literal["prohibit", "control", "licence", "suspend", "list", "delist", "countermeasure"]


class Provision(BaseModel):
    """One extracted provision: a typed value and the sentence of the document that says it."""

    id: str = Field(description="'{doc_id}.{kind}.{start}': stable while the stored text is unchanged")
    doc_id: str
    kind: ProvisionKind
    role: str = Field(default="", description="measure role; date: publish|effective|expiry|suspension|mentioned; "
                                              "notice: self|suspends|amends|cites; legal_basis: basis|mentioned")
    value: str = Field(description="normalised value: '1C902', '2025-11-08', '公告2025年第70号', '禁止', an entity name")
    start: int | None = Field(default=None, description="offset of the value in the stored text (None: metadata)")
    end: int | None = None
    quote_start: int | None = None
    quote_end: int | None = None
    quote: str = Field(default="", description="the sentence holding the value, exactly as stored")
    code: str = Field(default="", description="an item's control code, when its line gives one")


class Measure(BaseModel):
    """A measure provision with the items, targets, dates and notices its sentence names."""

    measure: Provision
    items: list[Provision] = Field(default_factory=list)
    codes: list[Provision] = Field(default_factory=list)
    targets: list[Provision] = Field(default_factory=list, description="entities, end uses and countries")
    dates: list[Provision] = Field(default_factory=list)
    notices: list[Provision] = Field(default_factory=list)


class StoredDoc(Protocol):
    """What extraction needs of a stored document (a ``DocRecord``)."""

    doc_id: str
    text: str
    title_orig: str
    publish_date: date
    notice_no: str
    notice_key: str
    suspends: list[str]
    suspension_until: date | None


# ---------------------------------------------------------------- sentences
_SENTENCE_END = re.compile(r"[。！？!?\n]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split at 。！？ and line breaks, surrounding blanks dropped."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group(0) != "\n" else m.start()
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# ---------------------------------------------------------------- patterns
_MEASURES: tuple[tuple[MeasureRole, re.Pattern[str]], ...] = (
    ("suspend", re.compile(r"暂停(?:实施|执行|适用)?|暫停(?:實施|執行|適用)?")),
    ("delist", re.compile(r"移出[^。；]{0,20}?(?:清单|名单|清單|名單)")),
    ("list", re.compile(r"列入[^。；，]{0,20}?(?:清单|名单|清單|名單)")),
    ("countermeasure", re.compile(r"反制措施|反制清单|反制清單|实施反制|實施反制")),
    ("prohibit", re.compile(r"禁止|不得(?=[\u4e00-\u9fff])")),
    ("licence", re.compile(r"(?:申请|申請)(?:两用物项|兩用物項)?(?:出口)?许可|(?:申請)(?:出口)?許可|须经许可|須經許可"
                           r"|获得[^。；]{0,12}?批准|獲得[^。；]{0,12}?批准")),
    ("control", re.compile(r"实施(?:出口)?管制|實施(?:出口)?管制|出口管制措施|加强[^。；]{0,12}?出口管制"
                           r"|加強[^。；]{0,12}?出口管制|进行部分修订|調整出口管制清单|调整出口管制清单|对[^。；]{0,30}?实施管制")),
)
_CODE = re.compile(r"(?<![0-9A-Za-z])(\d[A-E]\d{3}(?:\.[a-z](?:\.\d{1,2})?)?)(?![0-9A-Za-z])")
_HS_INTRO = re.compile(r"(?:参考海关商品编号|参考税则号列|參考海關商品編號|參考稅則號列|税则号列|稅則號列)\s*[:：]?\s*")
_HS_NEXT = re.compile(r"\s*[、,，]?\s*(\d{8,10})(?!\d)")
_ITEM_LINE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[．.、])?[ \t]*"
    r"(?:(?P<code>\d[A-E]\d{3}(?:\.[a-z])?)(?:[．.、][ \t]*|[ \t]+))?(?P<name>[^（(：:；;。，\n]{2,40})",
    re.M,
)
_ITEM_PHRASE = re.compile(
    r"(?:对|對)(?P<a>[^。；，对對]{2,30}?)(?:等物项|等物項)?(?:实施|實施)(?:出口)?管制"
    r"|禁止(?:所有)?(?P<b>[^。；，向]{2,20}?)向"
    r"|禁止向[^。；，]{2,30}?出口(?P<c>[^。；，]{2,12}?)(?=[；。，]|$)"
)
_ENTITY = re.compile(
    r"[\u4e00-\u9fff·A-Za-z]{2,24}?(?:公司|株式会社|株式會社|银行|銀行|集团|集團|研究所|研究院|大学|大學|实验室|實驗室)"
    r"(?:[（(][A-Za-z][^（）()]{1,60}[）)])?"
    r"(?:\d+家[\u4e00-\u9fff]{0,6}?子公司)?"
    r"|(?<![A-Za-z])(?:[A-Z][A-Za-z.&\-]*\s){1,4}(?:Inc\.|LLC|Ltd\.?|Bankas|Corporation|Co\.,? Ltd\.?)"
)
#: Words that end the phrase before an entity name ('决定将…公司', '…和…公司').
_ENTITY_CUT = re.compile(r".*(?:将|將|对|對|把|与|與|和|及|等|向|的|、|，|决定|決定)")
_ENTITY_COUNT = re.compile(r"^[\d两兩二三四五六七八九十多]+家")
_END_USE = re.compile(r"(?:日本|美国|美國|台湾|台灣)?(?:军事用户|軍事用戶|军事用途|軍事用途|最终用户用途|最終用戶用途|最终用户|最終用戶|最终用途|最終用途)")
_BASIS = re.compile(r"《(?P<name>[^《》]{2,40}?(?:法|条例|條例|规定|規定|办法|辦法|决定|決定|清单|清單|令))》")
_BASIS_LEAD = re.compile(r"(?:根据|根據|依据|依據|依照|按照|按)[^。]{0,80}$")
_DATE = re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_ISO = re.compile(r"(?<!\d)(?P<y>20\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_ON_PUBLICATION = re.compile(r"自(?:发布|公布|印发|發布|公佈)之日起|自即日起")
_ISSUER = r"(?:商务部|海关总署|商務部|海關總署|国务院|國務院)"
_NOTICE = re.compile(
    rf"(?P<issuer>{_ISSUER}(?:\s*[、,，和与與]?\s*{_ISSUER})*)?\s*(?P<kind>公告|令)\s*(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})"
    r"\s*年?\s*第\s*(?P<n>\d+)\s*[号號]"
    r"|(?P<y2>\d{4})\s*年\s*第\s*(?P<n2>\d+)\s*[号號]\s*公告"
    r"|〔(?P<y3>\d{4})〕\s*(?P<n3>\d+)\s*[号號]"
)
_BARE_NOTICE = re.compile(r"第\s*(?P<n>\d+)\s*(?:(?:至|–|-|~)\s*(?P<to>\d+)\s*)?[号號]|(?<=[、及和])(?P<n2>\d+)(?=[、及和]|\s*[号號])")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}

#: Countries a provision may concern; the key is the zh-Hans spelling as published.
COUNTRIES: dict[str, str] = {
    "美国": "US", "美國": "US", "美方": "US", "中国": "CN", "中國": "CN", "中方": "CN", "日本": "JP", "日方": "JP",
    "韩国": "KR", "韓國": "KR", "德国": "DE", "德國": "DE", "台湾": "TW", "台灣": "TW", "臺灣": "TW",
    "欧盟": "EU", "歐盟": "EU", "荷兰": "NL", "荷蘭": "NL", "英国": "GB", "英國": "GB", "加拿大": "CA",
    "瑞士": "CH", "俄罗斯": "RU", "俄羅斯": "RU",
}
_COUNTRY = re.compile("|".join(sorted(map(re.escape, COUNTRIES), key=len, reverse=True)))


def _cn_year(text: str) -> str:
    return "".join(_CN_DIGIT.get(c, c) for c in text)


def _quote(text: str, spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next(((s, e) for s, e in spans if s <= pos < e), (pos, pos))


class _Builder:
    """Collects provisions of one document, one id per (kind, start)."""

    def __init__(self, doc_id: str, text: str) -> None:
        self.doc_id, self.text = doc_id, text
        self.spans = sentence_spans(text)
        self.out: dict[tuple[str, int], Provision] = {}

    def add(self, kind: ProvisionKind, value: str, start: int, end: int, role: str = "", code: str = "") -> None:
        value = value.strip()
        if not value or (kind, start) in self.out:
            return
        qs, qe = _quote(self.text, self.spans, start)
        self.out[(kind, start)] = Provision(
            id=f"{self.doc_id}.{kind}.{start}", doc_id=self.doc_id, kind=kind, role=role, value=value,
            start=start, end=end, quote_start=qs, quote_end=qe, quote=self.text[qs:qe], code=code)

    def sentence(self, pos: int) -> str:
        qs, qe = _quote(self.text, self.spans, pos)
        return self.text[qs:qe]


_QUALIFIER = re.compile(r"^[a-z][．.]\s*|^(?:具有(?:以下|下述)(?:所有|任一)特性的)")


def item_name(text: str) -> str:
    """An item's name without its technical qualifiers: the words after the last 的, no figures.

    Why: thresholds ('平均粒径小于等于50 μm') are the document's figures; the quote shows them,
    a sentence names only the item.
    """
    name = _QUALIFIER.sub("", text.strip().rstrip("．.、 "))
    name = name.rsplit("的", 1)[-1].strip()
    if len(name) < 2 or re.search(r"[0-9%]", name) or name.startswith(("生产", "用于", "以下", "下列")):
        return ""
    return name


def notice_value(year: str, number: str, issuer: str = "", kind: str = "公告") -> str:
    """'商务部公告2025年第70号' style, the issuer dropped when the text does not name one."""
    issuer = re.sub(r"[\s、,，和与與]+", "、", issuer.strip()) if issuer else ""
    return f"{issuer}{kind}{year}年第{int(number)}号"


def _notices(b: _Builder, doc: StoredDoc) -> None:
    own = doc.notice_key
    for m in _NOTICE.finditer(b.text):
        if m.group("n"):
            year, num = _cn_year(m.group("y")), m.group("n")
            value = notice_value(year, num, m.group("issuer") or "", m.group("kind"))
        elif m.group("n2"):
            year, num = m.group("y2"), m.group("n2")
            value = notice_value(year, num)
        else:
            year, num = m.group("y3"), m.group("n3")
            value = f"〔{year}〕{int(num)}号"
        key = f"{year}-{int(num)}"
        sentence = b.sentence(m.start())
        role = ("self" if key == own or "发布文号" in sentence or "發布文號" in sentence else "suspends" if re.search("暂停|暫停", sentence) and doc.suspends
                else "amends" if re.search("修订|修改|废止|修訂|廢止", sentence) else "cites")
        b.add("notice", value, m.start(), m.end(), role)
    if not doc.suspends:
        return
    # An analyst note lists the paused notices as bare numbers: '第55號…、第56號…'.
    year = doc.suspends[0].split("-")[0]
    wanted = {k.split("-")[1] for k in doc.suspends}
    for s, e in b.spans:
        sentence = b.text[s:e]
        if not re.search("暂停|暫停|受影响|受影響", sentence):
            continue
        for m in _BARE_NOTICE.finditer(sentence):
            first = m.group("n") or m.group("n2")
            last = m.group("to") or first
            for n in range(int(first), int(last) + 1):
                if str(n) in wanted:
                    b.add("notice", notice_value(year, str(n)), s + m.start(), s + m.end(), "suspends")


def _dates(b: _Builder, doc: StoredDoc) -> None:
    year = doc.publish_date.year
    for pattern in (_DATE, _ISO):
        for m in pattern.finditer(b.text):
            y = int(m.group("y")) if m.group("y") else year
            try:
                day = date(y, int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
            before, after = b.text[max(0, m.start() - 12):m.start()], b.text[m.end():m.end() + 14]
            if re.match(r"\s*(?:起|开始)?\s*(?:正式)?(?:施行|实施|生效|執行|施行|實施)", after) or (
                    before.endswith("自") and re.match(r"\s*起", after)):
                role = "effective"
            elif re.search(r"(?:暂停|暫停)", before + after) and re.search(r"至\s*$|到\s*$", before):
                role = "suspension"
            elif re.search(r"至\s*$|到\s*$|截至\s*$", before) or re.match(r"\s*(?:前|止|到期|失效)", after):
                role = "expiry"
            elif re.match(r"\s*(?:至|到|–|-)", after) and re.search("暂停|暫停", b.sentence(m.start())):
                role = "suspension"
            else:
                role = "mentioned"
            b.add("date", day.isoformat(), m.start(), m.end(), role)
    for m in _ON_PUBLICATION.finditer(b.text):
        b.add("date", doc.publish_date.isoformat(), m.start(), m.end(), "effective")


def _items(b: _Builder) -> None:
    for m in _CODE.finditer(b.text):
        b.add("control_code", m.group(1), m.start(1), m.end(1))
    for intro in _HS_INTRO.finditer(b.text):
        pos = intro.end()
        while (hs := _HS_NEXT.match(b.text, pos)) is not None:
            b.add("hs_code", hs.group(1), hs.start(1), hs.end(1))
            pos = hs.end()
    for m in _ITEM_LINE.finditer(b.text):
        line_end = b.text.find("\n", m.start())
        line = b.text[m.start(): line_end if line_end >= 0 else len(b.text)]
        if not m.group("code") and not _HS_INTRO.search(line):
            continue
        name = item_name(m.group("name"))
        if name:
            start = m.start("name") + m.group("name").rfind(name)
            b.add("item", name, start, start + len(name), "listed", code=m.group("code") or "")
    for m in _ITEM_PHRASE.finditer(b.text):
        group = next(g for g in ("a", "b", "c") if m.group(g))
        value = m.group(group)
        if value.startswith(("下列", "上述", "以下")) or len(value) < 2:
            continue
        b.add("item", value, m.start(group), m.end(group), "scope")


def _targets(b: _Builder) -> None:
    for m in _ENTITY.finditer(b.text):
        raw = m.group(0)
        head = re.sub(r"[（(].*", "", raw)
        lead = _ENTITY_CUT.match(head)
        cut = lead.end() if lead else 0
        name = raw[cut:]
        if len(re.sub(r"[（(].*", "", name)) < 3 or name.startswith(("公司", "家")) or _ENTITY_COUNT.match(name):
            continue
        b.add("entity", name, m.start() + cut, m.end())
    for m in _END_USE.finditer(b.text):
        b.add("end_use", m.group(0), m.start(), m.end())
    for m in _COUNTRY.finditer(b.text):
        b.add("country", COUNTRIES[m.group(0)], m.start(), m.end(), m.group(0))


def _bases(b: _Builder) -> None:
    for m in _BASIS.finditer(b.text):
        head = b.text[max(0, m.start() - 120):m.start()]
        lead = _BASIS_LEAD.search(head.split("。")[-1])
        b.add("legal_basis", m.group("name"), m.start("name"), m.end("name"), "basis" if lead else "mentioned")


def _measures(b: _Builder) -> None:
    for s, e in b.spans:
        sentence = b.text[s:e]
        seen: set[str] = set()
        for role, pattern in _MEASURES:
            m = pattern.search(sentence)
            if m and role not in seen:
                seen.add(role)
                b.add("measure", role, s + m.start(), s + m.end(), role)


def provisions_of(doc: StoredDoc) -> list[Provision]:
    """Every provision of ``doc`` in text order, plus its publish date (metadata, no offset)."""
    b = _Builder(doc.doc_id, doc.text)
    _measures(b)
    _items(b)
    _targets(b)
    _dates(b, doc)
    _bases(b)
    _notices(b, doc)
    found = sorted(b.out.values(), key=lambda p: (p.start or 0, p.kind))
    publish = Provision(id=f"{doc.doc_id}.date.publish", doc_id=doc.doc_id, kind="date", role="publish",
                        value=doc.publish_date.isoformat())
    extra = [publish]
    for m in _NOTICE.finditer(doc.title_orig or ""):
        if m.group("n"):  # the document's own number, from its title (metadata: no offset in the text)
            value = notice_value(_cn_year(m.group("y")), m.group("n"), m.group("issuer") or "", m.group("kind"))
            if value not in {p.value for p in found if p.kind == "notice"}:
                extra.append(Provision(id=f"{doc.doc_id}.notice.title", doc_id=doc.doc_id, kind="notice",
                                       role="self", value=value, quote=doc.title_orig))
            break
    if doc.suspension_until is not None and not any(p.value == doc.suspension_until.isoformat() for p in found):
        extra.append(Provision(id=f"{doc.doc_id}.date.suspension", doc_id=doc.doc_id, kind="date",
                               role="suspension", value=doc.suspension_until.isoformat()))
    return extra + found


def _within(p: Provision, start: int, end: int) -> bool:
    return p.start is not None and start <= p.start < end


MEASURE_RANK: dict[str, int] = {"prohibit": 0, "list": 1, "countermeasure": 2, "suspend": 3, "control": 4,
                                "licence": 5, "delist": 6}


def measures_of(doc: StoredDoc | None, provisions: Iterable[Provision] | None = None) -> list[Measure]:
    """Each measure with what its own sentence names (items, codes, targets, dates, notices).

    A notice whose operative sentence says only '下列物项' gets the listed items of the whole
    document: the list it points to is the rest of the text.
    """
    found = list(provisions) if provisions is not None else provisions_of(doc) if doc is not None else []
    listed = [p for p in found if p.kind == "item" and p.role == "listed"]
    entities = _distinct_entities(p for p in found if p.kind == "entity")
    codes_all = [p for p in found if p.kind in ("control_code", "hs_code")]
    out = []
    for m in (p for p in found if p.kind == "measure"):
        assert m.quote_start is not None and m.quote_end is not None
        inside = [p for p in found if p.kind != "measure" and _within(p, m.quote_start, m.quote_end)]
        items = [p for p in inside if p.kind == "item"]
        codes = [p for p in inside if p.kind in ("control_code", "hs_code")]
        if re.search("下列物项|下列物項|上述物项|上述物項|有关规定如下|有關規定如下", m.quote) and not items:
            items, codes = listed, codes or codes_all
        targets = [p for p in inside if p.kind in ("entity", "end_use", "country")]
        if re.search("上述[^。；]{0,8}(?:实体|企业|實體|企業|机构|機構)", m.quote) and not any(
                t.kind == "entity" for t in targets):
            targets = entities + targets
        elif re.search(r"等\s*\d+\s*家", m.quote) and m.role in ("list", "countermeasure", "delist"):
            named = {t.value for t in targets}
            targets = [e for e in entities if e.value not in named and not any(
                re.sub(r"[（(].*", "", e.value) == n for n in named)] + targets
            targets = _distinct_entities(t for t in targets if t.kind == "entity") + [
                t for t in targets if t.kind != "entity"]
        out.append(Measure(
            measure=m, items=items, codes=codes,
            targets=targets,
            dates=[p for p in inside if p.kind == "date"],
            notices=[p for p in inside if p.kind == "notice"],
        ))
    return out


def _distinct_entities(found: Iterable[Provision]) -> list[Provision]:
    """Each named entity once, preferring the mention that carries its Latin name."""
    best: dict[str, Provision] = {}
    for p in found:
        short = re.sub(r"[（(].*", "", p.value)
        if short not in best or len(p.value) > len(best[short].value):
            best[short] = p
    return list(best.values())


def key_measure(measures: Iterable[Measure]) -> Measure | None:
    """The measure a one-line summary should lead with: the strongest role, then the richest sentence."""
    def asked(m: Measure) -> bool:  # a journalist's question reports, it does not decide
        return bool(re.match(r"(?:有记者问|记者问|问|有記者問|記者問|問)[:：]", m.measure.quote)) or "？" in m.measure.quote

    def rank(m: Measure) -> int:  # a ban naming no item is the consequence of a listing, not the measure
        return MEASURE_RANK["countermeasure"] + 1 if m.measure.role == "prohibit" and not m.items else \
            MEASURE_RANK.get(m.measure.role, 9)

    ranked = sorted(measures, key=lambda m: (asked(m), not re.search("决定|決定", m.measure.quote), rank(m),
                                             -(len(m.items) + len(m.targets) + len(m.codes)), m.measure.start or 0))
    return ranked[0] if ranked else None


def effective_provisions(provisions: Iterable[Provision]) -> list[Provision]:
    return [p for p in provisions if p.kind == "date" and p.role == "effective"]


def values(provisions: Iterable[Provision], *kinds: str) -> Iterator[str]:
    """Values of the given kinds (all kinds when none given), each once, in order."""
    seen: set[str] = set()
    for p in provisions:
        if (not kinds or p.kind in kinds) and p.value not in seen:
            seen.add(p.value)
            yield p.value
