"""Revisions between stored Census vintages, told apart from rounding.

Why: the Census country pages publish US$ millions to one decimal while the API answers in
whole dollars, so a month read from both differs by up to US$ 50,000 without anything having
been revised. A difference counts as a revision only when it exceeds half the publication
unit of the coarser vintage; the unit of a vintage is the coarsest power of ten that divides
every value it holds (0.1 M = 100,000 for the pages, 1 for the API).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

_UNITS = (1_000_000.0, 100_000.0, 10_000.0, 1_000.0, 100.0, 10.0, 1.0)


def publication_unit(values: pd.Series) -> float:
    """The coarsest power of ten (up to a million) that divides every value."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    for unit in _UNITS:
        if ((v / unit).round() * unit == v).all():
            return unit
    return 1.0


@dataclass(frozen=True)
class RevisionSummary:
    """How many (country, month, flow) cells changed between vintages, and how many were real revisions."""

    differing: int  # cells whose stored values differ at all
    revised: int  # cells that differ by more than rounding
    max_abs_revision: float  # largest |new − old| among the revised cells (0 when none)
    max_abs_difference: float  # largest |new − old| among all differing cells
    rounding_usd: float  # half the coarser publication unit: differences up to this are rounding
    periods: tuple[str, ...]  # months with at least one revised cell
    revised_rows: pd.DataFrame  # the revised cells (rows of census_revisions())


def summarise(revisions: pd.DataFrame) -> RevisionSummary:
    """Split ``census_revisions()`` rows into rounding differences and revisions."""
    rev = revisions.dropna(subset=["old_value", "new_value"])
    if rev.empty:
        return RevisionSummary(0, 0, 0.0, 0.0, 0.0, (), rev)
    units: dict[str, float] = {}
    for col, vintage in (("old_value", "old_vintage"), ("new_value", "new_vintage")):
        for v, group in rev.groupby(vintage):
            units[str(v)] = max(units.get(str(v), 1.0), publication_unit(group[col]))
    old_unit = rev["old_vintage"].astype(str).map(units)
    new_unit = rev["new_vintage"].astype(str).map(units)
    tolerance = old_unit.where(old_unit > new_unit, new_unit) / 2.0
    diff = (rev["new_value"] - rev["old_value"]).abs()
    real = rev[diff > tolerance]
    return RevisionSummary(
        differing=len(rev),
        revised=len(real),
        max_abs_revision=float(diff[diff > tolerance].max()) if len(real) else 0.0,
        max_abs_difference=float(diff.max()),
        rounding_usd=float(tolerance.max()),
        periods=tuple(sorted(set(real["period"].astype(str).unique()))),
        revised_rows=real.reset_index(drop=True),
    )
