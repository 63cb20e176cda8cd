"""Question → structured query (entity + metric + period), with no model.

Why a parser and not a model: the offline router must answer the common question shapes
the same way every time, in zh-Hant, zh-Hans or English, and it must be able to tell
"I understood you and the data has no such thing" from "I did not understand you".
Everything here is pure: text in, :class:`Query` out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Metric = Literal["balance", "exports", "imports", "concentration", "extreme", "quality", "total"]
Intent = Literal["trade", "policy", "quality", "unknown"]

#: Mentions the router recognises, mapped to the key given to ``tools.countries.resolve``.
#: Longer aliases first so 「南韓」 wins over 「韓」 and "South Korea" over "Korea".
COUNTRY_ALIASES: tuple[tuple[str, str], ...] = (
    ("United States", "US"), ("U.S.", "US"), ("USA", "US"), ("US", "US"), ("America", "US"), ("美國", "US"), ("美国", "US"),
    ("美方", "US"), ("美", "US"),
    ("Chinese Taipei", "TW"), ("Taiwan", "TW"), ("台灣", "TW"), ("台湾", "TW"), ("臺灣", "TW"), ("台", "TW"),
    ("Mainland China", "CN"), ("China", "CN"), ("中國大陸", "CN"), ("中国大陆", "CN"), ("中國", "CN"),
    ("中国", "CN"), ("大陸", "CN"), ("大陆", "CN"), ("中", "CN"),
    ("Japan", "JP"), ("日本", "JP"), ("日", "JP"),
    ("South Korea", "KR"), ("Korea", "KR"), ("南韓", "KR"), ("南韩", "KR"), ("韓國", "KR"), ("韩国", "KR"),
    ("韓", "KR"), ("韩", "KR"),
    ("TW", "TW"), ("CN", "CN"), ("JP", "JP"), ("KR", "KR"), ("DE", "DE"),
    ("Germany", "DE"), ("德國", "DE"), ("德国", "DE"), ("德", "DE"),
    # Countries the bundled data does not cover: recognised so the answer can say so.
    ("France", "FR"), ("法國", "FR"), ("法国", "FR"),
    ("United Kingdom", "GB"), ("Britain", "GB"), ("英國", "GB"), ("英国", "GB"),
    ("Vietnam", "VN"), ("Viet Nam", "VN"), ("越南", "VN"),
    ("India", "IN"), ("印度", "IN"),
    ("Mexico", "MX"), ("墨西哥", "MX"),
    ("Canada", "CA"), ("加拿大", "CA"),
    ("Brazil", "BR"), ("巴西", "BR"),
    ("Russia", "RU"), ("俄羅斯", "RU"), ("俄罗斯", "RU"),
    ("Netherlands", "NL"), ("荷蘭", "NL"), ("荷兰", "NL"),
    ("Australia", "AU"), ("澳洲", "AU"), ("澳大利亞", "AU"), ("澳大利亚", "AU"),
    ("Singapore", "SG"), ("新加坡", "SG"),
    ("Hong Kong", "HK"), ("香港", "HK"),
)

#: Single-character aliases only count next to a trade word (「美台貿易」, 「對台」, 「中日」).
_SHORT = {a for a, _ in COUNTRY_ALIASES if len(a) == 1}
#: Codes a user may type (Census 4-digit, Comtrade M49 3-digit).
_CODE = re.compile(r"(?<![\d.,])(\d{3,4})(?![\d.,]|\s*(?:年|月|億|亿|兆|%|萬|万|million|billion|trillion))")

_ZH_DIGITS = {"一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_MONTHS_EN = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
#: Month names exactly (never a prefix: "market" is not March, "decrease" is not December).
_MON = (r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:uary|ruary|ch|il|e|y|ust|tember|t|ober|ember)?"
        r"(?![a-z])\.?")
_DASH = r"\s*(?:到|至|-|–|—|~|～|to|through|thru)\s*"


def zh_number(text: str) -> int | None:
    """「十一」→ 11, 「三」→ 3, 「11」→ 11 (the forms used for month counts)."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _ZH_DIGITS.get(text[1:], 0) if len(text) == 2 else None
    if len(text) == 1:
        return _ZH_DIGITS.get(text)
    if len(text) >= 2 and text[1] == "十":
        tens = _ZH_DIGITS.get(text[0])
        rest = _ZH_DIGITS.get(text[2:], 0) if len(text) == 3 else 0
        return None if tens is None else tens * 10 + rest
    return None


@dataclass
class PeriodSpec:
    """What period the user asked for; ``None`` fields mean "not said" (the router picks defaults)."""

    year: int | None = None
    month_from: int | None = None
    month_to: int | None = None
    full_year: bool = False  # 「全年」 / "full year" said explicitly
    latest_month: bool = False  # 「上個月」 / "last month" / 「最新」
    relative_year: int | None = None  # 今年 0, 去年 -1, 前年 -2 (resolved against the report week)

    @property
    def said(self) -> bool:
        return self.year is not None or self.month_from is not None or self.full_year or self.latest_month


@dataclass
class Query:
    text: str
    lang: Literal["zh", "en"]
    intent: Intent
    metric: Metric | None
    countries: list[str] = field(default_factory=list)  # resolve keys, in order of first mention
    codes: list[str] = field(default_factory=list)  # numeric codes typed by the user
    period: PeriodSpec = field(default_factory=PeriodSpec)
    yoy: bool = False
    top: bool = False  # 最大市場 / 前三大 / top partners
    rank: bool = False  # 哪個國家逆差最大 / which partner: compare the US partners
    series: bool = False  # 每月 / monthly / 走勢: one figure per month
    policy_since: date | None = None
    policy_until: date | None = None
    topic: str = ""  # policy topic phrase, as typed
    unsupported: str = ""  # a metric we recognise but do not hold (GDP, 匯率, tariffs…)


def language(text: str) -> Literal["zh", "en"]:
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def _has(text: str, *words: str) -> bool:
    low = text.lower()
    return any(w.lower() in low for w in words)


def find_countries(text: str) -> list[str]:
    """Resolve keys of the countries mentioned, in order, each once."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias, key in COUNTRY_ALIASES:
        pattern = re.escape(alias)
        if re.match(r"[A-Za-z]", alias):
            pattern = r"(?<![A-Za-z])" + pattern + r"(?![A-Za-z])"
            flags = re.IGNORECASE if len(alias) > 3 else 0
        else:
            flags = 0
        for m in re.finditer(pattern, text, flags):
            start, end = m.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if alias in _SHORT and not _short_alias_ok(text, start):
                continue
            taken.append((start, end))
            found.append((start, key))
    ordered: list[str] = []
    for _, key in sorted(found):
        if key not in ordered:
            ordered.append(key)
    return ordered


def _short_alias_ok(text: str, pos: int) -> bool:
    """A one-character alias counts only in trade phrasing: 對台、美台、中日、台美…"""
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos + 1] if pos + 1 < len(text) else ""
    pair_chars = {a for a in _SHORT}
    if before in "對对與与和跟" or after in "方國国":
        return True
    if before in pair_chars or after in pair_chars:
        return True
    return after in "貿贸出進进逆順顺"


def find_codes(text: str) -> list[str]:
    return [m.group(1) for m in _CODE.finditer(text) if not 1990 <= int(m.group(1)) <= 2100]


def parse_period(text: str) -> PeriodSpec:
    low = text.lower()
    spec = PeriodSpec()
    if _has(text, "上個月", "上个月", "last month", "最新一個月", "最新一个月", "latest month", "最近一個月",
            "最近一个月", "most recent month"):
        spec.latest_month = True
    if _has(text, "全年", "full year", "full-year", "whole year", "整年", "calendar year"):
        spec.full_year = True
    spec.relative_year = _relative_year(text)
    # "compared with the same months of 2024" / 「比 2024 年同期」: 2024 is the base, the question is about the next year.
    base = _BASE_YEAR.search(text)
    if base:
        text = text[:base.start(1)] + text[base.end(1):]
        rest = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
        if not rest:
            spec.year = int(base.group(1)) + 1
            return spec
    m = re.search(r"((?:19|20)\d{2})\s*年?\s*(\d{1,2})\s*月?" + _DASH + r"(\d{1,2})\s*月", text)
    if m:
        spec.year, spec.month_from, spec.month_to = int(m[1]), int(m[2]), int(m[3])
        return spec
    m = re.search(_MON + _DASH + _MON + r"\s*,?\s*((?:19|20)\d{2})", low)
    if m:
        spec.month_from, spec.month_to, spec.year = _MONTHS_EN[m[1]], _MONTHS_EN[m[2]], int(m[3])
        return spec
    m = re.search(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*(?:到|至|-|–))", text)
    if m:
        spec.year, spec.month_from, spec.month_to = int(m[1]), int(m[2]), int(m[2])
        return spec
    m = re.search(r"(?<![a-z])" + _MON + r"\s*,?\s*((?:19|20)\d{2})", low)
    if m and not re.search(r"(?:first|前)\s*\w+\s*" + _MON, low):
        spec.month_from = spec.month_to = _MONTHS_EN[m[1]]
        spec.year = int(m[2])
        return spec
    m = re.search(r"((?:19|20)\d{2})\s*[-/]\s*(\d{1,2})(?!\d)", text)
    if m and 1 <= int(m[2]) <= 12:
        spec.year, spec.month_from, spec.month_to = int(m[1]), int(m[2]), int(m[2])
        return spec
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)]
    if years:
        spec.year = years[0]
    part = _part_of_year(text)
    if part is not None:
        spec.month_from, spec.month_to = part
        return spec
    m = re.search(r"(?<!\d)(\d{1,2})\s*月?" + _DASH + r"(\d{1,2})\s*月", text)
    if m:
        spec.month_from, spec.month_to = int(m[1]), int(m[2])
        return spec
    m = re.search(r"前\s*([0-9一二兩两三四五六七八九十]+)\s*(?:個|个)?\s*月", text) or re.search(
        r"first\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+months", low)
    if m:
        n = _EN_NUM.get(m[1]) if m[1].isascii() and m[1].isalpha() else zh_number(m[1])
        if n:
            spec.month_from, spec.month_to = 1, n
        return spec
    m = re.search(_MON + _DASH + _MON, low)
    if m:
        spec.month_from, spec.month_to = _MONTHS_EN[m[1]], _MONTHS_EN[m[2]]
        return spec
    m = re.search(r"(?<![\d年])(\d{1,2})\s*月(?!份?\s*(?:到|至))", text) or re.search(
        r"(?<![a-z])" + _MON + r"(?![a-z])", low)
    if m and not (m[1].isdigit() and not 1 <= int(m[1]) <= 12):
        spec.month_from = spec.month_to = int(m[1]) if m[1].isdigit() else _MONTHS_EN[m[1][:3]]
    return spec


_BASE_YEAR = re.compile(r"(?:compared (?:with|to)|than|vs\.?|versus|比|較|较|相比)[^0-9]{0,30}?((?:19|20)\d{2})"
                        r"(?!\s*年?\s*\d{1,2}\s*(?:月|[-–—~到至]))", re.IGNORECASE)
_COMPARE_LAST = re.compile(r"(?:比|較|较|than|from|vs\.?|versus|compared (?:with|to))\s*(?:去年|上年|last year)|"
                           r"(?:去年|上年)\s*同期|same (?:period|months?) (?:of )?last year", re.IGNORECASE)


def _relative_year(text: str) -> int | None:
    """今年/this year → 0, 去年/last year → -1, 前年 → -2; a comparison 「比去年」 is not a period."""
    cleaned = _COMPARE_LAST.sub(" ", text)
    low = cleaned.lower()
    if "前年" in cleaned or "the year before last" in low:
        return -2
    if "去年" in cleaned or "上年" in cleaned or "last year" in low:
        return -1
    if "今年" in cleaned or "本年" in cleaned or "this year" in low:
        return 0
    return None


_QUARTER = re.compile(r"第\s*([一二三四1-4])\s*季|([一二三四1-4])\s*季度|\bQ([1-4])\b|"
                      r"\b(first|second|third|fourth)\s+quarter\b", re.IGNORECASE)
_Q_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}


def _part_of_year(text: str) -> tuple[int, int] | None:
    """Quarters (第一季, Q1, first quarter) and halves (上半年, H1, first half) as month ranges."""
    m = _QUARTER.search(text)
    if m:
        raw = next(g for g in m.groups() if g)
        n = int(raw) if raw.isdigit() else _Q_NUM[raw.lower()]
        return 3 * n - 2, 3 * n
    if re.search(r"上半年|\bH1\b|first half", text, re.IGNORECASE):
        return 1, 6
    if re.search(r"下半年|\bH2\b|second half", text, re.IGNORECASE):
        return 7, 12
    return None


_EN_NUM = {w: i + 1 for i, w in enumerate(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])}

_POLICY_WORDS = ("mofcom", "商務部", "商务部", "公告", "announce", "announcement", "export control", "出口管制",
                 "管制", "稀土", "rare earth", "不可靠實體", "不可靠实体", "unreliable entity", "entity list", "政策",
                 "policy", "policies", "regulation", "法規", "法规", "反制", "countermeasure", "sanction", "制裁",
                 "兩用物項", "两用物项", "dual-use", "dual use", "清單", "清单", "記者問", "记者问", "發言人",
                 "发言人", "spokesperson", "安世", "nexperia", "管控")
#: The US side of export control, which the policy words above (MOFCOM's vocabulary) miss: "What did BIS
#: change for drone exports?" was taken for a trade question. BIS and EAR only as capitalised words.
_REGISTER_WORDS = re.compile(r"\b(?:BIS|EAR)\b|(?i:federal register|bureau of industry|export administration|"
                             r"聯邦公報|联邦公报|產業安全局|产业安全局|出口許可|出口许可)")
_QUALITY_WORDS = ("偏少", "太少", "為什麼少", "为什么少", "覆蓋", "覆盖", "品質", "质量", "可信", "合成", "synthetic",
                  "coverage", "quality", "so few", "too few", "reliable", "缺漏", "缺少", "不完整", "incomplete",
                  "夥伴數", "伙伴数", "thin", "sparse", "so little", "partner count", "row cap", "500", "數據為什麼", "数据为什么", "data flag",
                  "caveat", "注意事項", "注意事项", "限制")
_UNSUPPORTED = (
    ("gdp", "GDP"), ("國內生產毛額", "GDP"), ("国内生产总值", "GDP"), ("匯率", "匯率"), ("汇率", "匯率"),
    ("exchange rate", "匯率"), ("失業", "失業率"), ("失业", "失業率"), ("unemployment", "失業率"),
    ("inflation", "通膨"), ("通膨", "通膨"), ("通胀", "通膨"), ("cpi", "CPI"), ("股價", "股價"), ("股价", "股價"),
    ("stock", "股價"), ("服務貿易", "服務貿易"), ("服务贸易", "服務貿易"), ("services trade", "服務貿易"),
    ("trade in services", "服務貿易"), ("關稅稅率", "關稅稅率"), ("关税税率", "關稅稅率"), ("tariff rate", "關稅稅率"),
    ("人口", "人口"), ("population", "人口"), ("薪資", "薪資"), ("薪资", "薪資"), ("工資", "薪資"), ("工资", "薪資"),
    ("wage", "薪資"), ("salary", "薪資"), ("房價", "房價"), ("房价", "房價"), ("house price", "房價"), ("利率", "利率"), ("interest rate", "利率"),
    ("晶片出口", "商品別細項"), ("芯片出口", "商品別細項"), ("半導體出口", "商品別細項"), ("半导体出口", "商品別細項"),
    ("semiconductor", "商品別細項"), ("chips", "商品別細項"), ("hs code", "商品別細項"), ("汽車出口", "商品別細項"),
    ("汽车出口", "商品別細項"), ("forecast", "預測"), ("預測", "預測"), ("预测", "預測"), ("明年", "預測"),
    ("next year", "預測"), ("will be", "預測"), ("本週", "週度或每日數據"), ("本周", "週度或每日數據"),
    ("this week", "週度或每日數據"), ("上週", "週度或每日數據"), ("上周", "週度或每日數據"),
    ("last week", "週度或每日數據"), ("weekly", "週度或每日數據"), ("每週", "週度或每日數據"),
    ("每周", "週度或每日數據"), ("今天", "週度或每日數據"), ("昨天", "週度或每日數據"), ("today", "週度或每日數據"),
    ("daily", "週度或每日數據"), ("每日", "週度或每日數據"),
)


def parse_metric(text: str) -> tuple[Metric | None, bool]:
    """The metric asked for and whether the user asked for top partners."""
    top = _has(text, "最大市場", "最大市场", "前三大", "前五大", "主要市場", "主要市场", "top partner", "top market",
               "largest market", "biggest market", "main market", "top 3", "top three", "top five", "哪些市場",
               "哪些市场", "最大的市場", "最大的市场", "最大貿易夥伴", "最大贸易伙伴", "largest partner",
               "which markets", "which partners", "主要來自", "主要来自", "來自哪", "来自哪", "哪裡", "哪里",
               "where do", "where does", "come from", "最大出口市場", "最大出口市场", "最大進口來源", "最大进口来源",
               "主要來源", "主要来源", "main source", "largest source")
    if re.search(r"\b(?:top|largest|biggest|main|leading)\b.{0,20}\b(?:markets?|partners?|destinations?|sources?)\b",
                 text, re.IGNORECASE) or re.search(r"最大的?(?:出口|進口|进口)?(?:市場|市场|來源|来源|夥伴|伙伴)", text):
        top = True
    if _has(text, "集中", "hhi", "赫芬達爾", "赫芬达尔", "herfindahl", "concentrat", "分散", "diversif"):
        return "concentration", True
    if _has(text, "最小", "最低", "lowest", "smallest", "least") and _has(
            text, "月", "month", "哪個月", "哪个月", "when"):
        return "extreme", top
    if _has(text, "哪個月", "哪个月", "哪一個月", "哪一个月", "最高的月", "最大的月", "月份最", "峰值", "高峰", "record",
            "highest month", "which month", "peak", "單月最", "单月最", "largest monthly", "biggest monthly",
            "worst month", "最大單月", "最大单月", "歷史新高", "历史新高"):
        return "extreme", top
    if _has(text, "逆差", "順差", "顺差", "差額", "差额", "貿易平衡", "贸易平衡", "deficit", "surplus", "balance",
            "gap"):
        return "balance", top
    if _has(text, "出口", "export", "輸出", "输出", "賣給", "卖给", "sell", "sold"):
        return "exports", top
    if _has(text, "進口", "进口", "import", "輸入", "输入", "買", "买", "buy", "bought", "來源", "来源"):
        return "imports", top
    if _has(text, "貿易額", "贸易额", "貿易總額", "贸易总额", "trade volume", "total trade", "貿易量", "贸易量"):
        return "total", top
    return None, top


def parse_policy_window(text: str, period: PeriodSpec) -> tuple[date | None, date | None]:
    if period.year is None:
        return None, None
    if period.month_from is None:
        return date(period.year, 1, 1), date(period.year, 12, 31)
    end_month = period.month_to or period.month_from
    nxt = date(period.year + (end_month == 12), end_month % 12 + 1, 1)
    return date(period.year, period.month_from, 1), date.fromordinal(nxt.toordinal() - 1)


def parse_topic(text: str) -> str:
    """The policy topic phrase: 「關於稀土的公告」→ 稀土, "about rare earths" → rare earths."""
    m = re.search(r"(?:關於|关于|有關|有关|涉及|針對|针对)\s*([^，。？?的]{1,20}?)\s*(?:的|之|方面|有|，|。|？|\?|$)",
                  text)
    if m:
        return m[1].strip()
    m = re.search(r"\b(?:about|on|regarding|concerning)\s+([a-z][a-z\- ]{1,40}?)(?:\s+(?:in|during|since|from|"
                  r"between|for|at|on|before|after)\b|[?.!,]|$)", text, re.IGNORECASE)
    if m:
        return m[1].strip()
    return ""


def parse(text: str) -> Query:
    """Parse one question. Never raises: what is not understood becomes ``intent='unknown'``."""
    clean = text.strip()
    lang = language(clean)
    period = parse_period(clean)
    metric, top = parse_metric(clean)
    countries = find_countries(clean)
    codes = find_codes(clean)
    yoy = _has(clean, "去年同期", "前一年同期", "上年同期", "同期", "同比", "年增", "年減", "年减", "比前一年", "比去年",
               "較去年", "较去年", "增加多少", "增長多少", "增长多少", "減少多少", "减少多少", "成長", "成长", "變化",
               "变化", "year over year", "year-over-year", "yoy", "y/y", "compared with", "compared to",
               "versus", " vs", "change from", "growth", "grow", "increase", "decrease", "比前一年")
    rank = _has(clean, "哪個國家", "哪个国家", "哪一國", "哪一国", "哪個夥伴", "哪个伙伴", "哪些國家", "哪些国家", "排名",
                "排行", "which country", "which partner", "which countries", "rank", "largest partner",
                "biggest partner", "最大的逆差來源", "最大的逆差来源", "逆差最大的國家", "逆差最大的国家")
    series = metric != "extreme" and _has(clean, "每月", "逐月", "每個月", "每个月", "月度走勢", "月度走势", "走勢",
                                          "走势", "趨勢", "趋势", "monthly", "each month", "month by month",
                                          "by month", "trend")
    unsupported = next((label for word, label in _UNSUPPORTED if word in clean.lower()), "")
    is_policy = _has(clean, *_POLICY_WORDS) and metric not in ("balance", "concentration", "extreme")
    if _has(clean, "export control", "出口管制", "管制") or _REGISTER_WORDS.search(clean):
        is_policy = True
    if is_policy and not unsupported:
        intent: Intent = "policy"
    elif _has(clean, *_QUALITY_WORDS):
        intent = "quality"
        metric = "quality"
    elif metric is not None or unsupported:
        intent = "trade"
    elif countries or codes:
        intent = "trade"
    else:
        intent = "unknown"
    since, until = parse_policy_window(clean, period) if intent == "policy" else (None, None)
    return Query(text=clean, lang=lang, intent=intent, metric=metric, countries=countries, codes=codes,
                 period=period, yoy=yoy, top=top, rank=rank, series=series, policy_since=since, policy_until=until,
                 topic=parse_topic(clean) if intent == "policy" else "", unsupported=unsupported)
