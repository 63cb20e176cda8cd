"""Find every number-like token in a zh-Hant sentence and say what kind of number it is.

Why a tokenizer of its own: the verifier's promise is that *no* number reaches the page
unless a cited fact (or a cited document's date) vouches for it. That only holds if the
tokenizer sees every way a number can be written in Chinese prose — Arabic digits with
thousands separators, 億/兆/萬 magnitudes, percentages and percentage points, Chinese
numerals, years, months, ranges such as ``2025 年 1–11 月`` and ISO forms such as
``2024-01`` — and keeps the pieces of one quantity together (``USD 1,269 億`` is one amount,
not ``1``, ``269`` and a stray 億). Dates and periods are recognised before amounts so a
period is never mistaken for a subtraction or a negative number.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["day", "month", "month_range", "year", "year_range", "week", "amount", "cn_number", "code"]


def _numeral_tables() -> tuple[dict[str, str], str]:
    """(non-ASCII decimal digits → ASCII digit, characters that are a number on their own).

    One pass over planes 0–1 (planes 2+ hold ideographs and no numerals) when the module loads.
    """
    digits: dict[str, str] = {}
    standalone: list[str] = []
    for code in range(0x80, 0x20000):
        c = chr(code)
        category = unicodedata.category(c)
        if category == "Nd":
            digits[c] = str(unicodedata.digit(c))
        elif category in ("No", "Nl") and not (0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF):
            standalone.append(c)
    return digits, "".join(standalone)


_DIGITS, _UNI_NUM = _numeral_tables()

#: Decimal digits of any script and fullwidth signs are folded 1:1 so positions in the folded
#: text match the original.
_FOLD = str.maketrans({**_DIGITS, "％": "%", "＋": "+", "－": "-", "−": "-", "．": ".", "～": "~", "﹪": "%"})

#: Characters that are a number on their own (½, Ⅻ, ⑫, ⅩⅤ …): Unicode "other"/"letter" numbers,
#: except the CJK ones, which the Chinese-numeral patterns read in context.
_UNI_CLASS = "[" + re.escape(_UNI_NUM) + "]"

_DASH = r"(?:[-–—~]|至|到)"
_Y = r"(?:19|20)\d{2}"
_M = r"(?:1[0-2]|0?[1-9])"
_D = r"(?:3[01]|[12]\d|0?[1-9])"
_S = r"[ \t\u3000]*"
_NOT_ALNUM_BEFORE = r"(?<![A-Za-z0-9.,])"
_NOT_ALNUM_AFTER = r"(?![A-Za-z0-9])"

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAG = r"萬億|兆|億|萬|百萬|千"
_PCT = r"%|個百分點|百分點|pp(?![A-Za-z])"
_CUR = r"USD|US\$|美元|\$"

_CN_DIGIT = "零〇一二兩三四五六七八九"
_CN_ALL = _CN_DIGIT + "十百千萬億兆"
#: Financial (anti-forgery) numerals and the old tens: 壹萬億, 貳拾, 廿, 卅. Unambiguous ones make a
#: run a number by themselves; 參/陸/伍/拾 are also ordinary words (參與, 大陸, 隊伍, 收拾).
_FIN_SURE = "壹貳贰叁肆柒捌玖佰仟廿卅卌"
_FIN_WORDY = "參参陸陆伍拾"
_FIN_RUN = f"[{_CN_ALL}{_FIN_SURE}{_FIN_WORDY}]+"
_MAGNITUDE_CHARS = set("十百千萬億兆拾佰仟")
#: Approximate quantities a reader reads as numbers: 逾百家、數十、上千、近萬、百餘、十多.
_APPROX = r"(?:數以|成|數|幾|上|逾|近|約|超過|超|好)[十百千萬億兆]+(?!分)(?:[餘多來]|計|上萬)?|[十百千萬](?:[餘多來])"
_EN_UNITS = ("zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
             "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety")
_EN_SCALES = "hundred|thousand|million|billion|trillion|dozen|dozens|hundreds|thousands|millions|billions|trillions"
_EN_WORD = rf"(?:{_EN_UNITS}|{_EN_SCALES})"
#: English number words ("nine hundred billion", "ninety percent", "a trillion", "a dozen").
_EN_NUMBER = (rf"(?i)(?<![A-Za-z])(?:(?:an?|several|many|tens\s+of|hundreds\s+of)\s+(?={_EN_SCALES}))?{_EN_WORD}"
              rf"(?:(?:\s+and\s+|[\s-]+){_EN_WORD})*(?:\s*(?:percent|per\s+cent|%))?(?![A-Za-z])")

#: Ordered: the first pattern that matches at a position wins, so longer forms come first.
_PATTERNS: list[tuple[TokenKind, str]] = [
    ("week", rf"{_NOT_ALNUM_BEFORE}(?P<wy>{_Y})-?W(?P<ww>\d{{1,2}}){_NOT_ALNUM_AFTER}"),
    ("week", rf"第{_S}(?P<wn>\d{{1,2}}){_S}週"),
    ("week", r"(?<![A-Za-z0-9])W(?P<ww>\d{1,2})(?![A-Za-z0-9])"),
    ("day", rf"{_NOT_ALNUM_BEFORE}(?P<y>{_Y})[-/.](?P<m>{_M})[-/.](?P<d>{_D}){_NOT_ALNUM_AFTER}"),
    ("day", rf"(?P<y>{_Y}){_S}年{_S}(?P<m>{_M}){_S}月{_S}(?P<d>{_D}){_S}日"),
    ("month_range", rf"{_NOT_ALNUM_BEFORE}(?P<y>{_Y})-(?P<m>{_M}){_S}{_DASH}{_S}(?P<y2>{_Y})-(?P<m2>{_M})"
                    rf"{_NOT_ALNUM_AFTER}"),
    ("month_range", rf"(?P<y>{_Y}){_S}年{_S}(?P<m>{_M}){_S}月{_S}{_DASH}{_S}(?P<y2>{_Y}){_S}年{_S}"
                    rf"(?P<m2>{_M}){_S}月"),
    ("month_range", rf"(?P<y>{_Y}){_S}年{_S}(?P<m>{_M}){_S}月?{_S}{_DASH}{_S}(?P<m2>{_M}){_S}月"),
    ("month", rf"{_NOT_ALNUM_BEFORE}(?P<y>{_Y})-(?P<m>{_M}){_NOT_ALNUM_AFTER}(?!-\d)"),
    ("month", rf"(?P<y>{_Y}){_S}年{_S}(?P<m>{_M}){_S}月"),
    ("year_range", rf"{_NOT_ALNUM_BEFORE}(?P<y>{_Y}){_S}年?{_S}{_DASH}{_S}(?P<y2>{_Y}){_S}年?"
                   rf"{_NOT_ALNUM_AFTER}(?!{_S}(?:{_MAG}|{_PCT}))"),
    ("year", rf"(?P<y>{_Y}){_S}年"),
    ("day", rf"{_NOT_ALNUM_BEFORE}(?P<m>{_M}){_S}月{_S}(?P<d>{_D}){_S}日"),
    ("month_range", rf"{_NOT_ALNUM_BEFORE}(?P<m>{_M}){_S}[-–—~]{_S}(?P<m2>{_M}){_S}月"),
    ("month", rf"{_NOT_ALNUM_BEFORE}(?P<m>{_M}){_S}月(?!{_S}\d)"),
    ("year", rf"{_NOT_ALNUM_BEFORE}(?P<y>(?:199\d|20[0-3]\d)){_NOT_ALNUM_AFTER}"
             rf"(?!{_S}(?:{_MAG}|{_PCT}|,\d))"),
    ("amount", rf"(?:(?<![A-Za-z])(?P<cur>{_CUR}){_S})?(?P<sign>(?<![\d)])[+-])?(?<![A-Za-z0-9.,])"
               rf"(?P<whole>\d+)?(?P<uni>{_UNI_CLASS}+){_S}(?P<mag>{_MAG})?{_S}(?P<pct>{_PCT})?"),
    ("amount", rf"(?:(?<![A-Za-z])(?P<cur>{_CUR}){_S})?(?P<sign>(?<![\d)])[+-])?(?<![A-Za-z0-9.,])"
               rf"(?P<num>{_NUM}){_S}(?P<mag>{_MAG})?{_S}(?P<pct>{_PCT})?(?:{_S}美元)?(?![A-Za-z0-9]|[.,]\d)"),
    ("cn_number", _APPROX),
    ("cn_number", _FIN_RUN),
    ("cn_number", rf"百分之[{_CN_ALL}點]+"),
    ("cn_number", rf"[{_CN_DIGIT}十百千][{_CN_ALL}]*(?:點[{_CN_DIGIT}]+)?(?=成|倍|億|兆|萬|個百分點|美元)"
                  rf"(?:成|倍)?"),
    ("cn_number", rf"[{_CN_DIGIT}]*[十百千][{_CN_ALL}]*"),
    ("cn_number", rf"[〇零一二三四五六七八九]{{4}}{_S}年"),
    # Digit-by-digit numerals with a zero (〇〇七, 一〇五): read as a number, not as words.
    ("cn_number", r"(?=[〇零一二三四五六七八九]{2})[一二三四五六七八九]*[〇零][〇零一二三四五六七八九]*"),
    # Anything else with a digit glued to letters (``126.9B``, ``H20``, ``3A090``): a code or a
    # disguised amount; accepted only when a cited fact or document carries the same string.
    ("code", r"[A-Za-z$]*\d[A-Za-z0-9.,$/-]*[A-Za-z0-9]|[A-Za-z$]+\d"),
    ("cn_number", _EN_NUMBER),
]

_SINGLE = [(kind, re.compile(p)) for kind, p in _PATTERNS]

#: What a text must hold for a pattern to match at all: every date, week, code and Arabic amount
#: pattern needs an ASCII digit (``fold`` turns every script's digits into ASCII ones), the
#: Unicode-numeral amount one of those characters, the Chinese-numeral ones a numeral character,
#: the English one a letter. Why: most strings the verifier reads are short display forms, and
#: skipping the patterns that cannot match halves the time it spends tokenising them.
_NEEDS_DIGIT = re.compile(r"[0-9]")
_NEEDS: list[re.Pattern[str]] = []
for _kind, _pattern in _PATTERNS:
    if _pattern == _EN_NUMBER:
        _NEEDS.append(re.compile(r"[A-Za-z]"))
    elif _kind == "cn_number":
        _NEEDS.append(re.compile(f"[{_CN_ALL}{_FIN_SURE}{_FIN_WORDY}]"))
    elif "(?P<uni>" in _pattern:
        _NEEDS.append(re.compile(_UNI_CLASS))
    else:
        _NEEDS.append(_NEEDS_DIGIT)
_FIN_INDEX = _PATTERNS.index(("cn_number", _FIN_RUN))


def _is_financial(run: str) -> bool:
    """A run of numeral characters that holds a financial numeral and reads as a number."""
    wordy = [c for c in run if c in _FIN_WORDY]
    if any(c in _FIN_SURE for c in run):
        return True
    if not wordy:
        return False
    return len(wordy) >= 2 or (len(run) >= 2 and any(c in _MAGNITUDE_CHARS for c in run if c not in wordy))

#: A Chinese-numeral run that is a word, not a quantity (kept out of the check on purpose).
_CN_WORDS = {"十分", "百分", "千萬", "萬一", "一千", "百貨", "千百"}


@dataclass(frozen=True)
class Token:
    """One number-like span. ``key`` is the canonical form used for comparisons."""

    kind: TokenKind
    text: str
    start: int
    end: int
    key: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year2: int | None = None
    month2: int | None = None
    signed: bool = False


def fold(text: str) -> str:
    """Fullwidth digits/signs to ASCII, position-preserving."""
    return text.translate(_FOLD)


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _unicode_value(whole: str | None, chars: str) -> float:
    """½ → 0.5, 3½ → 3.5, Ⅻ → 12, ⅩⅤ → 15, ⅠⅩ → 9 (Roman subtraction), ⑫ → 12."""
    values = [unicodedata.numeric(c) for c in chars]
    total = 0.0
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and v < values[i + 1] else v
    return total + (int(whole) if whole else 0)


def _amount_key(m: re.Match[str]) -> tuple[str, bool]:
    if m.groupdict().get("uni"):
        value = _unicode_value(m.group("whole"), m.group("uni"))
        num = f"{value:.4f}".rstrip("0").rstrip(".")
        pct = m.group("pct") or ""
        sign = m.group("sign") or ""
        return f"{sign}{num}{m.group('mag') or ''}{'pp' if pct in ('個百分點', '百分點') else pct}", bool(sign)
    num = m.group("num").replace(",", "")
    if "." in num:
        num = num.rstrip("0").rstrip(".") if num.split(".")[1].strip("0") == "" else num
    sign = m.group("sign") or ""
    mag = m.group("mag") or ""
    pct = m.group("pct") or ""
    if pct in {"個百分點", "百分點"}:
        pct = "pp"
    return f"{sign}{num}{mag}{pct}", bool(sign)


def _build(kind: TokenKind, m: re.Match[str]) -> Token:
    groups = m.groupdict()
    g = groups.get
    text = m.group(0).strip()
    start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
    end = start + len(text)
    if kind == "amount":
        key, signed = _amount_key(m)
        return Token(kind, text, start, end, key, signed=signed)
    if kind in ("cn_number", "code"):
        return Token(kind, text, start, end, re.sub(r"\s", "", text).rstrip(",."))
    if kind == "week":
        year = _int(g("wy"))
        week = _int(g("ww") or g("wn"))
        return Token(kind, text, start, end, f"W{week:02d}", year=year, month=week)
    year, month, day = _int(g("y")), _int(g("m")), _int(g("d"))
    year2, month2 = _int(g("y2")), _int(g("m2"))
    if kind == "month_range" and year2 is None and year is not None:
        year2 = year
    key = {
        "day": f"{year or '?'}-{month:02d}-{day:02d}" if month and day else text,
        "month": f"{year or '?'}-{month:02d}" if month else text,
        "month_range": f"{year or '?'}-{(month or 0):02d}_{year2 or '?'}-{(month2 or 0):02d}",
        "year": f"{year}",
        "year_range": f"{year}_{year2}",
    }[kind]
    return Token(kind, text, start, end, key, year=year, month=month, day=day, year2=year2, month2=month2)


def number_tokens(text: str) -> list[Token]:
    """Every number-like token in ``text``, left to right, non-overlapping.

    Candidates from all patterns are ordered by position, then by pattern priority (the
    order of ``_PATTERNS``), and taken greedily — the same rule as one big alternation.
    """
    return list(_tokens_of(text))


#: Joins strings for one tokenising pass. No pattern matches it, and every lookaround treats it as a
#: string's edge: it is no letter, digit, numeral, space, sign or separator any pattern reads.
_SEP = "\x00"
#: text -> its tokens. Why remembered: the verifier tokenises every display form of every cited fact
#: for each sentence group, the page trace and each chart, and the same few thousand strings come back
#: in one draft; tokens are frozen, so sharing them is safe.
_CACHE: dict[str, tuple[Token, ...]] = {}
_CACHE_SIZE = 32768


def _remember(text: str, found: tuple[Token, ...]) -> tuple[Token, ...]:
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[text] = found
    return found


def _tokens_of(text: str) -> tuple[Token, ...]:
    hit = _CACHE.get(text)
    return hit if hit is not None else _remember(text, _scan(text))


def tokens_of_all(texts: Iterable[str]) -> list[Token]:
    """The tokens of each text, text after text, exactly as ``number_tokens`` finds them one by one.

    Why: the page trace tokenises every display form of every fact on the sheet, about three thousand
    short strings. The ones not seen before are scanned in one pass over their join, then split back
    (each pattern scanning one long string costs a fraction of starting it on each); tested equal to
    tokenising one by one, positions included.
    """
    parts = [t for t in dict.fromkeys(texts) if t]
    new = [t for t in parts if t not in _CACHE and _SEP not in t]
    if len(new) > 1:
        starts, at = [], 0
        for text in new:
            starts.append(at)
            at += len(text) + len(_SEP)
        split: list[list[Token]] = [[] for _ in new]
        for tok in _scan(_SEP.join(new)):
            i = bisect.bisect_right(starts, tok.start) - 1
            split[i].append(dataclasses.replace(tok, start=tok.start - starts[i], end=tok.end - starts[i]))
        for text, found in zip(new, split, strict=True):
            _remember(text, tuple(found))
    return [tok for t in parts for tok in _tokens_of(t)]


def _scan(text: str) -> tuple[Token, ...]:
    """Every token of ``text`` (see ``number_tokens``); not remembered."""
    folded = fold(text)
    candidates: list[tuple[int, int, re.Match[str]]] = []
    present: dict[re.Pattern[str], bool] = {}
    for priority, (_, pattern) in enumerate(_SINGLE):
        need = _NEEDS[priority]
        if need not in present:
            present[need] = need.search(folded) is not None
        if not present[need]:
            continue
        for m in pattern.finditer(folded):
            if m.group(0).strip():
                candidates.append((m.start(), priority, m))
    candidates.sort(key=lambda c: (c[0], c[1]))
    tokens: list[Token] = []
    taken_until = 0
    for start, priority, m in candidates:
        if start < taken_until:
            continue
        kind = _SINGLE[priority][0]
        token = _build(kind, m)
        if kind == "cn_number" and (token.key in _CN_WORDS or token.key in {"十", "百", "千"}
                                    or (priority == _FIN_INDEX and not _is_financial(token.key))):
            continue
        tokens.append(token)
        taken_until = m.end()
    return tuple(tokens)
