"""Check that every number in a sentence is vouched for by a cited fact or a cited document.

Why so strict: the earlier pipeline's "no hallucination" was a checklist line and it
published a +72% that compared Jan–Nov with a full year. Here a number may only appear
if it is one of the display forms of a fact the sentence cites (``USD 1,269 億``,
``88.7%``), and a date or period only if it is the period of a cited fact or the date of
a cited document. A bare year next to a year-to-date figure is refused, because that is
exactly how "2025 年 1–11 月" turned into "2025 全年".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from tools import fmt
from tools.facts.model import Basis, Fact

from .tokens import Token, number_tokens, tokens_of_all

FACT_REF = re.compile(r"\{\{\s*F\s*:\s*([^{}|\s]+)\s*\}\}")


@dataclass
class _Allowed:
    """What the cited facts and documents allow a sentence to say."""

    amounts: set[str] = field(default_factory=set)
    literals: set[str] = field(default_factory=set)
    days: set[tuple[int, int, int]] = field(default_factory=set)
    months: set[tuple[int, int]] = field(default_factory=set)
    ranges: set[tuple[int, int, int, int]] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    ytd_years: set[int] = field(default_factory=set)
    year_ranges: set[tuple[int, int]] = field(default_factory=set)
    weeks: set[int] = field(default_factory=set)
    has_full_year: bool = False


def _ym(text: str) -> tuple[int, int | None] | None:
    m = re.fullmatch(r"((?:19|20)\d{2})(?:-(\d{1,2}))?", text.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None


def _add_display_token(allowed: _Allowed, tok: Token) -> None:
    if tok.kind == "amount":
        allowed.amounts.add(tok.key)
        if tok.signed:
            allowed.amounts.add(tok.key.lstrip("+-"))
    elif tok.kind in ("cn_number", "code"):
        allowed.literals.add(tok.key)
    else:
        _add_date_token(allowed, tok)


def _add_date_token(allowed: _Allowed, tok: Token) -> None:
    if tok.kind == "day" and tok.year and tok.month and tok.day:
        allowed.days.add((tok.year, tok.month, tok.day))
        allowed.months.add((tok.year, tok.month))
        allowed.years.add(tok.year)
    elif tok.kind == "month" and tok.year and tok.month:
        allowed.months.add((tok.year, tok.month))
    elif tok.kind == "month_range" and tok.year and tok.month and tok.year2 and tok.month2:
        allowed.ranges.add((tok.year, tok.month, tok.year2, tok.month2))
    elif tok.kind == "year" and tok.year:
        allowed.years.add(tok.year)
    elif tok.kind == "year_range" and tok.year and tok.year2:
        allowed.year_ranges.add((tok.year, tok.year2))
    elif tok.kind == "week" and tok.month:
        allowed.weeks.add(tok.month)
    elif tok.kind in ("amount", "cn_number", "code"):
        allowed.literals.add(tok.key)


def _add_period(allowed: _Allowed, fact: Fact) -> None:
    period = fact.period
    start, end = _ym(period.start), _ym(period.end)
    if start is None or end is None:
        return
    (y1, m1), (y2, m2) = start, end
    if m1 and m2:
        allowed.months.update({(y1, m1), (y2, m2)})
        allowed.ranges.add((y1, m1, y2, m2))
        if period.basis == Basis.YTD:
            allowed.ytd_years.update(range(y1, y2 + 1))
        elif period.basis == Basis.YEAR or (m1 == 1 and m2 == 12):
            allowed.years.update(range(y1, y2 + 1))
            allowed.has_full_year = True
        else:
            allowed.years.update(range(y1, y2 + 1))
    else:
        if y1 == y2:
            allowed.years.add(y1)
        else:
            allowed.year_ranges.add((y1, y2))
        if period.basis == Basis.YEAR:
            allowed.has_full_year = True
    for key in ("month", "year", "date"):
        value = fact.subject.get(key, "")
        parsed = _ym(value)
        if parsed and parsed[1]:
            allowed.months.add((parsed[0], parsed[1]))
        elif parsed:
            allowed.years.add(parsed[0])
        elif value:
            for tok in number_tokens(value):
                _add_date_token(allowed, tok)


def _english_forms(fact: Fact) -> list[str]:
    """The English display forms of a USD fact (``USD 126.9 billion``): an English answer cites the same
    fact as a zh-Hant one, so its English spelling is vouched for by the same value, via ``tools.fmt``."""
    if fact.unit != "USD" or fact.value is None:
        return []
    return fmt.usd_en_forms(fact.value)


_EN_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_EN_RANGE_2Y = re.compile(rf"{_EN_MONTH}\s+((?:19|20)\d{{2}})\s*[–—-]\s*{_EN_MONTH}\s+((?:19|20)\d{{2}})")
_EN_RANGE = re.compile(rf"{_EN_MONTH}\s*[–—-]\s*{_EN_MONTH},?\s+((?:19|20)\d{{2}})")
_EN_ONE = re.compile(rf"{_EN_MONTH},?\s+((?:19|20)\d{{2}})")


def english_periods(text: str) -> str:
    """'January–November 2025' → '2025-01–2025-11', 'October 2025' → '2025-10' (the forms ``tools.fmt.period_en``
    writes), so an English period is checked against the cited facts' periods like an ISO one."""
    def num(name: str) -> int:
        return fmt.MONTHS_EN.index(name) + 1
    text = _EN_RANGE_2Y.sub(lambda m: f"{m[2]}-{num(m[1]):02d}–{m[4]}-{num(m[3]):02d}", text)
    text = _EN_RANGE.sub(lambda m: f"{m[3]}-{num(m[1]):02d}–{m[3]}-{num(m[2]):02d}", text)
    return _EN_ONE.sub(lambda m: f"{m[2]}-{num(m[1]):02d}", text)


def allowed_for(facts: Iterable[Fact], doc_dates: Iterable[str | date] = ()) -> _Allowed:
    """Collect every display form and date the cited facts/documents allow."""
    allowed = _Allowed()
    displays: list[str] = []
    labels: list[str] = []
    for fact in facts:
        displays += [fact.display, *fact.displays, *_english_forms(fact)]
        _add_period(allowed, fact)
        labels.append(fact.period.label_zh)
    for tok in tokens_of_all(displays):
        _add_display_token(allowed, tok)
    for tok in tokens_of_all(labels):
        _add_date_token(allowed, tok)
    for raw in doc_dates:
        text = raw.isoformat()[:10] if isinstance(raw, (date, datetime)) else str(raw)
        for tok in number_tokens(text):
            _add_date_token(allowed, tok)
    return allowed


def _check_token(tok: Token, allowed: _Allowed, text: str) -> str | None:
    """None when ``tok`` is vouched for, else a one-line reason."""
    quoted = f"「{tok.text}」"
    if tok.kind == "amount":
        if tok.key in allowed.amounts or tok.key in allowed.literals:
            return None
        return f"數字{quoted}不是所引用數據的顯示值 (number not a cited fact's display form)"
    if tok.kind in ("cn_number", "code"):
        if tok.key in allowed.literals or tok.key in allowed.amounts:
            return None
        what = ("數字詞" if tok.text.isascii() else "中文數字") if tok.kind == "cn_number" else "代碼/數字"
        return f"{what}{quoted}無引用數據支持，請用所引用數據的顯示值 (not backed by a cited fact)"
    if tok.kind == "day":
        if tok.year is None:
            ok = any((m, d) == (tok.month, tok.day) for _, m, d in allowed.days)
        else:
            ok = (tok.year, tok.month, tok.day) in allowed.days
        return None if ok else f"日期{quoted}不是所引用數據或文件的日期 (date not of a cited fact/doc)"
    if tok.kind == "month":
        if tok.year is None:
            ok = any(m == tok.month for _, m in allowed.months)
        else:
            ok = (tok.year, tok.month) in allowed.months
        return None if ok else f"月份{quoted}不是所引用數據的期間 (month not of a cited fact/doc)"
    if tok.kind == "month_range":
        if tok.year is None:
            ok = any((m1, m2) == (tok.month, tok.month2) and y1 == y2 for y1, m1, y2, m2 in allowed.ranges)
        else:
            ok = (tok.year, tok.month, tok.year2, tok.month2) in allowed.ranges
        return None if ok else f"期間{quoted}與所引用數據的期間不符 (period not of a cited fact)"
    if tok.kind == "year_range":
        ok = (tok.year, tok.year2) in allowed.year_ranges
        return None if ok else f"期間{quoted}與所引用數據的期間不符，不可把多年合計標成單一期間 (period mismatch)"
    if tok.kind == "year":
        assert tok.year is not None
        if tok.year in allowed.years:
            return None
        if tok.year in allowed.ytd_years:
            after = text[tok.end:tok.end + 4].lstrip()
            if after.startswith("同期"):
                return None
            return (f"{quoted}未標明月份：所引用數據為年初至今的部分年度，請寫完整期間 "
                    f"(bare year for a year-to-date figure)")
        return f"年份{quoted}不是所引用數據或文件的年份 (year not of a cited fact/doc)"
    if tok.kind == "week":
        return None if tok.month in allowed.weeks else f"週次{quoted}未經引用 (week not cited)"
    return f"無法辨識的數字{quoted}"


def render_refs(text: str, facts: Iterable[Fact]) -> str:
    """Replace ``{{F:id}}`` with the fact's primary display string (unknown ids are left as-is)."""
    by_id = {f.id: f for f in facts}
    return FACT_REF.sub(lambda m: by_id[m.group(1)].display if m.group(1) in by_id else m.group(0), text)


def referenced_ids(text: str) -> list[str]:
    """Fact ids named by ``{{F:id}}`` references, in order of appearance."""
    return [m.group(1) for m in FACT_REF.finditer(text)]


def check_text(text: str, facts: Iterable[Fact], doc_dates: Iterable[str | date] = ()) -> list[str]:
    """Problems with the numbers in ``text`` given the cited ``facts`` and document dates.

    An empty list means every number-like token is a display form of a cited fact, or a
    date/period of a cited fact or document. ``{{F:id}}`` references must name a cited fact;
    they are checked as the display string they will be rendered to. ``doc_dates`` may also
    carry other strings a cited document vouches for (a notice number, the report week).
    """
    cited = list(facts)
    by_id = {f.id: f for f in cited}
    problems: list[str] = []
    for fact_id in referenced_ids(text):
        if fact_id not in by_id:
            problems.append(f"引用了未提供的數據 id「{fact_id}」 (unknown fact reference)")
    rendered = english_periods(render_refs(text, cited))
    allowed = allowed_for(cited, doc_dates)
    for tok in number_tokens(rendered):
        problem = _check_token(tok, allowed, rendered)
        if problem:
            problems.append(problem)
    if "全年" in rendered and not allowed.has_full_year and (allowed.ytd_years or cited):
        problems.append("「全年」：所引用數據不是全年數據 (full year claimed for a partial-year figure)")
    return problems
