"""Monthly bilateral series (US Census): balance, same-basis period sums, YoY, extremes.

Input frames have the store's ``census_monthly()`` shape: one row per (cty_code, period)
with ``exports_usd``/``imports_usd`` in whole USD (NaN when missing). Everything is
vectorised over countries with groupby so a full partner table costs milliseconds.

Same basis: the current period is Jan–N of the latest year (``ytd``; ``year`` when N = 12)
and the base is Jan–N of the year before. A sum counts only when every month of the range
is present; otherwise the row says how many months it had, and no YoY is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

FLOWS = ("exports", "imports", "balance")


def month_index(period: str) -> int:
    y, m = period.split("-")
    return int(y) * 12 + int(m) - 1


def period_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def with_balance(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``balance_usd`` = exports − imports (NaN when either flow is missing)."""
    out = df.copy()
    out["balance_usd"] = out["exports_usd"] - out["imports_usd"]
    return out


def up_to(df: pd.DataFrame, last_period: str) -> pd.DataFrame:
    """Rows with period ≤ ``last_period``: the data cut-off of a report week."""
    return df[df["period"] <= last_period]


@dataclass(frozen=True)
class Range:
    start: str  # 'YYYY-MM'
    end: str
    basis: str  # 'ytd' | 'year' | 'month'

    @property
    def months(self) -> int:
        return month_index(self.end) - month_index(self.start) + 1

    @property
    def key(self) -> str:
        return f"{self.start}_{self.end}"

    def year_before(self) -> Range:
        return Range(period_of(month_index(self.start) - 12), period_of(month_index(self.end) - 12), self.basis)

    @property
    def label_zh(self) -> str:
        y, m1 = self.start.split("-")
        y2, m2 = self.end.split("-")
        if y2 != y:  # a window across years (asked for in chat)
            return f"{y} 年 {int(m1)} 月–{y2} 年 {int(m2)} 月"
        if self.basis == "year":
            return f"{y} 年"
        if self.basis == "month":
            return f"{y} 年 {int(m1)} 月"
        if m1 == m2:
            return f"{y} 年 {int(m1)} 月"
        return f"{y} 年 {int(m1)}–{int(m2)} 月"


def current_range(last_period: str) -> Range:
    """Jan–N of the last month's year: a full ``year`` when N is December, else ``ytd``."""
    y, m = last_period.split("-")
    return Range(f"{y}-01", last_period, "year" if m == "12" else "ytd")


def month_range(period: str) -> Range:
    return Range(period, period, "month")


def range_sums(df: pd.DataFrame, rng: Range) -> pd.DataFrame:
    """Per country: sum of each flow over ``rng`` and the number of months present.

    Columns: ``{flow}`` (NaN unless all months of the range are present) and ``{flow}_months``.
    """
    sel = df[(df["period"] >= rng.start) & (df["period"] <= rng.end)]
    cols = [f"{f}_usd" for f in FLOWS]
    g = sel.groupby("cty_code")[cols]
    sums = g.sum(min_count=1)
    counts = g.count()
    columns: dict[str, pd.Series] = {}
    for f in FLOWS:
        n = counts[f"{f}_usd"]
        columns[f] = sums[f"{f}_usd"].where(n == rng.months)
        columns[f"{f}_months"] = n
    return pd.DataFrame(columns, index=sums.index)  # one frame, not a column at a time (a draft makes dozens)


def same_basis_yoy(df: pd.DataFrame, rng: Range) -> pd.DataFrame:
    """Per country and flow: current and base sums on the same basis, and their change.

    Columns per flow: ``{flow}_cur``, ``{flow}_base``, ``{flow}_pct`` (NaN when undefined),
    ``{flow}_flip`` (balance changed sign). For the balance the change is on the magnitude.
    """
    cur = range_sums(df, rng)
    base = range_sums(df, rng.year_before()).reindex(cur.index)
    out: dict[str, Any] = {}
    for f in FLOWS:
        c, b = cur[f], base[f]
        out[f"{f}_cur"] = c
        out[f"{f}_base"] = b
        out[f"{f}_base_months"] = base[f"{f}_months"].fillna(0).astype(int)
        if f == "balance":
            same_sign = (c * b) > 0
            pct = (c.abs() - b.abs()) / b.abs() * 100.0
            out[f"{f}_pct"] = pct.where(same_sign)
            out[f"{f}_flip"] = (c * b) < 0
        else:
            out[f"{f}_pct"] = ((c - b) / b.abs() * 100.0).where(b != 0)
            out[f"{f}_flip"] = False
    return pd.DataFrame(out, index=cur.index)


def month_indexes(periods: pd.Series) -> pd.Series:
    """Vectorised ``month_index`` of a Series of 'YYYY-MM'."""
    return periods.str.slice(0, 4).astype(int) * 12 + periods.str.slice(5, 7).astype(int) - 1


def contiguous_windows(df: pd.DataFrame, col: str = "balance_usd") -> pd.DataFrame:
    """Rows of each country's unbroken run of months (with a value in ``col``) ending at its latest month.

    Why: a stored 2023-09 followed by 2024-01… must not let us say "since 2023-09" — the
    months in between were never seen.
    """
    d = df.dropna(subset=[col]).copy()
    d["_m"] = month_indexes(d["period"].astype(str))
    d = d.sort_values(["cty_code", "_m"])
    brk = (d["_m"].diff() != 1) | (d["cty_code"] != d["cty_code"].shift())
    d["_run"] = brk.cumsum()
    last_run = d.groupby("cty_code")["_run"].transform("max")
    return d[d["_run"] == last_run].drop(columns=["_m", "_run"])


def monthly_extremes(df: pd.DataFrame, col: str = "balance_usd") -> pd.DataFrame:
    """Per country, within its contiguous window: min and max of ``col`` and their months.

    Columns: window_start, window_end, months, min_value, min_period, max_value, max_period.
    """
    w = contiguous_windows(df, col)
    cols = ["window_start", "window_end", "months", "min_value", "min_period", "max_value", "max_period"]
    if w.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="cty_code"))
    g = w.groupby("cty_code")
    imin, imax = g[col].idxmin(), g[col].idxmax()
    out = pd.DataFrame({
        "window_start": g["period"].min(),
        "window_end": g["period"].max(),
        "months": g["period"].count(),
        "min_value": w.loc[imin, col].to_numpy(),
        "min_period": w.loc[imin, "period"].to_numpy(),
        "max_value": w.loc[imax, col].to_numpy(),
        "max_period": w.loc[imax, "period"].to_numpy(),
    })
    return out[cols]


def missing_months(df: pd.DataFrame, rng: Range, flow: str = "balance") -> dict[str, list[str]]:
    """Per country, the months of ``rng`` with no value for ``flow`` (empty lists omitted)."""
    wanted = [period_of(i) for i in range(month_index(rng.start), month_index(rng.end) + 1)]
    col = f"{flow}_usd"
    sel = df[(df["period"] >= rng.start) & (df["period"] <= rng.end) & df[col].notna()]
    counts = sel.groupby("cty_code")["period"].nunique().reindex(df["cty_code"].unique(), fill_value=0)
    short = counts[counts < len(wanted)].index
    out: dict[str, list[str]] = {}
    for cty, g in sel[sel["cty_code"].isin(short)].groupby("cty_code"):
        have = set(g["period"].unique())
        gap = [p for p in wanted if p not in have]
        if gap:
            out[str(cty)] = gap
    for cty in short:
        out.setdefault(str(cty), list(wanted))
    return out
