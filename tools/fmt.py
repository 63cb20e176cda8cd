"""zh-Hant number formatting: the one place that decides how a figure is written.

Why one module: the verifier accepts a number in prose only if it is a display form of a
cited fact. If the table renderer, the narrator and the fact sheet each rounded on their
own, a correct sentence would fail verification (or a wrong one pass). So every display
string — and every *accepted variant* of it (``usd_forms``) — is produced here.

Rules
- USD: below 1 兆 (10^12) in 億 (10^8) with thousands separators — whole 億 from 10 億 up,
  one decimal from 1 to 10 億, 萬 below 1 億; from 1 兆 up in 兆 with two decimals.
  ``usd(126_859_600_000) == 'USD 1,269 億'``, ``usd(1.03e12) == 'USD 1.03 兆'``.
- Percentages: one decimal (``88.7%``); changes carry a sign (``+88.7%``).
- Index values (HHI): whole numbers with separators (``1,183``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

YI = 1e8  # 億
ZHAO = 1e12  # 兆
WAN = 1e4  # 萬


def _round_half_up(x: float, ndigits: int = 0) -> Decimal:
    """Round like a person does (0.5 up), not banker's rounding, so 88.65 -> 88.7.

    The exact decimal path (via the float's shortest repr) is only taken near a half, where
    binary floats would mislead; elsewhere plain float rounding is exact enough and fast.
    """
    scaled = abs(x) * 10.0**ndigits
    frac = scaled - math.floor(scaled)
    if scaled < 1e9 and abs(frac - 0.5) > 1e-6:
        n = math.floor(scaled + 0.5)
        return Decimal(-n if x < 0 else n).scaleb(-ndigits)
    q = Decimal(1).scaleb(-ndigits)
    return Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP)


def _num(x: float, ndigits: int, sep: bool = True) -> str:
    """``x`` rounded half-up to ``ndigits`` decimals, with thousands separators; never '-0'."""
    scaled = abs(x) * 10.0**ndigits
    if scaled < 1e9 and abs(scaled - math.floor(scaled) - 0.5) > 1e-6:  # fast path, away from a half
        n = int(scaled + 0.5)
        ip, fp = divmod(n, 10**ndigits)
        body = f"{ip:,}" if sep else str(ip)
        if ndigits:
            body += "." + str(fp).zfill(ndigits)
        return "-" + body if x < 0 and n else body
    d = _round_half_up(x, ndigits)
    if d == 0:
        d = abs(d)
    return f"{d:,.{ndigits}f}" if sep else f"{d:.{ndigits}f}"


def _usd_parts(value: float) -> tuple[str, str]:
    """(number, unit) for the primary display of a USD amount.

    Thresholds are on the *rounded* figure, so 9,999.6 億 shows as 1.00 兆, never 10,000 億.
    """
    a = abs(value)
    sign = "-" if value < 0 else ""
    if a >= 9_999.5 * YI:
        return sign + _num(a / ZHAO, 2), "兆"
    if a >= 9.95 * YI:
        return sign + _num(a / YI, 0), "億"
    if a >= 9_999.5 * WAN:
        return sign + _num(a / YI, 1), "億"
    n = _num(a / WAN, 0)
    return (sign + n if n != "0" else n), "萬"


def usd(value: float) -> str:
    """Primary display of a USD amount given in whole dollars: 'USD 1,269 億', 'USD 1.03 兆'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    num, unit = _usd_parts(value)
    return f"USD {num} {unit}"


def usd_forms(value: float) -> list[str]:
    """Every display form a writer may legitimately use for ``value`` (USD, whole dollars).

    Includes the primary form, its '億美元'/'US$' spellings, with and without thousands
    separators and the space before the unit, the magnitude without sign (prose says
    '逆差 1,269 億'), a one-decimal 億 form, and the 億 form of amounts shown in 兆.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    numbers: list[tuple[str, str]] = []
    for v in (value, abs(value)) if value < 0 else (value,):
        num, unit = _usd_parts(v)
        numbers.append((num, unit))
        a, sign = abs(v), ("-" if v < 0 else "")
        if unit == "兆":
            numbers.append((sign + _num(a / YI, 0), "億"))
        elif unit == "億":
            decimals = 1 if "." not in num else 2
            numbers.append((sign + _num(a / YI, decimals), "億"))
    out: list[str] = []
    for num, unit in numbers:
        plain = num.replace(",", "")
        out += [f"USD {num} {unit}", f"{num} {unit}美元", f"{num} {unit}", f"{num}{unit}", f"US${num} {unit}"]
        if plain != num:
            out += [f"USD {plain} {unit}", f"{plain} {unit}美元", f"{plain} {unit}", f"{plain}{unit}"]
    return list(dict.fromkeys(out))


def pct(value: float, ndigits: int = 1) -> str:
    """A share or level in percent: pct(88.66) -> '88.7%'."""
    if value is None or math.isnan(value):
        return "—"
    return f"{_num(value, ndigits)}%"


def signed_pct(value: float, ndigits: int = 1) -> str:
    """A change in percent with its sign: signed_pct(88.66) -> '+88.7%', (-36.04) -> '-36.0%'."""
    if value is None or math.isnan(value):
        return "—"
    s = _num(value, ndigits)
    if s.startswith("-") or _round_half_up(value, ndigits) == 0:
        return f"{s}%"
    return f"+{s}%"


def pct_forms(value: float, *, signed: bool = False) -> list[str]:
    """Accepted forms of a percentage: '88.7%', the two-decimal '88.66%', and for a change
    its signed form ('+88.7%') plus the magnitude (prose says '擴大 88.7%').

    Spacing and full-width '％' are the verifier's business (it folds them), not new forms.
    """
    if value is None or math.isnan(value):
        return []
    if signed:
        return list(dict.fromkeys([signed_pct(value), signed_pct(value, 2), pct(abs(value)), pct(abs(value), 2)]))
    return list(dict.fromkeys([pct(value), pct(value, 2)]))


def pp(value: float) -> str:
    """A change in percentage points: '+1.2 個百分點'."""
    s = signed_pct(value).rstrip("%")
    return f"{s} 個百分點"


def index(value: float) -> str:
    """An index value (HHI): whole number with separators, '1,183'."""
    if value is None or math.isnan(value):
        return "—"
    return _num(value, 0)


def index_forms(value: float) -> list[str]:
    if value is None or math.isnan(value):
        return []
    forms = [index(value), _num(value, 0, sep=False), _num(value, 1), _num(value, 1, sep=False),
             _num(value, 2), _num(value, 2, sep=False)]
    return list(dict.fromkeys(forms))


def count(value: float) -> str:
    return _num(value, 0)


def count_forms(value: float) -> list[str]:
    n = count(value)
    return list(dict.fromkeys([n, n.replace(",", ""), f"{n} 個", f"{n}個"]))


Kind = Literal["balance", "flow"]


def direction_word(change: float, kind: Kind = "flow") -> str:
    """The zh-Hant word for a change: 擴大/收窄 for a balance's magnitude, 增長/減少 for a flow."""
    if change is None or math.isnan(change) or change == 0:
        return "持平"
    if kind == "balance":
        return "擴大" if change > 0 else "收窄"
    return "增長" if change > 0 else "減少"


def balance_word(value: float) -> str:
    """順差 for exports > imports, 逆差 for the opposite (balance = exports − imports)."""
    if value is None or math.isnan(value) or value == 0:
        return "平衡"
    return "順差" if value > 0 else "逆差"


# --- English forms (answers to English questions) -----------------------------------------------
BILLION = 1e9
MILLION = 1e6
TRILLION = 1e12
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def _usd_en_parts(value: float) -> tuple[str, str]:
    """(number, scale word) for an English USD amount: trillions with two decimals, billions and
    millions with one; thresholds on the rounded figure (999.96 billion shows as 1.00 trillion, never 1,000.0 billion)."""
    a = abs(value)
    sign = "-" if value < 0 else ""
    if a >= 999.95 * BILLION:
        return sign + _num(a / TRILLION, 2), "trillion"
    if a >= 999.95 * MILLION:
        return sign + _num(a / BILLION, 1), "billion"
    n = _num(a / MILLION, 1)
    return (sign + n if n != "0.0" else n), "million"


def usd_en(value: float) -> str:
    """Primary English display of a USD amount: 'USD 126.9 billion', 'USD 1.03 trillion', 'USD 845.2 million'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    num, word = _usd_en_parts(value)
    return f"USD {num} {word}"


def usd_en_forms(value: float) -> list[str]:
    """Every English form a writer may use for ``value``: the primary form, its magnitude (prose says
    'a deficit of USD 126.9 billion'), 'US$'/'$' spellings and the two-decimal billion form."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    out: list[str] = []
    for v in (value, abs(value)) if value < 0 else (value,):
        num, word = _usd_en_parts(v)
        nums = [(num, word)]
        if word == "billion":
            nums.append((_num(v / BILLION, 2), word))
        for n, w in nums:
            out += [f"USD {n} {w}", f"US${n} {w}", f"${n} {w}", f"{n} {w}"]
    return list(dict.fromkeys(out))


def period_en(start: str, end: str) -> str:
    """An English period of months: '2025-01','2025-11' → 'January–November 2025'; one month →
    'October 2025'; Jan–Dec → 'full-year 2024'; across years → 'March 2024–February 2025'."""
    y1, m1 = (int(p) for p in start.split("-"))
    y2, m2 = (int(p) for p in end.split("-"))
    if (y1, m1) == (y2, m2):
        return f"{MONTHS_EN[m1 - 1]} {y1}"
    if y1 == y2 and m1 == 1 and m2 == 12:
        return f"full-year {y1}"
    if y1 == y2:
        return f"{MONTHS_EN[m1 - 1]}–{MONTHS_EN[m2 - 1]} {y1}"
    return f"{MONTHS_EN[m1 - 1]} {y1}–{MONTHS_EN[m2 - 1]} {y2}"
