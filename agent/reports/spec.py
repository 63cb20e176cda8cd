"""A report type as a spec, and the one registry every surface looks reports up in.

Why specs: the drafting engine, the review store, the web page, ``agent review``/``publish``
and the site all work on any report by its key (``trade-briefing/2026-W07``). What differs
between reports (period kind, file name, site section, sections with their planners and
prompts, the page template and what the page adds around the sections) is declared here
once; nothing under ``agent/review``, ``agent/web`` or ``agent/cli`` names a report.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.errors import InputError

from .periods import EXAMPLES, Period, PeriodKind, kind_of, parse_period

if TYPE_CHECKING:  # the engine's types; importing them here would pull the narrator into review
    from agent.narrate.engine import DraftContext, PageParts
    from agent.narrate.sections import SectionPlan
    from agent.sidecar import Claim

#: Modules that register the bundled reports when first asked for (kept lazy: importing a
#: report imports its planners, which the review desk and `agent --help` do not need).
BUILTIN_MODULES = ("agent.narrate.trade_briefing", "agent.reports.supply_chain_spec", "agent.reports.policy_tracker_spec")
#: The report a bare period (``2026-W07``) means, per period kind.
SHORTHAND = {"week": "trade-briefing"}


@dataclass(frozen=True)
class SectionDef:
    """One section: its planner (facts → sentence plans, paragraphs, tables) and how it is written.

    ``fewshot``: the few-shot prompt a completion-only backend phrases it with (None: such a
    backend leaves the section templated). ``analysis``: the section states analysis, not
    facts; it has no plain rendering and only a backend with structured output writes it.
    """

    key: str
    plan: Callable[[DraftContext], SectionPlan]
    fewshot: str | None = None
    analysis: bool = False
    highlight_all: bool = False
    #: What an analysis section states when no schema-following model writes it (default: nothing).
    without_model: Callable[[SectionPlan], None] | None = None


@dataclass(frozen=True)
class ReportSpec:
    id: str  # 'trade-briefing': the first half of every key, the drafts sub-directory
    title_zh: str  # the site's navigation parent, e.g. 貿易動態週報
    period_kind: PeriodKind
    site_section: str  # 'Narrator/trade_briefing': where publish writes it under site/docs/
    template: Path  # Jinja2 template of the page
    sections: tuple[SectionDef, ...]
    compose: Callable[[DraftContext], PageParts]  # what the page adds around its sections
    file_pattern: str = "{period}-{id}"  # file stem of the draft, sidecar and published page
    nav_order: int = 1
    #: Called after the sections are written, before their claims get ids (e.g. a summary line
    #: on the newest document); may add claims to ``ctx.results``.
    amend: Callable[[DraftContext], None] | None = None
    #: Claims the page states outside its sections (e.g. a watchlist), in page order.
    extra_claims: Callable[[DraftContext], list[Claim]] | None = None
    #: The fact sheet of a period from the store (None: the sheet of the ISO week holding the
    #: period's last day, so a month sees exactly the data released by its end).
    facts: Callable[[Any, Period], Any] | None = None
    #: Earlier fact sheets the page compares with ('prev', 'year_ago'), and whether it cites documents.
    comparisons: tuple[str, ...] = ()
    documents: bool = False
    #: Kinds of chart the page draws beside its text (``agent.site.charts``: balance_monthly, hhi,
    #: hs_contribution); () for a page about documents, where trade charts would be beside the point.
    charts: tuple[str, ...] = ("balance_monthly", "hhi", "hs_contribution")

    def stem(self, period: str) -> str:
        return self.file_pattern.format(period=period, id=self.id)

    def key(self, period: str) -> str:
        return f"{self.id}/{period}"

    def url(self, period: str) -> str:
        """The site URL of the published page (what ``nav``/``related_reports`` links point at)."""
        return f"/{self.site_section.strip('/')}/{self.stem(period)}/"

    def period(self, text: str) -> Period:
        return parse_period(self.period_kind, text)


_REGISTRY: dict[str, ReportSpec] = {}
_loaded = False


def register_report(spec: ReportSpec, *, replace: bool = False) -> ReportSpec:
    """Add a report type; a second spec with the same id is an error unless ``replace``."""
    if not spec.id or "/" in spec.id or spec.id != spec.id.strip():
        raise ValueError(f"bad report id {spec.id!r}: a non-empty name without '/'")
    if spec.id in _REGISTRY and not replace and _REGISTRY[spec.id] is not spec:
        raise ValueError(f"report {spec.id!r} is already registered")
    _REGISTRY[spec.id] = spec
    return spec


def unregister_report(report_id: str) -> None:
    _REGISTRY.pop(report_id, None)


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILTIN_MODULES:
            importlib.import_module(module)


def reports() -> dict[str, ReportSpec]:
    _load_builtins()
    return dict(_REGISTRY)


def get_report(report_id: str) -> ReportSpec:
    _load_builtins()
    try:
        return _REGISTRY[report_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise InputError(f"unknown report {report_id!r} (known: {known})") from None


@dataclass(frozen=True)
class ReportKey:
    """``trade-briefing/2026-W07``: which report, which period (validated against the spec)."""

    report: str
    period: str

    def __str__(self) -> str:
        return f"{self.report}/{self.period}"

    @property
    def spec(self) -> ReportSpec:
        return get_report(self.report)


def parse_key(text: str) -> ReportKey:
    """``report/period``, or a bare period for its kind's shorthand report (``2026-W07``)."""
    raw = (text or "").strip()
    report, sep, period = raw.rpartition("/")
    if not sep:
        kind = kind_of(raw)
        if kind is None or kind not in SHORTHAND:
            raise InputError(f"bad report {raw!r}: expected report/period, e.g. trade-briefing/{EXAMPLES['week']}")
        report, period = SHORTHAND[kind], raw
    spec = get_report(report)
    return ReportKey(spec.id, spec.period(period).id)
