"""Gather a monthly report's inputs from the store: the fact sheet of the month's last week, World Bank facts, documents.

Why here: the section builders stay pure; this is the one place that reads the store for them.
"""

from __future__ import annotations

from agent.config import Settings
from agent.reports.corpus import report_docs
from agent.reports.policy_tracker import Month
from agent.reports.supply_chain import SupplyChainInputs
from tools.facts.build import build_fact_sheet
from tools.facts.monthly_facts import derived_facts
from tools.facts.registry import Producers
from tools.store import Store


def month_week(month: Month) -> str:
    """ISO week holding the month's last day: its fact sheet sees exactly the data released by then."""
    year, week, _ = month.last.isocalendar()
    return f"{year}-W{week:02d}"


def supply_chain_inputs(settings: Settings, month: Month) -> SupplyChainInputs:
    store = Store(settings.data_dir)
    sheet = build_fact_sheet(store, month_week(month))
    census = store.census_monthly()
    hs = store.census_hs("HS2")
    return SupplyChainInputs(month=month, sheet=sheet, census=census,
                             worldbank=Producers.from_store(store).get("worldbank").sheet(), docs=report_docs(settings),
                             hs=hs, extra=derived_facts(sheet, census, hs))
