"""The Census facts beyond the partner totals: what drove the change, shares of all US trade, mirror, revisions.

Why one entry point: ``build_fact_sheet`` adds these with one call, so the fact registry can
adopt them as one producer; each part lives in its own module and says what it cannot say
(commodity detail that stops earlier, no total row, a partner source that is absent).
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from tools.countries import name_zh
from tools.facts.census_context_facts import revision_facts, world_share_facts
from tools.facts.census_hs_facts import hs_facts
from tools.facts.model import Fact, QualityFlag, SourceRef
from tools.facts.taiwan_mirror_facts import taiwan_mirror_facts
from tools.metrics.world import partners_only
from tools.sources import taiwan_mof

_HS_CACHE: dict[tuple[str, int, int], pd.DataFrame] = {}


def stored_hs(store: Any) -> pd.DataFrame:
    """The store's HS detail, read once per process while the store file is unchanged (a draft builds
    this week's and last week's sheets from the same store)."""
    reader = getattr(store, "census_hs", None)
    if reader is None:
        return pd.DataFrame()
    path = getattr(store, "db_path", None)
    try:
        st = os.stat(path) if path else None
    except OSError:
        st = None
    if st is None:
        return pd.DataFrame(reader("HS2"))
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _HS_CACHE:
        _HS_CACHE.clear()
        _HS_CACHE[key] = reader("HS2")
    return _HS_CACHE[key]


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
        res = hs_facts(hs, cutoff, partners=sorted(names))
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
