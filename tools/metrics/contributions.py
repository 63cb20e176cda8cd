"""Contribution to change: which HS chapters account for a partner's change between two same-basis periods.

Why this shape: "imports from Taiwan rose by X" is only explained when the parts add up to X.
Both periods are summed from the same HS table (one vintage, one level), so the chapters'
changes add up exactly to the change of their total; that total is the HS table's own sum,
never the country total of another vintage. A chapter's share of the change may exceed 100 %
or be negative (other chapters fell); that is what a contribution is, not an error.

Input: rows of ``census_hs()`` for one partner, one flow and one level (columns ``commodity``,
``commodity_desc``, ``period``, ``value_usd``). The API omits cells that are zero, so a chapter
absent in a month counts as zero; a month with no rows at all is missing, and a period with a
missing month has no sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tools.metrics.census import Range, month_index, period_of


@dataclass(frozen=True)
class Contributions:
    """The change of a partner total between ``base`` and ``current``, split by commodity.

    ``table`` is indexed by commodity with columns ``desc``, ``current``, ``base``, ``change``,
    ``share_of_change`` (percent of the total change) and ``share_of_total`` (percent of the
    current total), sorted by the size of the change, largest first.
    """

    current: Range
    base: Range
    total_current: float
    total_base: float
    table: pd.DataFrame

    @property
    def total_change(self) -> float:
        return self.total_current - self.total_base


def months_of(rng: Range) -> list[str]:
    return [period_of(i) for i in range(month_index(rng.start), month_index(rng.end) + 1)]


def complete(hs: pd.DataFrame, rng: Range) -> bool:
    """Whether every month of ``rng`` has rows (a month with no row at all was never answered)."""
    have = set(hs["period"].astype(str).unique())
    return all(m in have for m in months_of(rng))


def latest_comparable(hs: pd.DataFrame, last_period: str) -> tuple[Range, Range] | None:
    """(current, base): Jan–N of the latest year with detail up to ``last_period``, and Jan–N a year earlier.

    None when either period lacks a month: the comparison is then not on the same basis.
    """
    periods = hs["period"].astype(str)
    periods = periods[periods <= last_period]
    if periods.empty:
        return None
    latest = str(periods.max())
    y, m = latest.split("-")
    current = Range(f"{y}-01", latest, "year" if m == "12" else "ytd")
    base = current.year_before()
    if not (complete(hs, current) and complete(hs, base)):
        return None
    return current, base


def contributions(hs: pd.DataFrame, current: Range, base: Range) -> Contributions:
    """Per commodity: the sums over both ranges, the change, its share of the total change and of the total."""
    periods = hs["period"].astype(str)
    values = pd.to_numeric(hs["value_usd"], errors="coerce").fillna(0.0)
    frame = pd.DataFrame({"commodity": hs["commodity"].astype(str), "value": values})
    cur = frame[(periods >= current.start) & (periods <= current.end)].groupby("commodity")["value"].sum()
    old = frame[(periods >= base.start) & (periods <= base.end)].groupby("commodity")["value"].sum()
    idx = cur.index.union(old.index)
    table = pd.DataFrame({"current": cur.reindex(idx, fill_value=0.0), "base": old.reindex(idx, fill_value=0.0)})
    descs = hs.drop_duplicates("commodity", keep="last").set_index("commodity")["commodity_desc"].astype(str)
    table.insert(0, "desc", descs.reindex(idx).fillna(""))
    table["change"] = table["current"] - table["base"]
    total_cur, total_base = float(table["current"].sum()), float(table["base"].sum())
    total_change = total_cur - total_base
    table["share_of_change"] = table["change"] / total_change * 100.0 if total_change else float("nan")
    table["share_of_total"] = table["current"] / total_cur * 100.0 if total_cur else float("nan")
    table = table.reindex(table["change"].abs().sort_values(ascending=False, kind="stable").index)
    table.index.name = "commodity"
    return Contributions(current, base, total_cur, total_base, table)


def leading(result: Contributions, n: int) -> tuple[pd.DataFrame, pd.Series]:
    """The ``n`` largest contributions and the rest folded into one row (so the table still adds up)."""
    top = result.table.head(n)
    rest = result.table.iloc[n:]
    other = pd.Series({
        "desc": "", "current": float(rest["current"].sum()), "base": float(rest["base"].sum()),
        "change": float(rest["change"].sum()),
        "share_of_change": float(rest["share_of_change"].sum()) if len(rest) else 0.0,
        "share_of_total": float(rest["share_of_total"].sum()) if len(rest) else 0.0,
    })
    return top, other
