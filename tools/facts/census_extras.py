"""The Census facts beyond the partner totals: what drove the change, shares of all US trade, mirror, revisions.

Why one entry point: ``build_fact_sheet`` adds these with one call, so the fact registry can
adopt them as one producer; each part lives in its own module and says what it cannot say
(commodity detail that stops earlier, no total row, a partner source that is absent).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tools.countries import name_zh
from tools.facts.census_context_facts import revision_facts, world_share_facts
from tools.facts.census_hs_facts import HsResult, coverage_flag, hs_facts
from tools.facts.model import Fact, QualityFlag, SourceRef
from tools.facts.registry import content_key
from tools.facts.taiwan_mirror_facts import taiwan_mirror_facts
from tools.metrics.world import partners_only
from tools.sources import taiwan_mof

#: (stored content, last HS month used, partners) -> the contribution facts (same for every week past that month)
_HS_FACTS: dict[tuple[object, ...], HsResult] = {}


def stored_hs(store: Any) -> pd.DataFrame:
    """The store's HS2 detail (a store without an HS table, such as a test's stand-in, has none)."""
    reader = getattr(store, "census_hs", None)
    return pd.DataFrame(reader("HS2")) if reader is not None else pd.DataFrame()


def contribution_facts(hs: pd.DataFrame, cutoff: str, partners: list[str], content: object = None) -> HsResult:
    """``hs_facts`` for the week's cut-off; weeks past the last HS month share one computation (a draft
    builds this week's and last week's sheets), and only the coverage flag names the week's own cut-off.
    ``content`` identifies the stored content ``hs`` was read from (None: compute, do not remember)."""
    periods = hs["period"][hs["period"] <= cutoff]
    if periods.empty:
        return HsResult()
    last = str(periods.max())
    key = (content, last, tuple(partners))
    cached = _HS_FACTS.get(key) if content is not None else None
    if cached is None:
        cached = hs_facts(hs, last, partners=partners)
        if content is not None:
            _HS_FACTS.clear()  # one store's answer is kept: a process drafts from one store
            _HS_FACTS[key] = cached
    flows = set(hs.loc[hs["period"] <= last, "flow"].astype(str).unique())
    flag = coverage_flag(str(periods.min()), last, flows, cutoff)
    return HsResult(facts=[f.model_copy() for f in cached.facts], flags=[flag], drivers=dict(cached.drivers))


def census_extras(store: Any, census_all: pd.DataFrame, cutoff: str,
                  src: SourceRef | None) -> tuple[list[Fact], list[QualityFlag]]:
    """Contribution, world-share, Taiwan mirror and revision facts for the months up to ``cutoff``."""
    facts: list[Fact] = []
    flags: list[QualityFlag] = []
    census_in = census_all[census_all["period"] <= cutoff] if not census_all.empty else census_all
    partners = partners_only(census_in)
    names = {str(c): name_zh(str(c), scheme="census", fallback=str(n).title())
             for c, n in partners.drop_duplicates("cty_code").set_index("cty_code")["cty_name"].items()}
    hs = stored_hs(store)
    if not hs.empty:
        res = contribution_facts(hs, cutoff, sorted(names), content_key(store))
        facts += res.facts
        flags += res.flags
    facts += world_share_facts(census_in, cutoff, names, src)
    mf, mflags = taiwan_mirror_facts(partners, cutoff, taiwan_mof.load(), src)
    facts += mf
    flags += mflags
    rf, rflags = revision_facts(store.census_revisions(), cutoff, names, src)
    facts += rf
    flags += rflags
    return facts, flags
